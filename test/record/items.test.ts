// Item operations against dynalite: save / update / delete / find / reload / increment, mutation tracking,
// validations, optimistic locking, timestamps, and the precise errors of each.
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { attr, defineModel } from '../../src/record/index.js'
import { createTable, dynaliteWithRecording } from './harness.js'

const { rec } = await dynaliteWithRecording(t)

const Post = defineModel('Post', {
  client: rec.doc,
  attributes: {
    forum: attr.string({ hashKey: true }),
    id: attr.string({ rangeKey: true }),
    title: attr.string({ validate: { presence: true } }),
    body: attr.string({ validate: { length: { min: 5, max: 20, allowNil: true } } }),
    state: attr.string({ default: 'draft', validate: { inclusion: ['draft', 'published'] } }),
    slug: attr.string({ validate: { format: /^[a-z-]+$/ } }),
    stars: attr.integer({ validate: { numericality: { integer: true, min: 0, max: 5 } } }),
    tags: attr.stringSet(),
    views: attr.counter(),
  },
  validate: (post) => (post.state === 'published' && post.body === undefined ? 'a published post needs a body' : undefined),
})
await createTable(rec.raw, 'Post', 'forum', 'id')

const stored = async (forum: string, id: string) =>
  (await rec.raw.send(new GetItemCommand({ TableName: 'Post', Key: { forum: { S: forum }, id: { S: id } }, ConsistentRead: true }))).Item

t.test('save creates, find reads, the instance update assigns and saves only what changed, delete removes', async (t) => {
  const post = new Post({ forum: 'f', id: '1', title: 'Hello', body: 'hello world' })
  t.ok(post.isNewRecord())
  t.notOk(post.isPersisted())
  t.same(post.dirty(), ['forum', 'id', 'title', 'body', 'state', 'views'], 'every set attribute of a new item (defaults too) is a change, in declaration order')
  await post.save()
  t.notOk(post.isNewRecord())
  t.ok(post.isPersisted())
  const found = await Post.find({ forum: 'f', id: '1' })
  t.equal(found?.title, 'Hello')
  t.equal(found?.state, 'draft')
  t.ok(found?.isPersisted())
  rec.clear()
  await found!.update({ title: 'Hello again', stars: '4' as unknown as number })
  t.equal(found!.stars, 4, 'assigned text is cast')
  t.same(rec.of('UpdateItem')[0]!.input.ExpressionAttributeNames, { '#UE_A': 'title', '#UE_B': 'stars' })
  t.equal((await stored('f', '1'))?.title?.S, 'Hello again')
  await found!.delete()
  t.ok(found!.isDestroyed())
  t.notOk(found!.isPersisted())
  t.equal(await Post.find({ forum: 'f', id: '1' }), undefined, 'find of a missing item is undefined')
  t.equal(await stored('f', '1'), undefined)
})

t.test('a second new item with the same key fails as aws-record\'s ConditionalWriteFailed, saying which item exists', async (t) => {
  await new Post({ forum: 'f', id: 'dup', title: 'one', body: 'first' }).save()
  const again = new Post({ forum: 'f', id: 'dup', title: 'two', body: 'second' })
  const err = await again.save().catch((e: unknown) => e)
  t.match(err, {
    code: 'FASTIFY_AWS_RECORD_CONDITIONAL_WRITE',
    statusCode: 409,
    message: 'Post forum="f", id="dup" already exists: nothing was written. Load it with find() and save() to change it, or save({ force: true }) to overwrite it.',
    cause: { name: 'ConditionalCheckFailedException' },
  })
  t.ok(again.isNewRecord(), 'still new: a later save tries the put again')
  t.equal((await stored('f', 'dup'))?.title?.S, 'one', 'the stored item is untouched')
  await again.save({ force: true })
  t.equal((await stored('f', 'dup'))?.title?.S, 'two', 'force overwrites')
})

t.test('a missing key is named before anything is sent', async (t) => {
  rec.clear()
  await t.rejects(new Post({ forum: 'f', title: 'T', body: 'valid' } as never).save(), {
    code: 'FASTIFY_AWS_RECORD_KEY_MISSING',
    message: 'Post: the range key "id" is missing; set it before save.',
  })
  await t.rejects(Post.find({ forum: 'f' } as never), { code: 'FASTIFY_AWS_RECORD_KEY_MISSING', message: /the range key "id" is missing; set it before find/ })
  await t.rejects(Post.find({ forum: '', id: 'x' }), { code: 'FASTIFY_AWS_RECORD_KEY_MISSING', message: /the hash key "forum" is missing/ }, '"" is no key (it would be NULL)')
  await t.rejects(new Post({ forum: 'f' } as never).delete(), { code: 'FASTIFY_AWS_RECORD_KEY_MISSING', message: /set it before delete/ }, 'delete needs the whole key too')
  t.same(rec.sent, [], 'nothing was sent')
})

