// A table that stays CREATING longer than the wait: waitUntilActive gives up with a coded error, and migrate names
// the table, the step and the wait. dynalite keeps a new table CREATING for createTableMs, as DynamoDB does for a while.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { attr, defineModel, defineTableConfig, migrate, waitUntilActive } from '../../src/record/index.js'
import { testAws } from '../helpers/emulators.js'

const { default: dynalite } = (await import('dynalite')) as unknown as { default: (opts: Record<string, unknown>) => Server }
// Long enough that no load on the machine lets the table turn ACTIVE before the first DescribeTable; dynalite's
// timer for it keeps this process alive that long after the tests, so not longer.
const server = dynalite({ createTableMs: 3000 })
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
const client = new DynamoDBClient({ ...testAws, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
t.teardown(() => client.destroy())

t.test('waitUntilActive: past maxWaitMs it throws FASTIFY_AWS_RECORD_WAIT_TIMEOUT naming what is not ACTIVE', async (t) => {
  await client.send(
    new CreateTableCommand({
      TableName: 'slow',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  await t.rejects(waitUntilActive(client, 'slow', { maxWaitMs: 0, pollIntervalMs: 1 }), {
    code: 'FASTIFY_AWS_RECORD_WAIT_TIMEOUT',
    message: 'still not ACTIVE after 0 s (table CREATING)',
  })
})

t.test('migrate: the timeout is a migration error of that table and step, without an SDK error name', async (t) => {
  const Slow = defineModel('SlowModel', { attributes: { id: attr.string({ hashKey: true }) } })
  const failure = await migrate(defineTableConfig({ model: Slow, billingMode: 'PAY_PER_REQUEST' }), {
    client,
    maxWaitMs: 0,
    pollIntervalMs: 1,
  }).then(
    () => undefined,
    (err: Error & { code?: string; cause?: { code?: string } }) => err,
  )
  t.equal(failure?.code, 'FASTIFY_AWS_RECORD_MIGRATION')
  t.equal(failure?.cause?.code, 'FASTIFY_AWS_RECORD_WAIT_TIMEOUT')
  t.match(failure?.message, /^Migrating table SlowModel failed: .+: still not ACTIVE after 0 s \(table CREATING\)$/)
})
