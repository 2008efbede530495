// Session options: precedence code > ENV > YAML (per-environment first, older file name too) > defaults, precise errors.
import t from 'tap'
import { Writable } from 'node:stream'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadSessionSettings } from '../../src/sessions/index.js'
import { sessionConfigTemplate } from '../../src/sessions/config-template.js'
import { main } from '../../src/cli/main.js'

t.test('defaults', async (t) => {
  const s = loadSessionSettings({}, { env: {}, cwd: t.testdir({}) })
  t.match(s, {
    table_name: 'sessions',
    table_key: 'session_id',
    consistent_read: true,
    ttl_attribute: 'expire_at',
    touch_after: 60,
    raise_errors: false,
    enable_locking: false,
    lock_expiry_time: 500,
    lock_retry_delay: 500,
    lock_max_wait_time: 1,
    billing_mode: 'PAY_PER_REQUEST',
    read_capacity: 10,
    write_capacity: 5,
    cookie_name: 'sessionId',
  })
  t.equal(s.max_age, undefined)
  t.equal(s.max_stale, undefined)
  t.equal(s.secret_key, undefined)
})

t.test('code > ENV > YAML, values parsed by type', async (t) => {
  const cwd = t.testdir({
    config: { 'aws_dynamo_db_session_store.yml': 'table_name: from_yaml\nmax_stale: 600\nenable_locking: true\nconsistent_read: "false"\n' },
  })
  const env = { AWS_DYNAMO_DB_SESSION_TABLE_NAME: 'from_env', AWS_DYNAMO_DB_SESSION_LOCK_MAX_WAIT_TIME: '2.5', AWS_DYNAMO_DB_SESSION_SECRET_KEY: `${'a'.repeat(32)},${'b'.repeat(32)}` }
  const s = loadSessionSettings({ max_stale: 1200 }, { env, cwd })
  t.equal(s.table_name, 'from_env', 'ENV over YAML')
  t.equal(s.max_stale, 1200, 'code over YAML')
  t.equal(s.enable_locking, true)
  t.equal(s.consistent_read, false)
  t.equal(s.lock_max_wait_time, 2.5)
  t.same(s.secret_key, ['a'.repeat(32), 'b'.repeat(32)], 'secrets are a comma-separated list in ENV')
})

t.test('YAML: the per-environment file first, and the older dynamo_db_session_store name', async (t) => {
  const cwd = t.testdir({
    config: {
      'aws_dynamo_db_session_store.yml': 'table_name: base_file\n',
      aws_dynamo_db_session_store: { 'production.yml': 'table_name: prod_file\nmax_age: ${MAX_AGE:-86400}\n' },
    },
  })
  const prod = loadSessionSettings({}, { env: {}, cwd, nodeEnv: 'production' })
  t.equal(prod.table_name, 'prod_file')
  t.equal(prod.max_age, 86400, '${VAR:-default} interpolation')
  t.equal(loadSessionSettings({}, { env: {}, cwd, nodeEnv: 'test' }).table_name, 'base_file')

  const old = t.testdir({ config: { 'dynamo_db_session_store.yml': 'table_name: older_name\n' } })
  t.equal(loadSessionSettings({}, { env: {}, cwd: old }).table_name, 'older_name')

  const both = t.testdir({ config: { 'dynamo_db_session_store.yml': 'table_name: b\n', 'aws_dynamo_db_session_store.yml': 'table_name: a\n' } })
  t.throws(() => loadSessionSettings({}, { env: {}, cwd: both }), { code: 'FASTIFY_AWS_CONFIG', message: /Both config\/aws_dynamo_db_session_store\.yml and config\/dynamo_db_session_store\.yml exist/ }, 'both names: an error, not a silent preference')
})

