// `npm run bench -- record`: what a model costs on top of the bare DocumentClient making the same calls: save of a
// new item (PutItem with the put-if-new condition), find (GetItem) and a query on a GSI (10 items), each against
// dynalite in a process of its own on 127.0.0.1 (DynamoDB is another machine in production, so the server's CPU is
// not ours). The library is the built package (bench/built.ts). Target: >= 0.9 of the bare calls' throughput.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import { built } from './built.js'

const record = await built<typeof import('../src/record/index.js')>('record/index.js')
const { attr, defineModel, defineTableConfig, migrate, DOCUMENT_CLIENT_OPTIONS } = record

const CONCURRENCY = 8
const WARMUP_CALLS = 1500 // per path and operation: V8 needs thousands of SDK calls
const ROUNDS = 15
const CALLS_PER_ROUND = 300

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port
    s.close(() => resolve(p))
  })
})
const dynalite = spawn(process.execPath, [fileURLToPath(new URL('../node_modules/dynalite/cli.js', import.meta.url)), '--host', '127.0.0.1', '--port', String(port), '--createTableMs', '0'], {
  stdio: 'ignore',
})
process.once('exit', () => dynalite.kill('SIGKILL'))
const endpoint = `http://127.0.0.1:${port}`
const raw = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 1 })
const doc = DynamoDBDocumentClient.from(raw, DOCUMENT_CLIENT_OPTIONS)

const Forum = defineModel('Forum', {
  client: doc,
  attributes: {
    forum_uuid: attr.string({ hashKey: true }),
    post_id: attr.string({ rangeKey: true }),
    author_username: attr.string(),
    post_title: attr.string({ validate: { presence: true } }),
    post_body: attr.string({ validate: { length: { min: 50, max: 1000 } } }),
    tags: attr.stringSet({ default: () => new Set<string>() }),
    created_at: attr.datetime({ databaseName: 'PostCreatedAtTime' }),
    moderation: attr.boolean({ default: false }),
  },
  globalSecondaryIndexes: { AuthorIndex: { hashKey: 'author_username', projection: { type: 'ALL' } } },
})
for (let i = 0; ; i++) {
  try {
    await migrate(defineTableConfig({ model: Forum }), { client: raw })
    break
  } catch (err) {
    if (i > 50) throw err
    await sleep(100) // dynalite still starting
  }
}

const body = 'A post body long enough for the length validation of fifty characters, and then some.'
const created = new Date(Date.UTC(2024, 4, 6, 7, 8, 9))
let next = 0

// The same calls, written by hand against the DocumentClient: the item in aws-record's format, the same condition.
const bare = {
  save: () =>
    doc.send(
      new PutCommand({
        TableName: 'Forum',
        Item: {
          forum_uuid: 'bench',
          post_id: `bare-${next++}`,
          author_username: 'bulk',
          post_title: 'Hello',
          post_body: body,
          tags: null,
          PostCreatedAtTime: `${created.toISOString().slice(0, 19)}+00:00`,
          moderation: false,
        },
        ConditionExpression: 'attribute_not_exists(#H) and attribute_not_exists(#R)',
        ExpressionAttributeNames: { '#H': 'forum_uuid', '#R': 'post_id' },
      }),
    ),
  find: () => doc.send(new GetCommand({ TableName: 'Forum', Key: { forum_uuid: 'seed', post_id: `p-${next++ % 10}` } })),
  query: () =>
    doc.send(
      new QueryCommand({
        TableName: 'Forum',
        IndexName: 'AuthorIndex',
        KeyConditionExpression: '#BUILDERA = :buildera',
        ExpressionAttributeNames: { '#BUILDERA': 'author_username' },
        ExpressionAttributeValues: { ':buildera': 'ada' },
      }),
    ),
}
const model = {
  save: () => new Forum({ forum_uuid: 'bench', post_id: `model-${next++}`, author_username: 'bulk', post_title: 'Hello', post_body: body, created_at: created }).save(),
  find: () => Forum.find({ forum_uuid: 'seed', post_id: `p-${next++ % 10}` }),
  query: () => Forum.query().onIndex('AuthorIndex').keyExpr(':author_username = ?', 'ada').toArray(),
}
type Operation = keyof typeof bare

// Ten posts by ada to find and query.
for (let i = 0; i < 10; i++) {
  await new Forum({ forum_uuid: 'seed', post_id: `p-${i}`, author_username: 'ada', post_title: `Post ${i}`, post_body: body, created_at: created, tags: ['a', 'b'] }).save()
}
const check = await model.query()
if (check.length !== 10 || (await bare.query()).Items?.length !== 10) throw new Error('the query should find 10 posts')

/** Calls per second of `n` calls with CONCURRENCY in flight. */
async function rate(n: number, fn: () => Promise<unknown>): Promise<number> {
  let started = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (started++ < n) await fn()
    }),
  )
  return (n / (performance.now() - t0)) * 1000
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

for (const op of Object.keys(bare) as Operation[]) {
  await rate(WARMUP_CALLS, bare[op])
  await rate(WARMUP_CALLS, model[op])
}

console.log(`dynalite in its own process on 127.0.0.1; ${CONCURRENCY} calls in flight; ${ROUNDS} interleaved rounds of ${CALLS_PER_ROUND} calls per path after ${WARMUP_CALLS} warm-up calls`)
console.log(`${'operation'.padEnd(34)} ${'bare calls/s'.padStart(13)} ${'model calls/s'.padStart(14)} ${'ratio (median of rounds)'.padStart(26)}`)
const ratios: number[] = []
for (const op of Object.keys(bare) as Operation[]) {
  const bareRates: number[] = []
  const modelRates: number[] = []
  const roundRatios: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which path goes first: the shared machine's speed drifts within seconds.
    const first = round % 2 === 0
    const a = first ? await rate(CALLS_PER_ROUND, bare[op]) : 0
    const m = await rate(CALLS_PER_ROUND, model[op])
    const b = first ? a : await rate(CALLS_PER_ROUND, bare[op])
    bareRates.push(b)
    modelRates.push(m)
    roundRatios.push(m / b)
  }
  const ratio = median(roundRatios)
  ratios.push(ratio)
  const label = { save: 'save (new item: conditional PutItem)', find: 'find (GetItem)', query: 'query AuthorIndex (10 items)' }[op]
  console.log(
    `${label.padEnd(34)} ${median(bareRates).toFixed(0).padStart(13)} ${median(modelRates).toFixed(0).padStart(14)} ${`${ratio.toFixed(2)}x`.padStart(26)}  (rounds ${Math.min(...roundRatios).toFixed(2)}–${Math.max(...roundRatios).toFixed(2)})`,
  )
}
console.log(`\nlowest of the three: ${Math.min(...ratios).toFixed(2)}x the bare DocumentClient (target >= 0.9)`)

raw.destroy()
dynalite.kill('SIGTERM')