t.test('validations: every failed rule of every attribute is listed, and nothing is sent', async (t) => {
  const post = new Post({ forum: 'f', id: 'v', body: 'abc', state: 'archived', slug: 'Not A Slug', stars: 9 })
  t.notOk(post.isValid())
  t.same(post.validate(), [
    { attribute: 'title', rule: 'presence', message: "can't be blank" },
    { attribute: 'body', rule: 'length', message: 'is too short (minimum is 5 characters)' },
    { attribute: 'state', rule: 'inclusion', message: 'is not included in the list ("draft", "published")' },
    { attribute: 'slug', rule: 'format', message: 'is invalid (must match /^[a-z-]+$/)' },
    { attribute: 'stars', rule: 'numericality', message: 'must be less than or equal to 5' },
  ])
  rec.clear()
  const err = (await post.save().catch((e: unknown) => e)) as { code: string; statusCode: number; message: string; errors: unknown[] }
  t.equal(err.code, 'FASTIFY_AWS_RECORD_VALIDATION')
  t.equal(err.statusCode, 422)
  t.equal(
    err.message,
    'Post is not valid, nothing was saved: title can\'t be blank; body is too short (minimum is 5 characters); state is not included in the list ("draft", "published"); slug is invalid (must match /^[a-z-]+$/); stars must be less than or equal to 5',
  )
  t.equal(err.errors.length, 5)
  t.same(rec.sent, [], 'nothing was sent')
  t.ok(post.isNewRecord())
  const blank = new Post({ forum: 'f', id: 'w', title: '   ' })
  t.same(blank.validate().map((i) => i.attribute), ['title'], 'whitespace is blank (ActiveModel presence); an unset body passes with allowNil')
  const Strict = defineModel('Strict', { attributes: { id: attr.string({ hashKey: true }), body: attr.string({ validate: { length: { min: 5 } } }) } })
  t.same(new Strict({ id: 'x' }).validate(), [{ attribute: 'body', rule: 'length', message: 'is too short (minimum is 5 characters)' }], 'without allowNil an unset value has length 0, as in ActiveModel')
})

t.test('a model-level rule sees the item and reports on "base"', async (t) => {
  const post = new Post({ forum: 'f', id: 'm', title: 'T', body: undefined, state: 'published' })
  t.same(post.validate(), [{ attribute: 'base', rule: 'custom', message: 'a published post needs a body' }])
  await t.rejects(post.save(), { message: 'Post is not valid, nothing was saved: a published post needs a body' })
})

t.test('custom attribute rules and numericality of text', async (t) => {
  const Item = defineModel('Item', {
    attributes: {
      id: attr.string({ hashKey: true }),
      even: attr.integer({ validate: { custom: (v) => (v !== undefined && v % 2 !== 0 ? 'must be even' : undefined) } }),
      code: attr.string({ validate: { numericality: {}, length: { is: 3 } } }),
      list: attr.list<string>({ validate: { length: { max: 1 } } }),
    },
  })
  t.same(new Item({ id: 'x', even: 3, code: 'abcd', list: ['a', 'b'] }).validate(), [
    { attribute: 'even', rule: 'custom', message: 'must be even' },
    { attribute: 'code', rule: 'length', message: 'is the wrong length (should be 3 characters)' },
    { attribute: 'code', rule: 'numericality', message: 'is not a number' },
    { attribute: 'list', rule: 'length', message: 'is too long (maximum is 1 elements)' },
  ])
  t.same(new Item({ id: 'x', even: 2, code: '123' }).validate(), [])
})

t.test('mutation tracking: dirty, was, rollback, clean, markDirty; in-place changes are seen', async (t) => {
  await new Post({ forum: 'f', id: 'd', title: 'T', body: 'valid', tags: ['a'] }).save()
  const post = (await Post.find({ forum: 'f', id: 'd' }))!
  t.notOk(post.isDirty())
  post.tags.add('b')
  t.ok(post.isDirty('tags'), 'an in-place change to a set is a change')
  t.same(post.was('tags'), new Set(['a']))
  post.title = 'U'
  t.same(post.dirty(), ['title', 'tags'])
  t.equal(post.was('title'), 'T')
  post.rollback('title')
  t.equal(post.title, 'T')
  t.same(post.dirty(), ['tags'])
  post.rollback()
  t.same(post.tags, new Set(['a']))
  t.notOk(post.isDirty())
  post.title = 'T'
  t.notOk(post.isDirty(), 'assigning the same value is no change')
  post.markDirty('title')
  t.same(post.dirty(), ['title'], 'markDirty forces a write')
  post.clean()
  t.notOk(post.isDirty())
  t.throws(() => post.isDirty('nope' as never), { code: 'FASTIFY_AWS_RECORD_USAGE', message: 'Post has no attribute "nope".' })
})

