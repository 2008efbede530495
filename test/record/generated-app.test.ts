// The end-to-end run, as a user does it: in a fresh TypeScript app that has fastify-aws installed (a build
// of this checkout) and its own tsx, `fastify-aws generate model` writes the seed's Forum, the app's strict tsconfig
// accepts it, `fastify-aws migrate` makes the table on DynamoDB Local with no build step, and the generated model
// saves, finds, queries its index, updates and deletes; raw items are checked with a plain client. Then migrate
// again changes nothing, and a GSI and TTL added to the model and config are added by the next migrate.
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { startDynamoDbLocal } from '../helpers/dynamodb-local.js'
import { testAws } from '../helpers/emulators.js'

// A cold JVM on a busy machine can take a while to start.
t.setTimeout(300_000)

const run = promisify(execFile)
const repo = new URL('../../', import.meta.url).pathname
const work = mkdtempSync(join(tmpdir(), 'fastify-aws-generated-'))
t.teardown(() => rmSync(work, { recursive: true, force: true }))

/** Builds the package into `<work>/package` (as npm would install it: package.json + dist, its dependencies beside). */
async function installPackage(): Promise<string> {
  const pkg = join(work, 'package')
  mkdirSync(pkg, { recursive: true })
  await run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(repo, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist'), '--sourceMap', 'false'])
  cpSync(join(repo, 'package.json'), join(pkg, 'package.json'))
  symlinkSync(join(repo, 'node_modules'), join(pkg, 'node_modules'))
  return pkg
}

/** A TypeScript app with a strict tsconfig, fastify-aws, @types/node and (optionally) its own tsx. */
function makeApp(name: string, pkg: string, withTsx: boolean): string {
  const app = join(work, name)
  mkdirSync(join(app, 'node_modules', '@types'), { recursive: true })
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }))
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        noImplicitOverride: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      include: ['src', 'db'],
    }),
  )
  symlinkSync(pkg, join(app, 'node_modules', 'fastify-aws'))
  symlinkSync(join(repo, 'node_modules/@types/node'), join(app, 'node_modules/@types/node'))
  if (withTsx) symlinkSync(join(repo, 'node_modules/tsx'), join(app, 'node_modules/tsx'))
  return app
}

const [pkg, local] = await Promise.all([installPackage(), startDynamoDbLocal()])
t.teardown(() => local.close())
const client = new DynamoDBClient({ ...testAws, endpoint: local.endpoint })
t.teardown(() => client.destroy())

const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|FASTIFY_AWS_|NODE_OPTIONS$)/.test(k))),
  AWS_REGION: testAws.region,
  AWS_ACCESS_KEY_ID: testAws.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: testAws.credentials.secretAccessKey,
  AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
}

/** `npx fastify-aws ...` in `cwd`: the installed package's binary. */
async function cli(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(cwd, 'node_modules/fastify-aws/dist/cli/index.js'), ...args], { cwd, env })
    return { code: 0, out: stdout, err: stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, out: e.stdout, err: e.stderr }
  }
}

const app = makeApp('forum-app', pkg, true)

// The seed's command (reference 3.4), with this project's binary.
const seed = [
  'generate', 'model', 'Forum', 'forum_uuid:hkey', 'post_id:rkey', 'author_username', 'post_title', 'post_body',
  'tags:sset:default_value{Set.new}', 'created_at:datetime:db_attr_name{PostCreatedAtTime}',
  'moderation:boolean:default_value{false}', '--table-config=primary:5-2', 'AuthorIndex:12-14',
  '--required=post_title', '--length-validations=post_body:50-1000', '--gsi=AuthorIndex:hkey{author_username}',
]

t.test('generate writes the model and its table config and names the next command', async (t) => {
  const r = await cli(app, ...seed)
  t.equal(r.code, 0, r.err)
  t.equal(r.out, 'created src/models/forum.ts\ncreated db/table-config/forum.ts\nNext: npx fastify-aws migrate   (creates the table Forum)\n')
  const model = readFileSync(join(app, 'src/models/forum.ts'), 'utf8')
  t.match(model, "forum_uuid: attr.string({ hashKey: true }),")
  t.match(model, "created_at: attr.datetime({ databaseName: 'PostCreatedAtTime' }),")
  t.match(model, "post_body: attr.string({ validate: { length: { min: 50, max: 1000 } } }),")
  t.match(model, "AuthorIndex: { hashKey: 'author_username', projection: { type: 'ALL' } },")
  t.match(readFileSync(join(app, 'db/table-config/forum.ts'), 'utf8'), "AuthorIndex: { readCapacityUnits: 12, writeCapacityUnits: 14 },")

  const again = await cli(app, ...seed)
  t.equal(again.code, 2, 'never overwrites without --force')
  t.match(again.err, /src\/models\/forum\.ts and db\/table-config\/forum\.ts already exist; nothing was written\. Pass --force to overwrite\./)
})

