// Which client a model talks through: its own, the app's shared one, or one built by the project's client factory
// from config/aws.yml; only the built one is closed by closeRecordClient.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb'
import t from 'tap'
import { attr, closeRecordClient, configureRecord, defineModel, DOCUMENT_CLIENT_OPTIONS } from '../../src/record/index.js'
import { startDynalite, testAws } from '../helpers/emulators.js'
import { createTable } from './harness.js'

const ddb = await startDynalite()
t.teardown(() => ddb.close())
const raw = new DynamoDBClient({ ...testAws, endpoint: ddb.endpoint })
t.teardown(() => raw.destroy())
await createTable(raw, 'Thing', 'id')
t.teardown(() => {
  closeRecordClient()
  configureRecord({})
})

const counted = (client: DynamoDBClient): string[] => {
  const calls: string[] = []
  client.middlewareStack.add((next, context) => async (args) => (calls.push(String(context.commandName)), next(args)), { step: 'initialize' })
  return calls
}
const attributes = { id: attr.string({ hashKey: true }), meta: attr.map(), amount: attr.float() }

t.test('without a client, models build one from config/aws.yml through the client factory (tagged fastify-aws-record)', async (t) => {
  const cwd = t.testdir({
    config: { 'aws.yml': `region: ${testAws.region}\nendpoint: ${ddb.endpoint}\naccess_key_id: test\nsecret_access_key: test\n` },
  })
  configureRecord({ configLoad: { cwd, env: {} } })
  const Thing = defineModel('Thing', { attributes })
  await new Thing({ id: 'from-config' }).save()
  t.equal((await Thing.find({ id: 'from-config' }))?.id, 'from-config', 'it reached the endpoint of config/aws.yml')
  t.match(JSON.stringify(Thing.client.config.customUserAgent), /fastify-aws-record/)
  const first = Thing.client
  closeRecordClient()
  t.equal(await Thing.find({ id: 'none' }), undefined, 'after close, the next request builds a new client')
  t.not(Thing.client, first)
})

t.test('configureRecord({ client }) is used by every model without its own, and never closed by us', async (t) => {
  const given = new DynamoDBClient({ ...testAws, endpoint: ddb.endpoint })
  t.teardown(() => given.destroy())
  const calls = counted(given)
  configureRecord({ client: given })
  const Thing = defineModel('Thing', { attributes })
  await new Thing({ id: 'shared' }).save()
  t.same(calls, ['PutItemCommand'])
  closeRecordClient()
  await given.send(new PutItemCommand({ TableName: 'Thing', Item: { id: { S: 'still-open' } } }))
  t.pass('the app\'s client still works after closeRecordClient')
  configureRecord({})
})

t.test('a model\'s own client beats the shared one; a plain DynamoDBClient is wrapped with the record options', async (t) => {
  const own = new DynamoDBClient({ ...testAws, endpoint: ddb.endpoint })
  t.teardown(() => own.destroy())
  const calls = counted(own)
  const Thing = defineModel('Thing', { attributes, client: own })
  await new Thing({ id: 'own', meta: { note: '' } }).save()
  t.same(calls, ['PutItemCommand'])
  const doc = DynamoDBDocumentClient.from(raw, DOCUMENT_CLIENT_OPTIONS)
  const stored = await doc.send(new GetCommand({ TableName: 'Thing', Key: { id: 'own' } }))
  t.same(stored.Item, { id: 'own', meta: { note: '' } }, '"" inside a map stays a string (as the Ruby SDK writes it)')
  Thing.configure({ client: DynamoDBDocumentClient.from(raw) })
  t.equal((await Thing.find({ id: 'own' }))?.id, 'own', 'configure() swaps the client; a DocumentClient is used as it is')
})

t.test('numbers past 2^53 read without throwing: whole ones as bigint inside maps, others as the nearest double', async (t) => {
  const Thing = defineModel('Thing', { attributes, client: raw })
  await raw.send(
    new PutItemCommand({
      TableName: 'Thing',
      Item: { id: { S: 'big' }, amount: { N: '12345678901234567890.5' }, meta: { M: { n: { N: '123456789012345678901234567890' } } } },
    }),
  )
  const big = (await Thing.find({ id: 'big' }))!
  t.equal(big.amount, Number('12345678901234567890.5'), 'the nearest double')
  t.same(big.meta, { n: 123456789012345678901234567890n })
  big.amount = 1e21
  await big.save()
  t.equal((await Thing.find({ id: 'big' }))?.amount, 1e21, 'and a float past 2^53 is written as Ruby would')
})
