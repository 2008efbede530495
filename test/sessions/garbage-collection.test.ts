// Garbage collection on dynalite: the filter, pagination, batches of 25, unprocessed items retried.
import t from 'tap'
import { BatchWriteItemCommand, ScanCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb'
import { Writable } from 'node:stream'
import { collectGarbage, type GarbageCollectionSettings } from '../../src/sessions/index.js'
import { main } from '../../src/cli/main.js'
import { startDynalite } from '../helpers/emulators.js'
import { countedClient, makeTable } from './harness.js'

const ddb = await startDynalite()
t.teardown(() => ddb.close())
const { client, calls } = countedClient(ddb.endpoint)
t.teardown(() => client.destroy())

const base: GarbageCollectionSettings = {
  table_name: 'gc1',
  table_key: 'session_id',
  ttl_attribute: 'expire_at',
  max_age: undefined,
  max_stale: undefined,
  touch_after: 60,
}
const NOW = Date.now()
const s = NOW / 1000

/** Items: `live` ones far from every bound, plus `expired` ones past expire_at. */
async function fill(table: string, live: number, expired: number, extra: Array<Record<string, number>> = []): Promise<void> {
  const rows: Array<Record<string, number>> = []
  for (let i = 0; i < live; i++) rows.push({ created_at: s - 10, updated_at: s - 10, expire_at: Math.ceil(s + 3600) })
  for (let i = 0; i < expired; i++) rows.push({ created_at: s - 7200, updated_at: s - 7200, expire_at: Math.floor(s - 1) })
  rows.push(...extra)
  const requests: WriteRequest[] = rows.map((r, i) => ({
    PutRequest: {
      Item: {
        session_id: { S: `${table}-${i}` },
        data: { S: '{}' },
        ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { N: String(v) }])),
      },
    },
  }))
  for (let i = 0; i < requests.length; i += 25) {
    await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests.slice(i, i + 25) } }))
  }
}