t.test("the generated files type-check under the app's strict tsconfig", async (t) => {
  // A file of the app's own that uses the model: keys, index names and attribute types are checked too.
  writeFileSync(
    join(app, 'src/use.ts'),
    `import { Forum } from './models/forum.js'

const [mode = 'use'] = process.argv.slice(2)
const body = 'A post body long enough for the length validation of fifty characters.'
const post = new Forum({ forum_uuid: 'f-1', post_id: 'p-1', author_username: 'alice', post_title: 'Hi', post_body: body })
post.created_at = new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 250))
await post.save()
const found = await Forum.find({ forum_uuid: 'f-1', post_id: 'p-1' })
const byAuthor = await Forum.query().onIndex('AuthorIndex').keyExpr(':author_username = ?', 'alice').toArray()
found?.tags.add('ruby')
await found?.update({ post_title: 'Hello' })
const invalid = new Forum({ forum_uuid: 'f-2', post_id: 'p-2', post_title: '', post_body: 'short' })
const errors = invalid.validate().map((e) => e.attribute + ' ' + e.message)
const second = new Forum({ forum_uuid: 'f-3', post_id: 'p-3', post_title: 'Bye', post_body: body })
await second.save()
if (mode === 'delete') await second.delete()
console.log(JSON.stringify({ found: found?.post_title, tags: [...(found?.tags ?? [])], byAuthor: byAuthor.map((p) => p.post_id), errors }))
`,
  )
  const { stdout, stderr } = await run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app }).catch((err: { stdout: string; stderr: string }) => err)
  t.equal(stdout + stderr, '', 'tsc --noEmit reports nothing')
})

t.test('migrate loads the .ts config with the app\'s tsx and creates the table: keys, AuthorIndex, throughput', async (t) => {
  const dry = await cli(app, 'migrate', '--dry-run')
  t.equal(dry.code, 0, dry.err)
  t.match(dry.out, 'would create table Forum (provisioned 5 RCU / 2 WCU, index AuthorIndex)')
  t.match(dry.out, 'Dry run: 1 table: 1 would be created, 0 would be updated, 0 unchanged.')
  await t.rejects(client.send(new DescribeTableCommand({ TableName: 'Forum' })), { name: 'ResourceNotFoundException' }, 'a dry run changes nothing')

  const r = await cli(app, 'migrate')
  t.equal(r.code, 0, r.err)
  t.equal(r.out, 'Forum → table Forum (db/table-config/forum.ts)\n  create table Forum (provisioned 5 RCU / 2 WCU, index AuthorIndex)\n1 table: 1 created, 0 updated, 0 unchanged.\n')
  const { Table } = await client.send(new DescribeTableCommand({ TableName: 'Forum' }))
  t.same(Table?.KeySchema, [{ AttributeName: 'forum_uuid', KeyType: 'HASH' }, { AttributeName: 'post_id', KeyType: 'RANGE' }])
  t.same(
    [...(Table?.AttributeDefinitions ?? [])].sort((a, b) => a.AttributeName!.localeCompare(b.AttributeName!)),
    [{ AttributeName: 'author_username', AttributeType: 'S' }, { AttributeName: 'forum_uuid', AttributeType: 'S' }, { AttributeName: 'post_id', AttributeType: 'S' }],
  )
  t.match(Table?.ProvisionedThroughput, { ReadCapacityUnits: 5, WriteCapacityUnits: 2 })
  t.match(Table?.GlobalSecondaryIndexes, [
    { IndexName: 'AuthorIndex', KeySchema: [{ AttributeName: 'author_username', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 12, WriteCapacityUnits: 14 }, IndexStatus: 'ACTIVE' },
  ])
})

t.test('the generated model saves, finds, queries AuthorIndex, updates and deletes; the raw items are aws-record\'s', async (t) => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/use.ts', 'delete'], { cwd: app, env })
  t.same(JSON.parse(stdout), {
    found: 'Hello',
    tags: ['ruby'],
    byAuthor: ['p-1'],
    errors: ["post_title can't be blank", 'post_body is too short (minimum is 50 characters)'],
  })
  const raw = await client.send(new GetItemCommand({ TableName: 'Forum', Key: { forum_uuid: { S: 'f-1' }, post_id: { S: 'p-1' } } }))
  t.same(raw.Item, {
    forum_uuid: { S: 'f-1' },
    post_id: { S: 'p-1' },
    author_username: { S: 'alice' },
    post_title: { S: 'Hello' },
    post_body: { S: 'A post body long enough for the length validation of fifty characters.' },
    tags: { SS: ['ruby'] },
    moderation: { BOOL: false },
    PostCreatedAtTime: { S: '2024-05-06T07:08:09+00:00' },
  })
  const gone = await client.send(new GetItemCommand({ TableName: 'Forum', Key: { forum_uuid: { S: 'f-3' }, post_id: { S: 'p-3' } } }))
  t.equal(gone.Item, undefined, 'deleted')
})