t.test('with mutation tracking off, only reassignment (or markDirty) is a change, as in aws-record', async (t) => {
  const Loose = defineModel('Loose', { client: rec.doc, mutationTracking: false, attributes: { id: attr.string({ hashKey: true }), tags: attr.stringSet() } })
  await createTable(rec.raw, 'Loose', 'id')
  await new Loose({ id: 'l', tags: ['a'] }).save()
  const item = (await Loose.find({ id: 'l' }))!
  item.tags.add('b')
  t.notOk(item.isDirty(), 'an in-place change is not seen (the snapshot is the same Set)')
  item.markDirty('tags')
  rec.clear()
  await item.save()
  t.same(rec.sent[0]!.input.ExpressionAttributeValues, { ':ue_a': { SS: ['a', 'b'] } })
  item.tags = new Set(['c'])
  t.ok(item.isDirty('tags'), 'reassignment is seen')
})

t.test('changing a key of a loaded item writes a new item with the put-if-new condition (the old one stays)', async (t) => {
  await new Post({ forum: 'f', id: 'k1', title: 'T', body: 'valid' }).save()
  const post = (await Post.find({ forum: 'f', id: 'k1' }))!
  post.id = 'k2'
  rec.clear()
  await post.save()
  t.equal(rec.sent[0]!.command, 'PutItem')
  t.equal(rec.sent[0]!.input.ConditionExpression, 'attribute_not_exists(#H) and attribute_not_exists(#R)')
  t.ok(await stored('f', 'k1'))
  t.ok(await stored('f', 'k2'))
})

t.test('a deleted item saved again is written whole with the put-if-new condition, not upserted in part', async (t) => {
  await new Post({ forum: 'f', id: 'again', title: 'T', body: 'valid' }).save()
  const post = (await Post.find({ forum: 'f', id: 'again' }))!
  await post.delete()
  post.title = 'U'
  rec.clear()
  await post.save()
  t.equal(rec.sent[0]!.command, 'PutItem')
  t.same(rec.sent[0]!.input.Item, { forum: { S: 'f' }, id: { S: 'again' }, title: { S: 'U' }, body: { S: 'valid' }, state: { S: 'draft' }, views: { N: '0' } })
  t.ok(post.isPersisted())
  t.notOk(post.isDestroyed())
})

t.test('reload reads the item again; a deleted item is FASTIFY_AWS_RECORD_NOT_FOUND', async (t) => {
  await new Post({ forum: 'f', id: 'r', title: 'T', body: 'valid' }).save()
  const post = (await Post.find({ forum: 'f', id: 'r' }))!
  await rec.raw.send(new PutItemCommand({ TableName: 'Post', Item: { forum: { S: 'f' }, id: { S: 'r' }, title: { S: 'changed elsewhere' } } }))
  post.body = 'local change'
  rec.clear()
  await post.reload()
  t.equal(rec.sent[0]!.input.ConsistentRead, true, 'a consistent read')
  t.equal(post.title, 'changed elsewhere')
  t.equal(post.body, undefined, 'local changes are dropped')
  t.equal(post.state, 'draft', 'defaults fill what the stored item lacks')
  t.notOk(post.isDirty())
  await post.delete()
  await t.rejects(post.reload(), { code: 'FASTIFY_AWS_RECORD_NOT_FOUND', statusCode: 404, message: 'Post forum="f", id="r" was not found (deleted meanwhile?).' })
})

t.test('find takes consistentRead', async (t) => {
  rec.clear()
  await Post.find({ forum: 'f', id: 'none' }, { consistentRead: true })
  t.same(rec.sent[0]!.input, { TableName: 'Post', Key: { forum: { S: 'f' }, id: { S: 'none' } }, ConsistentRead: true })
})

t.test('increment is refused on an unsaved change, and on an attribute that is not a counter', async (t) => {
  const post = new Post({ forum: 'f', id: 'c', title: 'T', body: 'valid' })
  await post.save()
  post.title = 'U'
  await t.rejects(post.increment('views'), { code: 'FASTIFY_AWS_RECORD_USAGE', message: 'Post: save the item before incrementing views (it has unsaved changes: title).' })
  post.rollback()
  await t.rejects(post.increment('stars' as never), { message: 'Post.stars is not a counter (attr.counter()).' })
  t.equal(await post.increment('views'), 1)
  t.equal(await post.increment('views', -3), -2)
  t.equal((await stored('f', 'c'))?.views?.N, '-2')
})

