// Query and scan builders against dynalite: every page by iteration, one page with its lastEvaluatedKey, indexes,
// filters, projections, limits, order, consistent reads, parallel scans, and usage errors.
import { PutItemCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { attr, defineModel } from '../../src/record/index.js'
import { createTable, dynaliteWithRecording } from './harness.js'

const { rec } = await dynaliteWithRecording(t)

const Post = defineModel('Post', {
  client: rec.doc,
  attributes: {
    forum: attr.string({ hashKey: true }),
    id: attr.string({ rangeKey: true }),
    author: attr.string(),
    at: attr.datetime({ databaseName: 'PostedAt' }),
    stars: attr.integer(),
    tags: attr.stringSet(),
  },
  globalSecondaryIndexes: { ByAuthor: { hashKey: 'author', rangeKey: 'at' } },
})
await createTable(rec.raw, 'Post', 'forum', 'id', {
  AttributeDefinitions: [
    { AttributeName: 'author', AttributeType: 'S' },
    { AttributeName: 'PostedAt', AttributeType: 'S' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'ByAuthor',
      KeySchema: [
        { AttributeName: 'author', KeyType: 'HASH' },
        { AttributeName: 'PostedAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
})
const base = Date.UTC(2024, 0, 1)
for (let i = 0; i < 12; i++) {
  await new Post({
    forum: i < 10 ? 'a' : 'b',
    id: `p${String(i).padStart(2, '0')}`,
    author: i % 2 === 0 ? 'ann' : 'bob',
    at: new Date(base + i * 3_600_000),
    stars: i % 5,
    tags: i % 3 === 0 ? ['x'] : [],
  }).save()
}

t.test('iterating a query walks every page (Limit is per request)', async (t) => {
  rec.clear()
  const ids: string[] = []
  for await (const post of Post.query().keyExpr(':forum = ?', 'a').limit(3)) ids.push(post.id)
  t.same(ids, ['p00', 'p01', 'p02', 'p03', 'p04', 'p05', 'p06', 'p07', 'p08', 'p09'])
  t.equal(rec.of('Query').length, 4, 'four requests of at most 3 items')
  t.same(rec.of('Query')[1]!.input.ExclusiveStartKey, { forum: { S: 'a' }, id: { S: 'p02' } }, 'each page starts after the last')
})

t.test('page() gives one page and its lastEvaluatedKey; exclusiveStartKey continues from it', async (t) => {
  const first = await Post.query().keyExpr(':forum = ?', 'a').limit(4).page()
  t.same(first.items.map((p) => p.id), ['p00', 'p01', 'p02', 'p03'])
  t.same(first.lastEvaluatedKey, { forum: 'a', id: 'p03' }, 'in stored names, ready to pass back (or to a client)')
  t.equal(first.count, 4)
  const second = await Post.query().keyExpr(':forum = ?', 'a').limit(4).exclusiveStartKey(first.lastEvaluatedKey).page()
  t.same(second.items.map((p) => p.id), ['p04', 'p05', 'p06', 'p07'])
  const last = await Post.query().keyExpr(':forum = ?', 'b').page()
  t.equal(last.lastEvaluatedKey, undefined, 'the last page has none')
  const pages = []
  for await (const page of Post.query().keyExpr(':forum = ?', 'a').limit(4).complete().pages()) pages.push(page.items.length)
  t.same(pages, [4, 4, 2])
})

t.test('a query on an index, in descending order, with a key condition on the range key and a filter', async (t) => {
  rec.clear()
  const posts = await Post.query()
    .onIndex('ByAuthor')
    .keyExpr(':author = ? AND :at BETWEEN ? AND ?', 'ann', new Date(base), new Date(base + 8 * 3_600_000))
    .filterExpr(':stars >= ?', 2)
    .scanAscending(false)
    .toArray()
  t.same(posts.map((p) => p.id), ['p08', 'p04', 'p02'])
  t.same(rec.sent[0]!.input, {
    TableName: 'Post',
    IndexName: 'ByAuthor',
    KeyConditionExpression: '#BUILDERA = :buildera AND #BUILDERB BETWEEN :builderb AND :builderc',
    FilterExpression: '#BUILDERC >= :builderd',
    ExpressionAttributeNames: { '#BUILDERA': 'author', '#BUILDERB': 'PostedAt', '#BUILDERC': 'stars' },
    ExpressionAttributeValues: {
      ':buildera': { S: 'ann' },
      ':builderb': { S: '2024-01-01T00:00:00+00:00' },
      ':builderc': { S: '2024-01-01T08:00:00+00:00' },
      ':builderd': { N: '2' },
    },
    ScanIndexForward: false,
  })
})

t.test('a projection reads only the named attributes; the others are unset on the items', async (t) => {
  rec.clear()
  const [post] = await Post.query().keyExpr(':forum = ? AND :id = ?', 'a', 'p03').projectionExpr(':id, :at').toArray()
  t.equal(rec.sent[0]!.input.ProjectionExpression, '#BUILDERC, #BUILDERD')
  t.same(rec.sent[0]!.input.ExpressionAttributeNames, { '#BUILDERA': 'forum', '#BUILDERB': 'id', '#BUILDERC': 'id', '#BUILDERD': 'PostedAt' })
  t.equal(post?.id, 'p03')
  t.same(post?.at, new Date(base + 3 * 3_600_000))
  t.equal(post?.author, undefined)
})

t.test('scan with a filter on a set, consistent reads, and a two-segment parallel scan that covers the table', async (t) => {
  rec.clear()
  const tagged = await Post.scan().filterExpr('contains(:tags, ?)', 'x').consistentRead().toArray()
  t.same(tagged.map((p) => p.id).sort(), ['p00', 'p03', 'p06', 'p09'])
  t.equal(rec.sent[0]!.input.ConsistentRead, true)
  t.same(rec.sent[0]!.input.FilterExpression, 'contains(#BUILDERA, :buildera)')
  const segments = await Promise.all([0, 1].map((segment) => Post.scan().parallelScan({ totalSegments: 2, segment }).toArray()))
  t.same(rec.of('Scan').slice(1).map((r) => [r.input.Segment, r.input.TotalSegments]).sort(), [[0, 2], [1, 2]])
  t.same(segments.flat().map((p) => p.id).sort(), Array.from({ length: 12 }, (_, i) => `p${String(i).padStart(2, '0')}`))
})

t.test('results are model items: persisted, clean, undeclared attributes dropped', async (t) => {
  await rec.raw.send(new PutItemCommand({ TableName: 'Post', Item: { forum: { S: 'c' }, id: { S: 'x' }, legacy: { S: 'rails only' } } }))
  const [item] = await Post.query().keyExpr(':forum = ?', 'c').toArray()
  t.ok(item?.isPersisted())
  t.notOk(item?.isDirty())
  t.notOk('legacy' in item!.toJSON())
  t.same(item?.tags, new Set(), 'a missing set reads as empty')
})

t.test('builder mistakes are clear errors, before any request', async (t) => {
  rec.clear()
  t.throws(() => Post.query().onIndex('Nope' as never), { code: 'FASTIFY_AWS_RECORD_USAGE', message: 'Post has no index "Nope"; it has ByAuthor.' })
  t.throws(() => Post.query().keyExpr(':nope = ?', 1), { message: /No such attribute "nope" in Post \(in ":nope = \?"\); attributes: forum, id, author, at, stars, tags\./ })
  t.throws(() => Post.query().keyExpr(':forum = ? AND :id = ?', 'a'), { message: '":forum = ? AND :id = ?" has more ? than the 1 value(s) given.' })
  t.throws(() => Post.query().keyExpr(':forum = ?', 'a', 'b'), { message: '":forum = ?" has 1 ? but 2 value(s) were given.' })
  t.throws(() => Post.scan().parallelScan({ totalSegments: 2, segment: 2 }), { message: 'parallelScan needs 0 <= segment < totalSegments, got segment 2 of 2.' })
  await t.rejects(Post.query().filterExpr(':stars > ?', 1).toArray(), { message: 'A query of Post needs keyExpr(...) (use scan() to read without a key).' })
  t.same(rec.sent, [], 'nothing was sent')
  t.same(Post.scan().limit(2).toInput(), { TableName: 'Post', Limit: 2 }, 'toInput shows the request')
})
