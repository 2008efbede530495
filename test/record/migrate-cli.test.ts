// `fastify-aws migrate` as a command against dynalite: which files it loads, what it prints, and how it stops.
// (The full run with indexes and TTL is generated-app.test.ts, on DynamoDB Local.)
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { runCli } from '../helpers/cli.js'
import { startDynalite, testAws } from '../helpers/emulators.js'

const ddb = await startDynalite()
t.teardown(() => ddb.close())
const client = new DynamoDBClient({ ...testAws, endpoint: ddb.endpoint })
t.teardown(() => client.destroy())

const record = new URL('../../src/record/index.ts', import.meta.url).pathname
const env = {}
// An app folder: region and keys in config/aws.yml (the SDK reads the rest of its chain from this process's
// environment), and its own tsx, which loads the .ts configs.
const cwd = t.testdir({
  'package.json': JSON.stringify({ name: 'app', private: true, type: 'module' }),
  config: { 'aws.yml': `region: ${testAws.region}\naccess_key_id: test\nsecret_access_key: test\n` },
  node_modules: { tsx: t.fixture('symlink', new URL('../../node_modules/tsx', import.meta.url).pathname) },
})

/** A folder of table configs, one file per entry (a model defined inline: name → attributes source). */
function configDir(t: Test, files: Record<string, string>): string {
  const dir = mkdtempSync(join(cwd, 'table-config-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), `import { attr, defineModel, defineTableConfig } from '${record}'\n${body}\n`)
  }
  return dir
}

const model = (name: string, attributes = "{ id: attr.string({ hashKey: true }) }") =>
  `export default defineTableConfig({ model: defineModel('${name}', { attributes: ${attributes} }) })`

t.test('each config in name order (subfolders too): a plan line per table, the steps, a summary; --dry-run changes nothing', async (t) => {
  const dir = configDir(t, { 'b.ts': model('Beta'), 'a.ts': model('Alpha'), 'sub/c.mts': model('Gamma'), 'notes.txt': 'not a config', 'types.d.ts': '' })
  const dry = await runCli(['migrate', '--dir', dir, '--endpoint', ddb.endpoint, '--dry-run'], env, cwd)
  t.equal(dry.code, 0, dry.err)
  t.match(dry.out, /^Alpha → table Alpha \(.*a\.ts\)\n  would create table Alpha \(on-demand\)\nBeta → .*\n  would create table Beta \(on-demand\)\nGamma → .*sub\/c\.mts\)\n  would create table Gamma \(on-demand\)\nDry run: 3 tables: 3 would be created, 0 would be updated, 0 unchanged\.\n$/)
  await t.rejects(client.send(new DescribeTableCommand({ TableName: 'Alpha' })), { name: 'ResourceNotFoundException' })

  const only = await runCli(['migrate', '--dir', dir, '--endpoint', ddb.endpoint, '--only', 'Gamma,Alpha'], env, cwd)
  t.equal(only.code, 0, only.err)
  t.match(only.out, /2 tables: 2 created, 0 updated, 0 unchanged\.\n$/)
  t.notMatch(only.out, /Beta/)
  const all = await runCli(['migrate', '--dir', dir, '--endpoint', ddb.endpoint], env, cwd)
  t.match(all.out, /Alpha → table Alpha .*\n  nothing to do: the table matches\nBeta → table Beta .*\n  create table Beta \(on-demand\)\n/)
  t.match(all.out, /3 tables: 1 created, 0 updated, 2 unchanged\.\n$/)
})

t.test('the first failure stops with the table and the cause; tables done before stay done', async (t) => {
  await client.send(
    new CreateTableCommand({ TableName: 'Taken', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
  )
  const dir = configDir(t, { '1-first.ts': model('First'), '2-taken.ts': model('Taken'), '3-never.ts': model('Never') })
  const r = await runCli(['migrate', '--dir', dir, '--endpoint', ddb.endpoint], env, cwd)
  t.equal(r.code, 1)
  t.match(r.out, /^First → table First .*\n  create table First \(on-demand\)\nTaken → table Taken .*\n$/)
  t.equal(
    r.err,
    'fastify-aws migrate: Migrating table Taken failed: table Taken has key pk (HASH), but model Taken declares id (HASH). DynamoDB cannot change a table\'s keys: fix the model\'s hashKey/rangeKey (or databaseName), or use another table (tableName). (1 of 3 tables done before; they stay migrated). [FASTIFY_AWS_RECORD_MIGRATION]\n',
  )
  t.equal((await client.send(new DescribeTableCommand({ TableName: 'First' }))).Table?.TableStatus, 'ACTIVE')
  await t.rejects(client.send(new DescribeTableCommand({ TableName: 'Never' })), { name: 'ResourceNotFoundException' })
})

t.test('bad input: each a one-line usage error naming the folder, file or model', async (t) => {
  const empty = configDir(t, {})
  const cases: Array<[string[], RegExp]> = [
    [['--dir', join(empty, 'missing')], /No table-config folder .*missing \(in .*\): generate a model with "fastify-aws generate model", or pass --dir\./],
    [['--dir', empty], /holds no table configs \(\.ts, \.js\): generate one with "fastify-aws generate model"\./],
    [['--dir', configDir(t, { 'x.ts': 'export const nothing = 1' })], /x\.ts exports no table config: export default defineTableConfig\(\{ model: \.\.\., \.\.\. \}\)\./],
    [['--dir', configDir(t, { 'x.ts': 'throw new Error("boom")' })], /x\.ts: cannot load it: boom/],
    [['--dir', configDir(t, { 'x.ts': model('Xeno') }), '--only', 'Nope'], /--only Nope: no table config for that model; models: Xeno\./],
    [['--dir', configDir(t, { 'x.ts': model('Xeno') }), '--verbose'], /Unknown flag --verbose\. The flags are --dry-run, --dir, --only, --endpoint, --region\. See "fastify-aws migrate --help"/],
  ]
  for (const [args, message] of cases) {
    const r = await runCli(['migrate', ...args, '--endpoint', ddb.endpoint], env, cwd)
    t.equal(r.code, 2, args.join(' '))
    t.match(r.err, message)
    t.equal(r.err.trim().split('\n').length, 1)
  }
  const bad = await runCli(['migrate', '--dir', configDir(t, { 'x.ts': `export default defineTableConfig({ model: defineModel('Prov', { attributes: { id: attr.string({ hashKey: true }) } }), readCapacityUnits: 5 })` })], env, cwd)
  t.equal(bad.code, 2)
  t.match(bad.err, /x\.ts: cannot load it: Table config of Prov: billingMode PROVISIONED needs writeCapacityUnits \(or use billingMode PAY_PER_REQUEST\)\./)
})