t.test('bad values are precise errors naming the source, the key and what was expected', async (t) => {
  const cwd = t.testdir({})
  const cases: Array<[Record<string, string>, Record<string, unknown>, RegExp]> = [
    [{ AWS_DYNAMO_DB_SESSION_CONSISTENT_READ: 'maybe' }, {}, /AWS_DYNAMO_DB_SESSION_CONSISTENT_READ="maybe": expected true or false/],
    [{ AWS_DYNAMO_DB_SESSION_MAX_STALE: '-5' }, {}, /AWS_DYNAMO_DB_SESSION_MAX_STALE="-5": expected an integer >= 1/],
    [{ AWS_DYNAMO_DB_SESSION_BILLING_MODE: 'CHEAP' }, {}, /expected one of PAY_PER_REQUEST, PROVISIONED/],
    [{ AWS_DYNAMO_DB_SESSION_TABLE_NAME: 'ab' }, {}, /table_name "ab" is not a DynamoDB table name: 3 to 255 characters/],
    [{}, { touch_after: 600, max_stale: 300 }, /touch_after \(600 s\) must be less than max_stale \(300 s\)/],
    [{}, { ttl_attribute: 'data' }, /table_key\/ttl_attribute is "data", an attribute the store writes itself/],
    [{}, { table_key: 'k', ttl_attribute: 'k' }, /table_key and ttl_attribute are both "k"/],
    [{}, { tabel_name: 'x' }, /Unknown option "tabel_name" passed in code/],
    [{}, { dynamo_db_client: {} }, /Option "dynamo_db_client" given in code.*expected a DynamoDBClient/],
  ]
  for (const [env, code, message] of cases) {
    t.throws(() => loadSessionSettings(code as never, { env, cwd }), { code: 'FASTIFY_AWS_CONFIG', message }, String(message))
  }
  const typo = t.testdir({ config: { 'aws_dynamo_db_session_store.yml': 'max_stail: 10\n' } })
  t.throws(() => loadSessionSettings({}, { env: {}, cwd: typo }), {
    message: /aws_dynamo_db_session_store\.yml: unknown key "max_stail" \(did you mean "max_stale"\?\)/,
  })
})

t.test('sessions init writes a commented YAML whose every line is a valid option', async (t) => {
  const cwd = t.testdir({})
  let out = ''
  let err = ''
  const io = {
    env: {},
    cwd,
    stdout: new Writable({ write: (c: Buffer, _e, done) => ((out += c.toString()), done()) }),
    stderr: new Writable({ write: (c: Buffer, _e, done) => ((err += c.toString()), done()) }),
  }
  t.equal(await main({ ...io, argv: ['sessions', 'init'] }), 0, err)
  t.match(out, /Wrote config\/aws_dynamo_db_session_store\.yml/)
  const text = readFileSync(join(cwd, 'config', 'aws_dynamo_db_session_store.yml'), 'utf8')
  t.equal(text, sessionConfigTemplate())
  t.match(text, /# table_name: sessions/)
  t.match(text, /ENV: AWS_DYNAMO_DB_SESSION_MAX_STALE\./)
  t.notMatch(text, /^(# )?secret_key:/m, 'no secret option in a file that gets committed')
  t.same(loadSessionSettings({}, { env: {}, cwd }).table_name, 'sessions', 'all commented out: the defaults')

  // Uncomment every option that has a default: the file must still load.
  const uncommented = text.replace(/^# ([a-z_]+: .+)$/gm, '$1')
  const cwd2 = t.testdir({ config: { 'aws_dynamo_db_session_store.yml': uncommented } })
  t.doesNotThrow(() => loadSessionSettings({}, { env: {}, cwd: cwd2 }))

  t.equal(await main({ ...io, argv: ['sessions', 'init'] }), 2, 'no overwrite')
  t.match(err, /already exists; pass --force to overwrite it/)
  t.equal(await main({ ...io, argv: ['sessions', 'init', '--force'] }), 0)
  t.equal(await main({ ...io, argv: ['sessions', 'init', '--environment', 'staging'] }), 0)
  t.match(out, /Wrote config\/aws_dynamo_db_session_store\/staging\.yml/)
  t.equal(await main({ ...io, argv: ['sessions', 'init', '--environment', '../x'] }), 2)
  t.match(err, /--environment takes a name of letters/)
  t.equal(await main({ ...io, argv: ['sessions', 'nope'] }), 2)
  t.match(err, /Unknown sessions subcommand "nope"; use one of init, create-table, delete-table, collect-garbage/)
  t.equal(await main({ ...io, argv: ['sessions'] }), 2)
  t.equal(await main({ ...io, argv: ['sessions', 'init', '--bogus'] }), 2)
})
