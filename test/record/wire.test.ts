// The wire checklist of the aws-record reference (§4.3), point by point: each request is compared with the one
// aws-record sends (marshalled AttributeValues, condition and update expressions), and items aws-record wrote
// read back. Requests are recorded as they leave the DocumentClient, and really sent to dynalite.
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { attr, defineModel } from '../../src/record/index.js'
import { createTable, dynaliteWithRecording } from './harness.js'

const { rec } = await dynaliteWithRecording(t)

// The seed's Forum model, as aws-record-rails generates it (reference §3.4), without its validations.
const Forum = defineModel('Forum', {
  client: rec.doc,
  attributes: {
    forum_uuid: attr.string({ hashKey: true }),
    post_id: attr.string({ rangeKey: true }),
    author_username: attr.string(),
    post_title: attr.string(),
    post_body: attr.string(),
    tags: attr.stringSet({ default: new Set<string>() }),
    created_at: attr.datetime({ databaseName: 'PostCreatedAtTime' }),
    moderation: attr.boolean({ default: false }),
  },
  globalSecondaryIndexes: { AuthorIndex: { hashKey: 'author_username', projection: { type: 'ALL' } } },
})
await createTable(rec.raw, 'Forum', 'forum_uuid', 'post_id', {
  AttributeDefinitions: [{ AttributeName: 'author_username', AttributeType: 'S' }],
  GlobalSecondaryIndexes: [{ IndexName: 'AuthorIndex', KeySchema: [{ AttributeName: 'author_username', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
})

const rawItem = async (table: string, key: Record<string, { S: string }>) =>
  (await rec.raw.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item

t.test('6 + 2 + 1 + 3: a new Forum item is the reference\'s observed PutItem, with the put-if-new condition', async (t) => {
  rec.clear()
  const post = new Forum({
    forum_uuid: 'f-1',
    post_id: 'p-1',
    author_username: 'alice',
    post_title: 'Hi',
    post_body: '…',
    created_at: new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 250)),
  })
  await post.save()
  const [put, ...others] = rec.sent
  t.same(others, [], 'one request')
  t.same(put, {
    command: 'PutItem',
    input: {
      TableName: 'Forum',
      Item: {
        forum_uuid: { S: 'f-1' },
        post_id: { S: 'p-1' },
        author_username: { S: 'alice' },
        post_title: { S: 'Hi' },
        post_body: { S: '…' },
        tags: { NULL: true },
        moderation: { BOOL: false },
        PostCreatedAtTime: { S: '2024-05-06T07:08:09+00:00' },
      },
      ConditionExpression: 'attribute_not_exists(#H) and attribute_not_exists(#R)',
      ExpressionAttributeNames: { '#H': 'forum_uuid', '#R': 'post_id' },
    },
  })
  t.same(await rawItem('Forum', { forum_uuid: { S: 'f-1' }, post_id: { S: 'p-1' } }), (put!.input as { Item: unknown }).Item, 'stored as sent')
  t.ok(post.isPersisted())
  t.same(post.dirty(), [], 'clean after save')
})

t.test('6: a loaded item saves only its changed attributes as an unconditional UpdateItem with #UE_A tokens', async (t) => {
  const post = (await Forum.find({ forum_uuid: 'f-1', post_id: 'p-1' }))!
  t.same(post.tags, new Set(), 'NULL read back as an empty Set')
  rec.clear()
  post.post_body = 'x'
  post.tags.add('ruby')
  await post.save()
  t.same(rec.sent, [
    {
      command: 'UpdateItem',
      input: {
        TableName: 'Forum',
        Key: { forum_uuid: { S: 'f-1' }, post_id: { S: 'p-1' } },
        UpdateExpression: 'SET #UE_A = :ue_a, #UE_B = :ue_b',
        ExpressionAttributeNames: { '#UE_A': 'post_body', '#UE_B': 'tags' },
        ExpressionAttributeValues: { ':ue_a': { S: 'x' }, ':ue_b': { SS: ['ruby'] } },
      },
    },
  ])
  rec.clear()
  await post.save()
  t.same(rec.sent, [{ command: 'UpdateItem', input: { TableName: 'Forum', Key: { forum_uuid: { S: 'f-1' }, post_id: { S: 'p-1' } } } }], 'nothing changed: still sent, with the key only')
})

t.test('2: unset attributes are REMOVEd; "" and an emptied set are written as NULL', async (t) => {
  const post = (await Forum.find({ forum_uuid: 'f-1', post_id: 'p-1' }))!
  rec.clear()
  post.author_username = undefined
  post.post_title = ''
  post.tags.clear()
  await post.save()
  t.same(rec.sent[0]!.input, {
    TableName: 'Forum',
    Key: { forum_uuid: { S: 'f-1' }, post_id: { S: 'p-1' } },
    UpdateExpression: 'SET #UE_B = :ue_b, #UE_C = :ue_c REMOVE #UE_A',
    ExpressionAttributeNames: { '#UE_A': 'author_username', '#UE_B': 'post_title', '#UE_C': 'tags' },
    ExpressionAttributeValues: { ':ue_b': { NULL: true }, ':ue_c': { NULL: true } },
  })
  const stored = await rawItem('Forum', { forum_uuid: { S: 'f-1' }, post_id: { S: 'p-1' } })
  t.notOk(stored && 'author_username' in stored, 'removed')
  t.same(stored?.post_title, { NULL: true })
})

t.test('2: persistNil writes an unset attribute as NULL, on put and on update (SET … = NULL instead of REMOVE)', async (t) => {
  const Note = defineModel('Note', {
    client: rec.doc,
    attributes: { id: attr.string({ hashKey: true }), body: attr.string({ persistNil: true }), tag: attr.string() },
  })
  await createTable(rec.raw, 'Note', 'id')
  rec.clear()
  const note = new Note({ id: 'n-1' })
  await note.save()
  t.same((rec.sent[0]!.input as { Item: unknown }).Item, { id: { S: 'n-1' }, body: { NULL: true } }, 'tag is left out, body is NULL')
  note.body = 'b'
  await note.save()
  rec.clear()
  note.body = undefined
  await note.save()
  t.same(rec.sent[0]!.input, {
    TableName: 'Note',
    Key: { id: { S: 'n-1' } },
    UpdateExpression: 'SET #UE_A = :ue_a',
    ExpressionAttributeNames: { '#UE_A': 'body' },
    ExpressionAttributeValues: { ':ue_a': { NULL: true } },
  })
})

t.test('1: stored names everywhere: keys, the put-if-new condition, updates, builders', async (t) => {
  const Renamed = defineModel('Renamed', {
    client: rec.doc,
    attributes: {
      id: attr.string({ hashKey: true, databaseName: 'Id' }),
      at: attr.datetime({ rangeKey: true, databaseName: 'At' }),
      title: attr.string({ databaseName: 'Title' }),
    },
  })
  await createTable(rec.raw, 'Renamed', 'Id', 'At')
  const when = new Date('2024-01-02T03:04:05Z')
  rec.clear()
  const item = new Renamed({ id: 'r', at: when, title: 't' })
  await item.save()
  t.same(rec.sent[0]!.input, {
    TableName: 'Renamed',
    Item: { Id: { S: 'r' }, At: { S: '2024-01-02T03:04:05+00:00' }, Title: { S: 't' } },
    ConditionExpression: 'attribute_not_exists(#H) and attribute_not_exists(#R)',
    ExpressionAttributeNames: { '#H': 'Id', '#R': 'At' },
  })
  rec.clear()
  const found = await Renamed.find({ id: 'r', at: '2024-01-02T03:04:05Z' })
  t.same(rec.sent[0]!.input, { TableName: 'Renamed', Key: { Id: { S: 'r' }, At: { S: '2024-01-02T03:04:05+00:00' } } }, 'a key given as text is formatted like the stored one')
  t.equal(found?.title, 't')
  rec.clear()
  await Renamed.query().keyExpr(':id = ? AND :at >= ?', 'r', new Date('2024-01-01T00:00:00Z')).filterExpr(':title = ?', 't').toArray()
  t.same(rec.sent[0]!.input, {
    TableName: 'Renamed',
    KeyConditionExpression: '#BUILDERA = :buildera AND #BUILDERB >= :builderb',
    FilterExpression: '#BUILDERC = :builderc',
    ExpressionAttributeNames: { '#BUILDERA': 'Id', '#BUILDERB': 'At', '#BUILDERC': 'Title' },
    ExpressionAttributeValues: { ':buildera': { S: 'r' }, ':builderb': { S: '2024-01-01T00:00:00+00:00' }, ':builderc': { S: 't' } },
  }, 'a Date is bound in the format of the attribute before its ?')
})

t.test('1: the reference\'s builder example gives its tokens', async (t) => {
  rec.clear()
  await Forum.query().onIndex('AuthorIndex').keyExpr(':author_username = ?', 'alice').filterExpr(':created_at > ?', '2024').toArray()
  t.same(rec.sent[0]!.input, {
    TableName: 'Forum',
    IndexName: 'AuthorIndex',
    KeyConditionExpression: '#BUILDERA = :buildera',
    FilterExpression: '#BUILDERB > :builderb',
    ExpressionAttributeNames: { '#BUILDERA': 'author_username', '#BUILDERB': 'PostCreatedAtTime' },
    ExpressionAttributeValues: { ':buildera': { S: 'alice' }, ':builderb': { S: '2024' } },
  })
})

t.test('5: defaults are materialised at new, deep-copied per item; factories are called per item', async (t) => {
  let calls = 0
  const Defaults = defineModel('Defaults', {
    client: rec.doc,
    attributes: {
      id: attr.string({ hashKey: true, default: () => `id-${++calls}` }),
      tags: attr.stringSet({ default: new Set(['a']) }),
      meta: attr.map<{ n: number[] }>({ default: { n: [1] } }),
      flag: attr.boolean({ default: 'false' as unknown as boolean }),
    },
  })
  const a = new Defaults()
  const b = new Defaults()
  t.equal(a.id, 'id-1')
  t.equal(b.id, 'id-2', 'a factory is called for each item')
  a.tags.add('b')
  a.meta.n.push(2)
  t.same(b.tags, new Set(['a']), 'a set default is each item\'s own')
  t.same(b.meta, { n: [1] }, 'a map default is deep-copied')
  t.equal(a.flag, false, 'a plain default is type-cast once when defined (Ruby\'s "false")')
  await createTable(rec.raw, 'Defaults', 'id')
  rec.clear()
  await a.save()
  t.same((rec.sent[0]!.input as { Item: unknown }).Item, { id: { S: 'id-1' }, tags: { SS: ['a', 'b'] }, meta: { M: { n: { L: [{ N: '1' }, { N: '2' }] } } }, flag: { BOOL: false } }, 'defaults are written')
})

t.test('5: an attribute missing from a stored item reads as its default', async (t) => {
  await rec.raw.send(new PutItemCommand({ TableName: 'Forum', Item: { forum_uuid: { S: 'f-2' }, post_id: { S: 'p-2' } } }))
  const post = (await Forum.find({ forum_uuid: 'f-2', post_id: 'p-2' }))!
  t.equal(post.moderation, false)
  t.same(post.tags, new Set())
  t.same(post.dirty(), [], 'a default filled in at load is not a change')
})

t.test('6: force is a plain PutItem; delete is an unconditional DeleteItem of the key', async (t) => {
  const post = new Forum({ forum_uuid: 'f-1', post_id: 'p-1', post_title: 'again' })
  rec.clear()
  await post.save({ force: true })
  t.same(rec.sent[0], {
    command: 'PutItem',
    input: { TableName: 'Forum', Item: { forum_uuid: { S: 'f-1' }, post_id: { S: 'p-1' }, post_title: { S: 'again' }, tags: { NULL: true }, moderation: { BOOL: false } } },
  })
  rec.clear()
  await post.delete()
  t.same(rec.sent, [{ command: 'DeleteItem', input: { TableName: 'Forum', Key: { forum_uuid: { S: 'f-1' }, post_id: { S: 'p-1' } } } }])
  t.ok(post.isDestroyed())
})

t.test('6: the class update is an unconditional SET/REMOVE UpdateItem; keys alone upsert a key-only item', async (t) => {
  rec.clear()
  await Forum.update({ forum_uuid: 'f-3', post_id: 'p-3', post_title: 'T', author_username: undefined })
  t.same(rec.sent[0]!.input, {
    TableName: 'Forum',
    Key: { forum_uuid: { S: 'f-3' }, post_id: { S: 'p-3' } },
    UpdateExpression: 'SET #UE_A = :ue_a REMOVE #UE_B',
    ExpressionAttributeNames: { '#UE_A': 'post_title', '#UE_B': 'author_username' },
    ExpressionAttributeValues: { ':ue_a': { S: 'T' } },
  })
  rec.clear()
  await Forum.update({ forum_uuid: 'f-4', post_id: 'p-4' })
  t.same(rec.sent[0]!.input, { TableName: 'Forum', Key: { forum_uuid: { S: 'f-4' }, post_id: { S: 'p-4' } } })
  t.same(await rawItem('Forum', { forum_uuid: { S: 'f-4' }, post_id: { S: 'p-4' } }), { forum_uuid: { S: 'f-4' }, post_id: { S: 'p-4' } }, 'a key-only item exists (as with aws-record)')
})

t.test('an atomic counter adds in DynamoDB with SET #n = #n + :i', async (t) => {
  const Counter = defineModel('Counter', { client: rec.doc, attributes: { id: attr.string({ hashKey: true }), hits: attr.counter() } })
  await createTable(rec.raw, 'Counter', 'id')
  const c = new Counter({ id: 'c' })
  await c.save()
  t.same((rec.sent.at(-1)!.input as { Item: unknown }).Item, { id: { S: 'c' }, hits: { N: '0' } }, 'a counter starts at 0')
  rec.clear()
  t.equal(await c.increment('hits', 5), 5)
  t.same(rec.sent[0]!.input, {
    TableName: 'Counter',
    Key: { id: { S: 'c' } },
    UpdateExpression: 'SET #n = #n + :i',
    ExpressionAttributeNames: { '#n': 'hits' },
    ExpressionAttributeValues: { ':i': { N: '5' } },
    ReturnValues: 'UPDATED_NEW',
  })
  t.equal(c.hits, 5)
  t.same(c.dirty(), [])
})

t.test('7: the table name defaults to the model name with "::" as "_"', async (t) => {
  t.equal(defineModel('Admin::Post', { attributes: { id: attr.string({ hashKey: true }) } }).tableName, 'Admin_Post')
  t.equal(defineModel('Post', { tableName: 'posts', attributes: { id: attr.string({ hashKey: true }) } }).tableName, 'posts')
})

t.test('items aws-record wrote read back: NULLs, "+00:00" datetimes, "Z" times, numbers, undeclared attributes dropped', async (t) => {
  const Mixed = defineModel('Mixed', {
    client: rec.doc,
    attributes: {
      id: attr.string({ hashKey: true }),
      body: attr.string(),
      tags: attr.stringSet(),
      scores: attr.numericSet(),
      at: attr.datetime(),
      seen: attr.time(),
      day: attr.date(),
      expires: attr.epochTime(),
      count: attr.integer(),
      ratio: attr.float(),
      on: attr.boolean(),
      list: attr.list(),
      map: attr.map(),
    },
  })
  await createTable(rec.raw, 'Mixed', 'id')
  // As aws-record (and the Ruby SDK) writes them.
  await rec.raw.send(
    new PutItemCommand({
      TableName: 'Mixed',
      Item: {
        id: { S: 'm' },
        body: { NULL: true },
        tags: { NULL: true },
        scores: { NS: ['1', '2.5'] },
        at: { S: '2024-05-06T07:08:09+00:00' },
        seen: { S: '2024-05-06T07:08:09Z' },
        day: { S: '2024-05-06' },
        expires: { N: '1700000000' },
        count: { N: '12' },
        ratio: { N: '3.0' },
        on: { BOOL: true },
        list: { L: [{ N: '1' }, { S: 'a' }, { NULL: true }] },
        map: { M: { theme: { S: 'dark' }, n: { N: '123456789012345678901234567890' } } },
        rails_only: { S: 'not declared here' },
      },
    }),
  )
  const m = (await Mixed.find({ id: 'm' }))!
  t.same(m.toJSON(), {
    id: 'm',
    body: undefined,
    tags: new Set(),
    scores: new Set([1, 2.5]),
    at: new Date('2024-05-06T07:08:09Z'),
    seen: new Date('2024-05-06T07:08:09Z'),
    day: new Date('2024-05-06T00:00:00Z'),
    expires: new Date(1_700_000_000_000),
    count: 12,
    ratio: 3,
    on: true,
    list: [1, 'a', null],
    map: { theme: 'dark', n: 123456789012345678901234567890n },
  })
  t.notOk('rails_only' in m.toJSON(), 'an attribute the model does not declare is dropped')
  rec.clear()
  await m.save()
  t.same(rec.sent[0]!.input, { TableName: 'Mixed', Key: { id: { S: 'm' } } }, 'reading them made no change to write back')
})
