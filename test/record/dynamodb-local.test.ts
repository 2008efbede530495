// What dynalite cannot do, against AWS DynamoDB Local: transactions, and migrate's table changes (adding indexes,
// TTL, billing switches), with the exact requests migrate sends (checklist point 8).
import { CreateTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, GetItemCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import {
  attr,
  compatible,
  defineModel,
  defineTableConfig,
  exactMatch,
  migrate,
  planMigration,
  transactFind,
  transactWrite,
} from '../../src/record/index.js'
import { startDynamoDbLocal } from '../helpers/dynamodb-local.js'
import { recordingClient } from './harness.js'

// A cold JVM on a busy machine can take a while to start.
t.setTimeout(300_000)

const local = await startDynamoDbLocal()
t.teardown(() => local.close())
const rec = recordingClient(local.endpoint)
t.teardown(() => rec.destroy())
const raw: DynamoDBClient = rec.raw

const Account = defineModel('Account', {
  client: rec.doc,
  attributes: {
    id: attr.string({ hashKey: true }),
    owner: attr.string(),
    balance: attr.integer({ default: 0 }),
  },
})
const Ledger = defineModel('Ledger', {
  client: rec.doc,
  attributes: {
    account: attr.string({ hashKey: true }),
    at: attr.datetime({ rangeKey: true }),
    amount: attr.integer(),
  },
})
await migrate(defineTableConfig({ model: Account }), { client: raw })
await migrate(defineTableConfig({ model: Ledger }), { client: raw })

t.test('transactWrite: save (new → Put if absent, loaded → Update of changes), put, delete and check in one call', async (t) => {
  const a = await new Account({ id: 'a', owner: 'ann', balance: 100 }).save()
  await new Account({ id: 'b', owner: 'bo' }).save()
  const gone = await new Account({ id: 'gone', owner: 'x' }).save()
  rec.clear()
  a.balance = 70
  const entry = new Ledger({ account: 'a', at: '2024-01-02T03:04:05Z', amount: -30 })
  const c = new Account({ id: 'c', owner: 'cy' })
  await transactWrite([
    { save: a },
    { save: entry },
    { put: c },
    { delete: gone },
    { check: Account.transactCheck({ id: 'b' }, { expression: 'attribute_exists(#id)', names: { '#id': 'id' } }) },
  ])
  const [call] = rec.of('TransactWriteItems')
  t.strictSame(call?.input.TransactItems, [
    {
      Update: {
        TableName: 'Account',
        Key: { id: { S: 'a' } },
        UpdateExpression: 'SET #UE_A = :ue_a',
        ExpressionAttributeNames: { '#UE_A': 'balance' },
        ExpressionAttributeValues: { ':ue_a': { N: '70' } },
      },
    },
    {
      Put: {
        TableName: 'Ledger',
        Item: { account: { S: 'a' }, at: { S: '2024-01-02T03:04:05+00:00' }, amount: { N: '-30' } },
        ConditionExpression: 'attribute_not_exists(#H) and attribute_not_exists(#R)',
        ExpressionAttributeNames: { '#H': 'account', '#R': 'at' },
      },
    },
    { Put: { TableName: 'Account', Item: { id: { S: 'c' }, owner: { S: 'cy' }, balance: { N: '0' } } } },
    { Delete: { TableName: 'Account', Key: { id: { S: 'gone' } } } },
    { ConditionCheck: { TableName: 'Account', Key: { id: { S: 'b' } }, ConditionExpression: 'attribute_exists(#id)', ExpressionAttributeNames: { '#id': 'id' } } },
  ])
  t.same([a.isDirty(), entry.isPersisted(), c.isPersisted(), gone.isDestroyed()], [false, true, true, true], 'items are clean, persisted, destroyed')
  const [fa, fc, missing] = await transactFind([Account.tfind({ id: 'a' }), Account.tfind({ id: 'c' }), Account.tfind({ id: 'gone' })] as const)
  t.same([fa?.balance, fc?.owner, missing], [70, 'cy', undefined], 'transactFind: items in order, undefined for a missing one')
})

t.test('a cancelled transaction names each failing item and why, writes nothing, and leaves the items as they were', async (t) => {
  const a = (await Account.find({ id: 'a' }))!
  a.balance = 0
  const dup = new Account({ id: 'c', owner: 'again' })
  const err = await transactWrite([{ save: a }, { save: dup }]).catch((e: unknown) => e)
  t.match(err, {
    code: 'FASTIFY_AWS_RECORD_TRANSACTION',
    message: 'Transaction cancelled: save Account id="c": ConditionalCheckFailed',
    reasons: ['None', 'ConditionalCheckFailed'],
  })
  t.equal((await Account.find({ id: 'a' }))?.balance, 70, 'the other write did not happen')
  t.same(a.dirty(), ['balance'], 'the item is still dirty, ready to retry')
  t.ok(dup.isNewRecord())
})

t.test('migrate creates a table with GSIs and LSIs from the model (LSIs only exist if made with the table)', async (t) => {
  const Event = defineModel('Event', {
    attributes: {
      stream: attr.string({ hashKey: true, databaseName: 'Stream' }),
      seq: attr.integer({ rangeKey: true }),
      kind: attr.string(),
      at: attr.epochTime(),
      note: attr.string(),
    },
    globalSecondaryIndexes: { ByKind: { hashKey: 'kind', rangeKey: 'at', projection: { type: 'INCLUDE', nonKeyAttributes: ['note'] } } },
    localSecondaryIndexes: { ByTime: { hashKey: 'stream', rangeKey: 'at', projection: { type: 'KEYS_ONLY' } } },
  })
  const config = defineTableConfig({ model: Event, billingMode: 'PAY_PER_REQUEST', ttlAttribute: 'at' })
  rec.clear()
  const lines: string[] = []
  const result = await migrate(config, { client: raw, log: (l) => lines.push(l), pollIntervalMs: 20 })
  t.same(result, { table: 'Event', model: 'Event', outcome: 'created', steps: ['create table Event (on-demand, index ByKind, ByTime)', 'enable TTL on at'], notes: [] })
  t.strictSame(rec.of('CreateTable')[0]?.input, {
    TableName: 'Event',
    KeySchema: [{ AttributeName: 'Stream', KeyType: 'HASH' }, { AttributeName: 'seq', KeyType: 'RANGE' }],
    AttributeDefinitions: [
      { AttributeName: 'Stream', AttributeType: 'S' },
      { AttributeName: 'seq', AttributeType: 'N' },
      { AttributeName: 'kind', AttributeType: 'S' },
      { AttributeName: 'at', AttributeType: 'N' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: [
      { IndexName: 'ByKind', KeySchema: [{ AttributeName: 'kind', KeyType: 'HASH' }, { AttributeName: 'at', KeyType: 'RANGE' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['note'] } },
    ],
    LocalSecondaryIndexes: [
      { IndexName: 'ByTime', KeySchema: [{ AttributeName: 'Stream', KeyType: 'HASH' }, { AttributeName: 'at', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
    ],
  })
  t.strictSame(rec.of('UpdateTimeToLive')[0]?.input, { TableName: 'Event', TimeToLiveSpecification: { Enabled: true, AttributeName: 'at' } })
  t.ok(await compatible(config, { client: raw }), 'compatible afterwards')
  t.ok(await exactMatch(config, { client: raw }), 'and an exact match')
  t.same((await migrate(config, { client: raw })).outcome, 'unchanged')
})

t.test('migrate adds two new GSIs with one UpdateTable each, waiting for each index to be ACTIVE (aws-record sends both in one call, which DynamoDB refuses)', async (t) => {
  const V1 = defineModel('Shop', { attributes: { id: attr.string({ hashKey: true }), city: attr.string(), zip: attr.string() } })
  await migrate(defineTableConfig({ model: V1, readCapacityUnits: 2, writeCapacityUnits: 2 }), { client: raw })
  const V2 = defineModel('Shop', {
    attributes: { id: attr.string({ hashKey: true }), city: attr.string(), zip: attr.string() },
    globalSecondaryIndexes: { ByCity: { hashKey: 'city' }, ByZip: { hashKey: 'zip', projection: { type: 'KEYS_ONLY' } } },
  })
  const config = defineTableConfig({
    model: V2,
    readCapacityUnits: 2,
    writeCapacityUnits: 2,
    globalSecondaryIndexes: { ByCity: { readCapacityUnits: 1, writeCapacityUnits: 1 }, ByZip: { readCapacityUnits: 1, writeCapacityUnits: 1 } },
  })
  t.notOk(await compatible(config, { client: raw }))
  rec.clear()
  const result = await migrate(config, { client: raw, pollIntervalMs: 20 })
  t.same(result.steps, ['add index ByCity (city, ALL)', 'add index ByZip (zip, KEYS_ONLY)'])
  const updates = rec.of('UpdateTable').map((r) => r.input)
  t.strictSame(updates, [
    {
      TableName: 'Shop',
      AttributeDefinitions: [{ AttributeName: 'city', AttributeType: 'S' }],
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'ByCity', KeySchema: [{ AttributeName: 'city', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } }],
    },
    {
      TableName: 'Shop',
      AttributeDefinitions: [{ AttributeName: 'zip', AttributeType: 'S' }],
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'ByZip', KeySchema: [{ AttributeName: 'zip', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } }],
    },
  ])
  const between = rec.sent.findIndex((r, i) => i > rec.sent.findIndex((x) => x.command === 'UpdateTable') && r.command === 'DescribeTable')
  t.ok(between > 0 && between < rec.sent.findLastIndex((r) => r.command === 'UpdateTable'), 'DescribeTable polls between the two UpdateTables')
  const { Table } = await raw.send(new DescribeTableCommand({ TableName: 'Shop' }))
  t.same(Table?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.IndexStatus]).sort(), [['ByCity', 'ACTIVE'], ['ByZip', 'ACTIVE']])
  t.ok(await exactMatch(config, { client: raw }))

  // Back to the model without ByZip: the index stays (never deleted); no longer an exact match, still compatible.
  const fewer = defineTableConfig({ model: defineModel('Shop', { attributes: V2Attributes(), globalSecondaryIndexes: { ByCity: { hashKey: 'city' } } }), readCapacityUnits: 2, writeCapacityUnits: 2, globalSecondaryIndexes: { ByCity: { readCapacityUnits: 1, writeCapacityUnits: 1 } } })
  const plan = await planMigration(raw, fewer)
  t.same(plan.steps, [])
  t.same(plan.notes, ['index ByZip is on the table but not in the model; it is left as it is'])
  t.ok(await compatible(fewer, { client: raw }))
  t.notOk(await exactMatch(fewer, { client: raw }))
})

function V2Attributes() {
  return { id: attr.string({ hashKey: true }), city: attr.string(), zip: attr.string() }
}

t.test('billing: provisioned → on-demand → provisioned (with throughput for every index), as TableConfig', async (t) => {
  const Model = defineModel('Shop', { attributes: V2Attributes(), globalSecondaryIndexes: { ByCity: { hashKey: 'city' }, ByZip: { hashKey: 'zip', projection: { type: 'KEYS_ONLY' } } } })
  rec.clear()
  t.same((await migrate(defineTableConfig({ model: Model }), { client: raw, pollIntervalMs: 20 })).steps, ['switch Shop to on-demand (was provisioned 2/2)'])
  t.strictSame(rec.of('UpdateTable').map((r) => r.input), [{ TableName: 'Shop', BillingMode: 'PAY_PER_REQUEST' }])
  rec.clear()
  const back = defineTableConfig({
    model: Model,
    readCapacityUnits: 3,
    writeCapacityUnits: 3,
    // (DynamoDB Local refuses throughput equal to what an index had before it went on-demand)
    globalSecondaryIndexes: { ByCity: { readCapacityUnits: 2, writeCapacityUnits: 2 }, ByZip: { readCapacityUnits: 1, writeCapacityUnits: 2 } },
  })
  t.same((await migrate(back, { client: raw, pollIntervalMs: 20 })).steps, ['switch Shop to provisioned 3 RCU / 3 WCU (was on-demand)'])
  const [update] = rec.of('UpdateTable').map((r) => r.input)
  t.match(update, { TableName: 'Shop', BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 3 } })
  t.same(
    (update?.GlobalSecondaryIndexUpdates as Array<{ Update: { IndexName: string } }>).map((u) => u.Update.IndexName).sort(),
    ['ByCity', 'ByZip'],
    'every index gets throughput in the same call',
  )
  t.ok(await compatible(back, { client: raw }))
})

t.test('a key-schema mismatch is a clear error naming both keys, not a silent no-op; nothing is sent', async (t) => {
  await raw.send(
    new CreateTableCommand({
      TableName: 'Mismatch',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  const Model = defineModel('Mismatch', { attributes: { id: attr.string({ hashKey: true }), at: attr.integer({ rangeKey: true }) } })
  const config = defineTableConfig({ model: Model })
  rec.clear()
  await t.rejects(migrate(config, { client: raw }), {
    code: 'FASTIFY_AWS_RECORD_TABLE_CONFIG',
    message: 'table Mismatch has key pk (HASH), but model Mismatch declares id (HASH) + at (RANGE). DynamoDB cannot change a table\'s keys: fix the model\'s hashKey/rangeKey (or databaseName), or use another table (tableName).',
  })
  t.same(rec.sent.map((r) => r.command), ['DescribeTable'])
  t.equal(await compatible(config, { client: raw }), false)
})

t.test('TTL is never disabled, and TTL on another attribute is an error naming both', async (t) => {
  await raw.send(new UpdateTimeToLiveCommand({ TableName: 'Account', TimeToLiveSpecification: { Enabled: true, AttributeName: 'owner' } }))
  t.same((await migrate(defineTableConfig({ model: Account }), { client: raw })).steps, [], 'a config without TTL leaves TTL on')
  t.notOk(await exactMatch(defineTableConfig({ model: Account }), { client: raw }), 'but it is not an exact match')
  const WithTtl = defineModel('Account', { attributes: { id: attr.string({ hashKey: true }), expires: attr.epochTime() } })
  await t.rejects(migrate(defineTableConfig({ model: WithTtl, ttlAttribute: 'expires' }), { client: raw }), {
    code: 'FASTIFY_AWS_RECORD_TABLE_CONFIG',
    message: /table Account has TTL on owner, not ttlAttribute expires/,
  })
  const ttl = await raw.send(new DescribeTimeToLiveCommand({ TableName: 'Account' }))
  t.equal(ttl.TimeToLiveDescription?.AttributeName, 'owner')
})

t.test('a failing step stops with the table, the step and the cause; steps done stay done', async (t) => {
  const Model = defineModel('Broken', { attributes: { id: attr.string({ hashKey: true }) } })
  rec.inject('CreateTable', () => Object.assign(new Error('The level of configured provisioned throughput for the table was exceeded'), { name: 'LimitExceededException' }))
  t.teardown(() => rec.inject('CreateTable', () => undefined))
  await t.rejects(migrate(defineTableConfig({ model: Model }), { client: raw }), {
    code: 'FASTIFY_AWS_RECORD_MIGRATION',
    message: 'Migrating table Broken failed: create table Broken (on-demand): LimitExceededException: The level of configured provisioned throughput for the table was exceeded',
  })
  t.equal((await raw.send(new GetItemCommand({ TableName: 'Account', Key: { id: { S: 'a' } } }))).Item?.id?.S, 'a', 'other tables untouched')
})
