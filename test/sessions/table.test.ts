// create-table / delete-table and TTL against AWS DynamoDB Local (dynalite has no UpdateTimeToLive).
import t from 'tap'
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb'
import { Writable } from 'node:stream'
import { main } from '../../src/cli/main.js'
import { assertJava, startDynamoDbLocal } from '../helpers/dynamodb-local.js'
import { Browser, countedClient, readSessionItem, sessionIdOf, setNumbers, startApp } from './harness.js'

// A cold JVM on a busy machine can take a while to start; the default 120 s per file is too tight here.
t.setTimeout(300_000)

t.test('without Java the DynamoDB Local tests fail saying how to install it', async (t) => {
  t.throws(() => assertJava('/nonexistent/java'), { message: /needs a Java 17 runtime.*apt-get install openjdk-17-jre-headless/ })
})

const local = await startDynamoDbLocal()
t.teardown(() => local.close())
const { client } = countedClient(local.endpoint)
t.teardown(() => client.destroy())

/** Runs `fastify-aws sessions ...` against DynamoDB Local; resolves to the exit code and the output. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await main({
    argv: ['sessions', ...args],
    env: {},
    cwd: t.testdir({ config: { 'aws.yml': `region: us-east-1\nendpoint: ${local.endpoint}\naccess_key_id: test\nsecret_access_key: test\n` } }),
    stdout: new Writable({ write: (c: Buffer, _e, done) => ((out += c.toString()), done()) }),
    stderr: new Writable({ write: (c: Buffer, _e, done) => ((err += c.toString()), done()) }),
  })
  return { code, out, err }
}

t.test('create-table: on-demand, key session_id, ACTIVE, TTL on expire_at; running it again changes nothing', async (t) => {
  const first = await cli('create-table')
  t.equal(first.code, 0, first.err)
  t.match(first.out, /Creating table sessions \(on-demand\), waiting until it is ACTIVE/)
  t.match(first.out, /TTL enabled on sessions\.expire_at/)
  t.match(first.out, /Table sessions is ACTIVE \(created\)\./)
  const { Table } = await client.send(new DescribeTableCommand({ TableName: 'sessions' }))
  t.equal(Table?.TableStatus, 'ACTIVE')
  t.equal(Table?.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST')
  t.same(Table?.KeySchema, [{ AttributeName: 'session_id', KeyType: 'HASH' }])
  t.same(Table?.AttributeDefinitions, [{ AttributeName: 'session_id', AttributeType: 'S' }])
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'sessions' }))
  t.same(ttl.TimeToLiveDescription, { TimeToLiveStatus: 'ENABLED', AttributeName: 'expire_at' })

  const again = await cli('create-table')
  t.equal(again.code, 0, again.err)
  t.match(again.out, /Table sessions already exists\./)
  t.match(again.out, /TTL is already on for sessions\.expire_at/)
  t.match(again.out, /Table sessions is ACTIVE\.\n$/)
})

t.test('create-table --provisioned with capacities; a custom TTL attribute from ENV-free flags and YAML', async (t) => {
  const r = await cli('create-table', '--table-name', 'prov_sessions', '--provisioned', '--read-capacity', '3', '--write-capacity', '2')
  t.equal(r.code, 0, r.err)
  t.match(r.out, /provisioned 3 RCU \/ 2 WCU/)
  const { Table } = await client.send(new DescribeTableCommand({ TableName: 'prov_sessions' }))
  t.equal(Table?.ProvisionedThroughput?.ReadCapacityUnits, 3)
  t.equal(Table?.ProvisionedThroughput?.WriteCapacityUnits, 2)
  const bad = await cli('create-table', '--read-capacity', '3')
  t.equal(bad.code, 2)
  t.match(bad.err, /--read-capacity and --write-capacity need --provisioned/)
})

t.test('create-table refuses a table with another key, or TTL on another attribute', async (t) => {
  await client.send(
    new CreateTableCommand({
      TableName: 'other_key',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  const wrongKey = await cli('create-table', '--table-name', 'other_key')
  t.equal(wrongKey.code, 1)
  t.match(wrongKey.err, /table other_key exists with key id, but table_key is session_id/)

  await client.send(
    new CreateTableCommand({
      TableName: 'other_ttl',
      AttributeDefinitions: [{ AttributeName: 'session_id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'session_id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: 'other_ttl', TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } }),
  )
  const wrongTtl = await cli('create-table', '--table-name', 'other_ttl')
  t.equal(wrongTtl.code, 1)
  t.match(wrongTtl.err, /TTL on table other_ttl is on for attribute expires, not ttl_attribute expire_at/)
})

t.test('sessions work on DynamoDB Local; an expired item reads as missing before TTL deletes it', async (t) => {
  const { app, url } = await startApp({ dynamoDbClient: client })
  t.teardown(() => app.close())
  const browser = new Browser(url)
  await browser.send('POST', '/login', { user: 'grace' })
  t.same((await browser.send('GET', '/me')).body, { user: 'grace', count: 0 })
  t.same((await browser.send('POST', '/count')).body, { count: 1 })
  const id = sessionIdOf(browser.jar.get('sessionId')!)
  await setNumbers(client, 'sessions', id, { expire_at: Math.floor(Date.now() / 1000) - 60 })
  t.same((await browser.send('GET', '/me')).body, { user: null, count: 0 })
  t.ok(await readSessionItem(client, 'sessions', id), 'the item is still there: TTL deletes lazily, reads do not wait for it')

  const locked = await startApp({ dynamoDbClient: client, enableLocking: true, lockRetryDelay: 5, lockMaxWaitTime: 30, lockExpiryTime: 30_000 })
  t.teardown(() => locked.app.close())
  const user = new Browser(locked.url)
  await user.send('POST', '/login', { user: 'lock' })
  const answers = await Promise.all(Array.from({ length: 6 }, () => user.send('POST', '/count?wait=10')))
  t.same(answers.map((a) => a.status), Array(6).fill(200))
  t.equal((await user.send('GET', '/me')).body.count, 6, 'locking loses no update on DynamoDB Local either')
})

t.test('delete-table needs --yes, waits until the table is gone, and is idempotent', async (t) => {
  const refused = await cli('delete-table', '--table-name', 'prov_sessions')
  t.equal(refused.code, 2)
  t.match(refused.err, /loses every session in it; pass --yes to confirm/)
  const done = await cli('delete-table', '--table-name', 'prov_sessions', '--yes')
  t.equal(done.code, 0, done.err)
  t.match(done.out, /Table prov_sessions deleted\./)
  await t.rejects(client.send(new DescribeTableCommand({ TableName: 'prov_sessions' })), { name: 'ResourceNotFoundException' })
  const again = await cli('delete-table', '--table-name', 'prov_sessions', '--yes')
  t.equal(again.code, 0)
  t.match(again.out, /Table prov_sessions does not exist; nothing to delete\./)
})