async function count(table: string): Promise<number> {
  return (await client.send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count ?? 0
}

t.test('deletes exactly the expired items, over many pages, in batches of at most 25', async (t) => {
  await makeTable(client, 'gc1')
  await fill('gc1', 40, 63)
  const pages: number[] = []
  const before = calls.length
  const result = await collectGarbage(client, { ...base, table_name: 'gc1' }, { pageSize: 10, now: NOW, onProgress: (p) => pages.push(p.scanned) })
  const made = calls.slice(before)
  t.same(result, { scanned: 103, deleted: 63 })
  t.equal(await count('gc1'), 40, 'the live sessions are all still there')
  t.equal(pages.length, 11, 'one progress report per page (103 items, 10 per page)')
  t.equal(made.filter((c) => c === 'Scan').length, 11, 'the scan follows LastEvaluatedKey to the end')
  t.ok(made.filter((c) => c === 'BatchWriteItem').length >= 3, 'deletes go in batches')
})

t.test('max_age and max_stale (+ touch_after) select by created_at and updated_at, numbers against numbers', async (t) => {
  await makeTable(client, 'gc2')
  await fill('gc2', 5, 0, [
    { created_at: s - 1000, updated_at: s - 10, expire_at: Math.ceil(s + 3600) }, // too old for max_age 900
    { created_at: s - 100, updated_at: s - 700, expire_at: Math.ceil(s + 3600) }, // idle > 600 + 60
    { created_at: s - 100, updated_at: s - 650, expire_at: Math.ceil(s + 3600) }, // idle 650 < 660: kept
  ])
  const result = await collectGarbage(client, { ...base, table_name: 'gc2', max_age: 900, max_stale: 600 }, { now: NOW })
  t.same(result, { scanned: 8, deleted: 2 })
  t.equal(await count('gc2'), 6)
  const none = await collectGarbage(client, { ...base, table_name: 'gc2' }, { now: NOW })
  t.equal(none.deleted, 0, 'without max_age/max_stale only expired items go (the Ruby gem sent an empty filter)')
})

t.test('unprocessed deletes are retried with backoff until done', async (t) => {
  await makeTable(client, 'gc3')
  await fill('gc3', 0, 30)
  // DynamoDB answers throttled batches with UnprocessedItems; dynalite never does, so inject it:
  // the first two BatchWriteItem calls only process their first 5 requests.
  const throttled = countedClient(ddb.endpoint).client
  t.teardown(() => throttled.destroy())
  let throttle = 2
  throttled.middlewareStack.add(
    (next) => async (args) => {
      const input = (args.input as { RequestItems?: Record<string, WriteRequest[]> }).RequestItems
      if (input === undefined || throttle === 0) return next(args)
      throttle--
      const [table, requests] = Object.entries(input)[0]!
      const out = await next({ ...args, input: { RequestItems: { [table]: requests.slice(0, 5) } } })
      ;(out.output as { UnprocessedItems?: unknown }).UnprocessedItems = { [table]: requests.slice(5) }
      return out
    },
    { step: 'initialize', name: 'throttle' },
  )
  const result = await collectGarbage(throttled as DynamoDBClient, { ...base, table_name: 'gc3' }, { now: NOW, baseDelayMs: 1 })
  t.same(result, { scanned: 30, deleted: 30 })
  t.equal(await count('gc3'), 0, 'nothing was lost')
})

t.test('deletes that stay unprocessed after every retry are an error with the counts', async (t) => {
  await makeTable(client, 'gc4')
  await fill('gc4', 0, 3)
  const stuck = countedClient(ddb.endpoint).client
  t.teardown(() => stuck.destroy())
  stuck.middlewareStack.add(
    (next) => async (args) => {
      const input = (args.input as { RequestItems?: Record<string, WriteRequest[]> }).RequestItems
      if (input === undefined) return next(args)
      const [table, requests] = Object.entries(input)[0]!
      return { output: { UnprocessedItems: { [table]: requests }, $metadata: {} }, response: {} } as Awaited<ReturnType<typeof next>>
    },
    { step: 'initialize', name: 'stuck' },
  )
  await t.rejects(collectGarbage(stuck, { ...base, table_name: 'gc4' }, { now: NOW, baseDelayMs: 1, maxRetries: 2 }), {
    code: 'FASTIFY_AWS_SESSION_GC',
    message: /deleted 0 sessions but 3 stayed unprocessed/,
  })
})

t.test('fastify-aws sessions collect-garbage prints progress and the count', async (t) => {
  await makeTable(client, 'gc5')
  await fill('gc5', 2, 4)
  const out: string[] = []
  const err: string[] = []
  const sink = (into: string[]) => new Writable({ write: (c: Buffer, _e, done) => (into.push(c.toString()), done()) })
  const code = await main({
    argv: ['sessions', 'collect-garbage', '--table-name', 'gc5', '--endpoint', ddb.endpoint, '--region', 'us-east-1'],
    env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
    cwd: t.testdir({ config: { 'aws.yml': 'access_key_id: test\nsecret_access_key: test\n' } }),
    stdout: sink(out),
    stderr: sink(err),
  })
  t.equal(code, 0, err.join(''))
  t.match(out.join(''), /Collecting expired sessions in gc5 \(expire_at passed\)/)
  t.match(out.join(''), /scanned 6, deleted 4/)
  t.match(out.join(''), /Deleted 4 expired sessions \(6 scanned\)\./)
  t.equal(await count('gc5'), 2)

  out.length = 0
  const fromFile = await main({
    argv: ['sessions', 'collect-garbage', '--config-file', 'sessions.yml', '--endpoint', ddb.endpoint, '--region', 'us-east-1', '--quiet'],
    env: {},
    cwd: t.testdir({ 'sessions.yml': 'table_name: gc5\n', config: { 'aws.yml': 'access_key_id: test\nsecret_access_key: test\n' } }),
    stdout: sink(out),
    stderr: sink(err),
  })
  t.equal(fromFile, 0, err.join(''))
  t.equal(out.join(''), 'Deleted 0 expired sessions (2 scanned).\n', '--config-file names the table; --quiet prints only the count')

  const bad = await main({
    argv: ['sessions', 'collect-garbage', '--max-age', 'soon'],
    env: {},
    cwd: t.testdir({}),
    stdout: sink(out),
    stderr: sink(err),
  })
  t.equal(bad, 2)
  t.match(err.join(''), /--max-age takes a whole number >= 1, got "soon"/)
})
