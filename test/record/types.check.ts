// Type tests of fastify-aws/record, checked by `tsc --noEmit` (npm test runs it first); never executed.
// Each `@ts-expect-error` line must fail to compile: if it ever compiles, tsc reports the unused directive.
import { attr, defineModel, transactFind, type AttributesOf, type ItemValues, type KeyOf } from 'fastify-aws/record'

const Forum = defineModel('Forum', {
  attributes: {
    forum_uuid: attr.string({ hashKey: true }),
    post_id: attr.string({ rangeKey: true }),
    author_username: attr.string(),
    post_title: attr.string({ validate: { presence: true } }),
    tags: attr.stringSet(),
    scores: attr.numericSet(),
    created_at: attr.datetime({ databaseName: 'PostCreatedAtTime' }),
    moderation: attr.boolean({ default: false }),
    views: attr.counter(),
    settings: attr.map<{ theme: string }>(),
    links: attr.list<string>(),
    rank: attr.integer(),
  },
  globalSecondaryIndexes: { AuthorIndex: { hashKey: 'author_username', projection: { type: 'ALL' } } },
})
type Forum = InstanceType<typeof Forum>

declare const post: Forum
// Always-set attributes: keys, defaults, sets, counters.
const id: string = post.forum_uuid
const tags: Set<string> = post.tags
const scores: Set<number> = post.scores
const moderation: boolean = post.moderation
const views: number = post.views
// Others may be unset.
const title: string | undefined = post.post_title
const created: Date | undefined = post.created_at
const theme: string | undefined = post.settings?.theme
const links: string[] | undefined = post.links
void [id, tags, scores, moderation, views, title, created, theme, links]
// @ts-expect-error an optional attribute is not plain string
const notSure: string = post.author_username
// @ts-expect-error no such attribute
void post.no_such_attribute
// @ts-expect-error a datetime holds a Date
post.created_at = 'tomorrow'
// @ts-expect-error an integer holds a number
post.rank = '12'

// Keys: both parts required, typed.
const key: KeyOf<AttributesOf<typeof Forum>> = { forum_uuid: 'f', post_id: 'p' }
// @ts-expect-error the key type has both parts
const halfKey: KeyOf<AttributesOf<typeof Forum>> = { forum_uuid: 'f' }
void [key, halfKey]
async function reads(): Promise<void> {
  const found: Forum | undefined = await Forum.find({ forum_uuid: 'f', post_id: 'p' })
  void found
  // @ts-expect-error the range key is part of the key
  await Forum.find({ forum_uuid: 'f' })
  // @ts-expect-error keys are strings
  await Forum.find({ forum_uuid: 1, post_id: 'p' })
  const many: Forum[] = await Forum.findAll([{ forum_uuid: 'f', post_id: 'p' }])
  void many
  for await (const item of Forum.query().onIndex('AuthorIndex').keyExpr(':author_username = ?', 'alice')) {
    const t: string | undefined = item.post_title
    void t
  }
  // @ts-expect-error no such index
  Forum.query().onIndex('TitleIndex')
  const page = await Forum.scan().limit(10).page()
  const first: Forum | undefined = page.items[0]
  void first
  const [a, b] = await transactFind([Forum.tfind({ forum_uuid: 'f', post_id: 'p' }), Forum.tfind({ forum_uuid: 'g', post_id: 'q' })] as const)
  const checkA: Forum | undefined = a
  const checkB: Forum | undefined = b
  void [checkA, checkB]
}
void reads

// new: keys required, inputs flexible for dates and sets.
const made = new Forum({ forum_uuid: 'f', post_id: 'p', created_at: '2024-01-02T03:04:05Z', tags: ['a', 'b'] })
void made
// @ts-expect-error the range key is required
void new Forum({ forum_uuid: 'f' })
// @ts-expect-error unknown attribute
void new Forum({ forum_uuid: 'f', post_id: 'p', nope: 1 })
made.assign({ post_title: 'x', created_at: new Date() })
// @ts-expect-error wrong type for a boolean
made.assign({ moderation: 'yes' })
// @ts-expect-error increment takes attribute names
void made.increment('nope')
const was: string | undefined = made.was('post_title')
void was

// A model whose hash key has a default may be created empty.
const Note = defineModel('Note', { attributes: { uuid: attr.string({ hashKey: true, default: () => 'x' }), body: attr.string() } })
void new Note()
type NoteValues = ItemValues<AttributesOf<typeof Note>>
const noteBody: NoteValues['body'] = undefined
void noteBody

// Index keys must be attributes of the model.
defineModel('Bad', {
  attributes: { id: attr.string({ hashKey: true }) },
  // @ts-expect-error hashKey names no attribute
  globalSecondaryIndexes: { ByX: { hashKey: 'x' } },
})