t.test('a value that cannot be cast is refused when assigned, naming the attribute', async (t) => {
  const Typed = defineModel('Typed', { attributes: { id: attr.string({ hashKey: true }), at: attr.datetime(), m: attr.map() } })
  const item = new Typed({ id: 'x' })
  t.throws(() => item.assign({ at: 'not a time' }), { code: 'FASTIFY_AWS_RECORD_VALUE', statusCode: 400, message: 'Typed.at: "not a time" is not a date/time' })
  t.throws(() => item.assign({ m: [1] as never }), { message: 'Typed.m: an array is not a map' })
  t.throws(() => item.assign({ nope: 1 } as never), { message: 'Typed has no attribute "nope".' })
  t.throws(() => new Typed({ id: 'x', at: 'soon' }), { message: /Typed\.at: "soon" is not a date\/time/ })
})

t.test('optimistic locking (opt-in, aws-record has none): a stale save or delete fails and writes nothing', async (t) => {
  const Doc = defineModel('Doc', {
    client: rec.doc,
    optimisticLocking: 'version',
    attributes: { id: attr.string({ hashKey: true }), text: attr.string(), version: attr.integer() },
  })
  await createTable(rec.raw, 'Doc', 'id')
  const doc = new Doc({ id: 'd', text: 'a' })
  await doc.save()
  t.equal(doc.version, 1, 'version 1 on create')
  const mine = (await Doc.find({ id: 'd' }))!
  const theirs = (await Doc.find({ id: 'd' }))!
  theirs.text = 'theirs'
  rec.clear()
  await theirs.save()
  t.same(rec.sent[0]!.input, {
    TableName: 'Doc',
    Key: { id: { S: 'd' } },
    UpdateExpression: 'SET #UE_A = :ue_a, #UE_B = :ue_b',
    ExpressionAttributeNames: { '#UE_A': 'text', '#UE_B': 'version', '#LOCK': 'version' },
    ExpressionAttributeValues: { ':ue_a': { S: 'theirs' }, ':ue_b': { N: '2' }, ':lock': { N: '1' } },
    ConditionExpression: '#LOCK = :lock',
  })
  t.equal(theirs.version, 2)
  mine.text = 'mine'
  await t.rejects(mine.save(), {
    code: 'FASTIFY_AWS_RECORD_STALE_ITEM',
    message: 'Doc id="d" was changed by someone else since it was read (its version moved on, or it was deleted): nothing was written. Reload it and apply the change again.',
  })
  t.equal(mine.version, 1, 'the version bump is undone')
  t.same(mine.dirty(), ['text'], 'the change is still there to apply again')
  await t.rejects(mine.delete(), { code: 'FASTIFY_AWS_RECORD_STALE_ITEM' }, 'a stale delete fails too')
  await mine.reload()
  mine.text = 'mine'
  await mine.save()
  t.equal((await Doc.find({ id: 'd' }))?.text, 'mine')
  await mine.delete()
  t.equal(await Doc.find({ id: 'd' }), undefined)
})

t.test('timestamps: createdAt at creation, updatedAt at every save (aws-record-rails freezes both at class load)', async (t) => {
  const Stamped = defineModel('Stamped', {
    client: rec.doc,
    timestamps: { createdAt: 'created', updatedAt: 'updated' },
    attributes: { id: attr.string({ hashKey: true }), n: attr.integer(), created: attr.datetime(), updated: attr.datetime() },
  })
  await createTable(rec.raw, 'Stamped', 'id')
  const before = Date.now()
  const item = new Stamped({ id: 's' })
  await item.save()
  t.ok(item.created!.getTime() >= before && item.created!.getTime() <= Date.now())
  t.same(item.updated, item.created)
  const first = item.created!.getTime()
  await new Promise((r) => setTimeout(r, 5))
  item.n = 1
  rec.clear()
  await item.save()
  t.ok(item.updated!.getTime() > first, 'updated moves on')
  t.equal(item.created!.getTime(), first, 'created stays')
  t.same(rec.sent[0]!.input.ExpressionAttributeNames, { '#UE_A': 'n', '#UE_B': 'updated' })
  const other = new Stamped({ id: 's' })
  await t.rejects(other.save(), { code: 'FASTIFY_AWS_RECORD_CONDITIONAL_WRITE' })
  t.equal(other.created, undefined, 'a failed save puts the timestamps back')
})