t.test('migrate again changes nothing; a GSI and TTL added to model and config are added by the next migrate', async (t) => {
  const again = await cli(app, 'migrate')
  t.equal(again.code, 0, again.err)
  t.equal(again.out, 'Forum → table Forum (db/table-config/forum.ts)\n  nothing to do: the table matches\n1 table: 0 created, 0 updated, 1 unchanged.\n')

  const modelFile = join(app, 'src/models/forum.ts')
  writeFileSync(
    modelFile,
    readFileSync(modelFile, 'utf8')
      .replace("    moderation: attr.boolean({ default: false }),\n", "    moderation: attr.boolean({ default: false }),\n    expires_at: attr.epochTime(),\n")
      .replace("    AuthorIndex: { hashKey: 'author_username', projection: { type: 'ALL' } },\n", "    AuthorIndex: { hashKey: 'author_username', projection: { type: 'ALL' } },\n    TitleIndex: { hashKey: 'post_title', rangeKey: 'created_at', projection: { type: 'KEYS_ONLY' } },\n"),
  )
  const configFile = join(app, 'db/table-config/forum.ts')
  writeFileSync(
    configFile,
    readFileSync(configFile, 'utf8')
      .replace("    AuthorIndex: { readCapacityUnits: 12, writeCapacityUnits: 14 },\n", "    AuthorIndex: { readCapacityUnits: 12, writeCapacityUnits: 14 },\n    TitleIndex: { readCapacityUnits: 3, writeCapacityUnits: 1 },\n")
      .replace('  writeCapacityUnits: 2,\n', "  writeCapacityUnits: 4,\n  ttlAttribute: 'expires_at',\n"),
  )
  const r = await cli(app, 'migrate')
  t.equal(r.code, 0, r.err)
  t.equal(
    r.out.split('\n').filter((line) => !line.startsWith('  waiting for ')).join('\n'),
    [
      'Forum → table Forum (db/table-config/forum.ts)',
      '  set Forum throughput to 5/4 RCU/WCU (was 5/2)',
      '  add index TitleIndex (post_title + PostCreatedAtTime, KEYS_ONLY)',
      '  enable TTL on expires_at',
      '1 table: 0 created, 1 updated, 0 unchanged.',
      '',
    ].join('\n'),
  )
  const { Table } = await client.send(new DescribeTableCommand({ TableName: 'Forum' }))
  t.match(Table?.ProvisionedThroughput, { ReadCapacityUnits: 5, WriteCapacityUnits: 4 })
  t.match(
    Table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === 'TitleIndex'),
    { KeySchema: [{ AttributeName: 'post_title', KeyType: 'HASH' }, { AttributeName: 'PostCreatedAtTime', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' }, IndexStatus: 'ACTIVE', ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 1 } },
  )
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'Forum' }))
  t.same(ttl.TimeToLiveDescription, { TimeToLiveStatus: 'ENABLED', AttributeName: 'expires_at' })
  const last = await cli(app, 'migrate', '--only', 'Forum')
  t.match(last.out, 'nothing to do: the table matches')
})

t.test('an app without tsx on Node without type stripping gets a message saying what to install', async (t) => {
  const bare = makeApp('bare-app', pkg, false)
  t.equal((await cli(bare, 'generate', 'model', 'Note', 'body')).code, 0)
  const r = await cli(bare, 'migrate')
  if ((process.features as { typescript?: unknown }).typescript) {
    t.equal(r.code, 0, `Node strips types itself: ${r.err}`)
    return
  }
  t.equal(r.code, 2)
  t.match(r.err, /db\/table-config\/note\.ts is TypeScript and this process cannot import it: install tsx in the app \(`npm install --save-dev tsx`\)/)
})
