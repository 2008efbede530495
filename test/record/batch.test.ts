// Batches against dynalite, with faults injected where an emulator never produces them: BatchGetItem in chunks of
// 100 and BatchWriteItem in chunks of 25, unprocessed keys and items resubmitted (aws-record sends one
// BatchWriteItem and leaves the rest to the caller), and throttling of single operations left to the SDK's retries.
import { BatchGetItemCommand, BatchWriteItemCommand, DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { attr, batchWrite, defineModel } from '../../src/record/index.js'
import { testAws } from '../helpers/emulators.js'
import { createTable, dynaliteWithRecording, plainItem, recordingClient } from './harness.js'

const { rec, endpoint } = await dynaliteWithRecording(t)
// Does the part of a batch that the injected fault says DynamoDB processed (never recorded, never faulted).
const plain = new DynamoDBClient({ ...testAws, endpoint: endpoint })
t.teardown(() => plain.destroy())

const Post = defineModel('Post', {
  client: rec.doc,
  attributes: { forum: attr.string({ hashKey: true }), id: attr.string({ rangeKey: true }), title: attr.string({ validate: { presence: true } }) },
})
const Tag = defineModel('Tag', {
  client: rec.doc,
  optimisticLocking: 'version',
  timestamps: { updatedAt: 'updated' },
  attributes: { name: attr.string({ hashKey: true }), version: attr.integer(), updated: attr.datetime() },
})
await createTable(rec.raw, 'Post', 'forum', 'id')
await createTable(rec.raw, 'Tag', 'name')

type Keys = Array<Record<string, AttributeValue>>
const keysOf = (input: Record<string, unknown>, table: string): Keys =>
  (input.RequestItems as Record<string, { Keys: Keys }>)[table]!.Keys
const writesOf = (input: Record<string, unknown>, table: string): Array<Record<string, unknown>> =>
  (input.RequestItems as Record<string, Array<Record<string, unknown>>>)[table] ?? []
const id = (i: number) => `p${String(i).padStart(3, '0')}`
const plainWrite = (w: Record<string, unknown>) => {
  const { PutRequest, DeleteRequest } = w as { PutRequest?: { Item: Record<string, unknown> }; DeleteRequest?: { Key: Record<string, unknown> } }
  return PutRequest ? { PutRequest: { Item: plainItem(PutRequest.Item) } } : { DeleteRequest: { Key: plainItem(DeleteRequest!.Key) } }
}

t.test('batchWrite: 240 puts go as BatchWriteItems of 25; every item is then persisted and clean', async (t) => {
  const posts = Array.from({ length: 240 }, (_, i) => new Post({ forum: 'f', id: id(i), title: `t${i}` }))
  rec.clear()
  await batchWrite(posts.map((put) => ({ put })))
  t.same(rec.of('BatchWriteItem').map((r) => writesOf(r.input, 'Post').length), [25, 25, 25, 25, 25, 25, 25, 25, 25, 15])
  t.same(writesOf(rec.sent[0]!.input, 'Post')[0], { PutRequest: { Item: { forum: { S: 'f' }, id: { S: 'p000' }, title: { S: 't0' } } } }, 'a put is the full item, no condition')
  t.ok(posts.every((p) => p.isPersisted() && !p.isDirty()))
})

t.test('findAll: keys in BatchGetItems of 100, items in the order of the keys, missing ones left out, duplicates read once', async (t) => {
  const keys = Array.from({ length: 230 }, (_, i) => ({ forum: 'f', id: id(229 - i) }))
  keys.push({ forum: 'f', id: 'missing' }, { forum: 'f', id: id(5) })
  rec.clear()
  const found = await Post.findAll(keys)
  t.same(rec.of('BatchGetItem').map((r) => keysOf(r.input, 'Post').length), [100, 100, 31], 'the duplicate key is sent once')
  t.equal(found.length, 230)
  t.same(found.slice(0, 3).map((p) => p.id), ['p229', 'p228', 'p227'], 'in the order asked')
  t.ok(found.every((p) => p.isPersisted()))
  await Post.findAll(keys.slice(0, 3), { consistentRead: true })
  t.equal((rec.sent.at(-1)!.input.RequestItems as Record<string, { ConsistentRead?: boolean }>).Post!.ConsistentRead, true)
})

t.test('findAll: unprocessed keys are asked for again until every item is read', async (t) => {
  const keys = Array.from({ length: 30 }, (_, i) => ({ forum: 'f', id: id(i) }))
  rec.inject('BatchGetItem', async (input, call) => {
    if (call > 0) return undefined
    // DynamoDB read the first 10 keys and left 20 unprocessed (as it does when throttled).
    const asked = keysOf(input, 'Post')
    const done = await plain.send(new BatchGetItemCommand({ RequestItems: { Post: { Keys: asked.slice(0, 10) } } }))
    return { Responses: { Post: done.Responses!.Post!.map(plainItem) }, UnprocessedKeys: { Post: { Keys: asked.slice(10).map(plainItem) } } }
  })
  t.teardown(() => rec.inject('BatchGetItem', () => undefined))
  rec.clear()
  const found = await Post.findAll(keys, { baseDelayMs: 1 })
  t.same(rec.of('BatchGetItem').map((r) => keysOf(r.input, 'Post').length), [30, 20], 'the second request asks for the 20 left')
  t.same(found.map((p) => p.id), keys.map((k) => k.id))
})

t.test('findAll: keys still unprocessed after every retry are an error holding what was read and what was not', async (t) => {
  rec.inject('BatchGetItem', (input) => ({ Responses: {}, UnprocessedKeys: { Post: { Keys: keysOf(input, 'Post').map(plainItem) } } }))
  t.teardown(() => rec.inject('BatchGetItem', () => undefined))
  rec.clear()
  const err = (await Post.findAll([{ forum: 'f', id: id(1) }, { forum: 'f', id: id(2) }], { maxRetries: 2, baseDelayMs: 1 }).catch((e: unknown) => e)) as {
    code: string
    message: string
    unprocessed: unknown[]
    found: unknown[]
  }
  t.equal(err.code, 'FASTIFY_AWS_RECORD_UNPROCESSED')
  t.match(err.message, /Post: 2 of 2 keys stayed unprocessed after every retry \(DynamoDB is throttling\)/)
  t.same(err.unprocessed, [{ forum: 'f', id: id(1) }, { forum: 'f', id: id(2) }])
  t.same(err.found, [])
  t.equal(rec.of('BatchGetItem').length, 3, 'the first request and two retries')
})

t.test('batchWrite: unprocessed items are resubmitted until DynamoDB takes them all', async (t) => {
  const posts = Array.from({ length: 25 }, (_, i) => new Post({ forum: 'g', id: id(i), title: 'x' }))
  rec.inject('BatchWriteItem', async (input, call) => {
    if (call > 0) return undefined
    const writes = writesOf(input, 'Post')
    await plain.send(new BatchWriteItemCommand({ RequestItems: { Post: writes.slice(0, 5) as never } }))
    return { UnprocessedItems: { Post: writes.slice(5).map(plainWrite) } }
  })
  t.teardown(() => rec.inject('BatchWriteItem', () => undefined))
  rec.clear()
  await batchWrite(posts.map((put) => ({ put })), { baseDelayMs: 1 })
  t.same(rec.of('BatchWriteItem').map((r) => writesOf(r.input, 'Post').length), [25, 20])
  t.equal((await Post.query().keyExpr(':forum = ?', 'g').toArray()).length, 25, 'all 25 are stored')
})

t.test('batchWrite: writes still unprocessed after every retry are an error; the others were made', async (t) => {
  const tags = ['a', 'b', 'c'].map((name) => new Tag({ name }))
  rec.inject('BatchWriteItem', async (input) => {
    const writes = writesOf(input, 'Tag')
    const taken = writes.filter((w) => JSON.stringify(w).includes('"S":"a"'))
    if (taken.length > 0) await plain.send(new BatchWriteItemCommand({ RequestItems: { Tag: taken as never } }))
    return { UnprocessedItems: { Tag: writes.filter((w) => !taken.includes(w)).map(plainWrite) } }
  })
  t.teardown(() => rec.inject('BatchWriteItem', () => undefined))
  const err = (await batchWrite(tags.map((put) => ({ put })), { maxRetries: 1, baseDelayMs: 1 }).catch((e: unknown) => e)) as {
    code: string
    message: string
    unprocessed: Array<{ put: unknown }>
  }
  t.equal(err.code, 'FASTIFY_AWS_RECORD_UNPROCESSED')
  t.equal(err.message, 'batchWrite: 2 of 3 writes stayed unprocessed after every retry (DynamoDB is throttling); they are on `unprocessed`, every other write was made.')
  t.same(err.unprocessed.map((op) => op.put), [tags[1], tags[2]])
  t.ok(tags[0]!.isPersisted(), 'the processed item is saved')
  t.equal(tags[0]!.version, 1)
  t.ok(tags[1]!.isNewRecord(), 'an unprocessed one is still new')
  t.equal(tags[1]!.version, undefined, 'its version and timestamp are put back')
  t.equal(tags[1]!.updated, undefined)
})

t.test('batchWrite: puts and deletes of two models in one request; deleted items are destroyed', async (t) => {
  const tag = new Tag({ name: 'z' })
  await tag.save()
  const post = (await Post.find({ forum: 'f', id: id(0) }))!
  rec.clear()
  await batchWrite([{ delete: post }, { delete: tag }, { put: new Post({ forum: 'h', id: '1', title: 'new' }) }])
  t.equal(rec.of('BatchWriteItem').length, 1)
  t.same(rec.sent[0]!.input.RequestItems, {
    Post: [{ DeleteRequest: { Key: { forum: { S: 'f' }, id: { S: 'p000' } } } }, { PutRequest: { Item: { forum: { S: 'h' }, id: { S: '1' }, title: { S: 'new' } } } }],
    Tag: [{ DeleteRequest: { Key: { name: { S: 'z' } } } }],
  })
  t.ok(post.isDestroyed())
  t.ok(tag.isDestroyed())
  t.equal(await Tag.find({ name: 'z' }), undefined)
})

t.test('batchWrite refuses, before sending anything: an invalid item, one key twice, something that is not an item', async (t) => {
  rec.clear()
  await t.rejects(batchWrite([{ put: new Post({ forum: 'f', id: 'ok', title: 'x' }) }, { put: new Post({ forum: 'f', id: 'bad' }) }]), {
    code: 'FASTIFY_AWS_RECORD_VALIDATION',
    message: "Post is not valid, nothing was saved: title can't be blank",
  })
  const tag = new Tag({ name: 'twice' })
  await t.rejects(batchWrite([{ put: tag }, { delete: new Tag({ name: 'twice' }) }]), {
    code: 'FASTIFY_AWS_RECORD_USAGE',
    message: 'batchWrite: Tag name="twice" is written twice in one batch; keep one write per item.',
  })
  t.equal(tag.version, undefined, 'the first entry\'s version bump is put back')
  await t.rejects(batchWrite([{ put: { forum: 'f' } as never }]), { message: /batchWrite \(\{ put: item \} or \{ delete: item \}\) takes items of a model made by defineModel, got object/ })
  t.same(rec.sent, [])
  await batchWrite([])
  t.same(rec.sent, [], 'an empty batch sends nothing')
})

t.test('throttling of single operations: the SDK retries it (maxAttempts), and a save that still fails changes nothing', async (t) => {
  const retrying = recordingClient(endpoint, { maxAttempts: 3 })
  t.teardown(() => retrying.destroy())
  const Note = defineModel('Note', {
    client: retrying.doc,
    timestamps: { createdAt: 'created' },
    attributes: { id: attr.string({ hashKey: true }), created: attr.datetime() },
  })
  await createTable(retrying.raw, 'Note', 'id')
  retrying.throttle('PutItem', 2)
  const saved = new Note({ id: 'n1' })
  await saved.save()
  t.equal(retrying.throttled.PutItem, 2, 'throttled twice, then written')
  t.ok(saved.isPersisted())
  retrying.throttle('PutItem', 3)
  const failed = new Note({ id: 'n2' })
  await t.rejects(failed.save(), { name: 'ProvisionedThroughputExceededException' }, 'the SDK error, as it is')
  t.ok(failed.isNewRecord(), 'still new, so a later save tries the put again')
  t.equal(failed.created, undefined, 'its timestamp is put back')
  t.equal(await Note.find({ id: 'n2' }), undefined)
  retrying.throttle('GetItem', 1)
  t.equal((await Note.find({ id: 'n1' }))?.id, 'n1', 'a throttled read is retried too')
})
