// Type tests of fastify-aws/record, checked by `tsc --noEmit` (npm test runs it first); never executed.
// Each `@ts-expect-error` line must fail to compile: if it ever compiles, tsc reports the unused directive.
import {
  attr,
  batchWrite,
  defineModel,
  transactFind,
  transactWrite,
  type AttributesOf,
  type CounterName,
  type ItemInit,
  type ItemValues,
  type KeyOf,
  type RecordItem,
} from 'fastify-aws/record'

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
const _notSure: string = post.author_username
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

// ── more inference and rejections ──────────────────────────────────────────────────────────────────────

// Counters only for increment.
type ForumCounters = CounterName<AttributesOf<typeof Forum>>
const counter: ForumCounters = 'views'
// @ts-expect-error rank is an integer, not a counter
const notCounter: ForumCounters = 'rank'
void [counter, notCounter]
void made.increment('views')
// @ts-expect-error only counters can be incremented
void made.increment('rank')

// Assignment is typed per attribute: keys and values.
// @ts-expect-error the hash key is a string
post.forum_uuid = 1
// @ts-expect-error a set holds a Set, not an array (assign() or new take arrays)
post.tags = ['a']
post.tags = new Set(['a'])
made.assign({ tags: ['a', 'b'], scores: [1, 2], created_at: 1_700_000_000, settings: { theme: 'dark' } })
// @ts-expect-error a map's shape is checked
made.assign({ settings: { colour: 'red' } })
// @ts-expect-error a list's elements are checked
made.assign({ links: [1] })
// @ts-expect-error dirty tracking takes attribute names
made.isDirty('nope')
const dirtyNames: Array<'forum_uuid' | 'post_id' | 'author_username' | 'post_title' | 'tags' | 'scores' | 'created_at' | 'moderation' | 'views' | 'settings' | 'links' | 'rank'> = made.dirty()
void dirtyNames
const asJson: { forum_uuid: string; post_title: string | undefined } = made.toJSON()
void asJson

// The class update takes the whole key and any attributes.
void Forum.update({ forum_uuid: 'f', post_id: 'p', post_title: 'T', tags: ['x'] })
// @ts-expect-error the class update needs the whole key
void Forum.update({ forum_uuid: 'f', post_title: 'T' })
// @ts-expect-error and only attributes of the model
void Forum.update({ forum_uuid: 'f', post_id: 'p', nope: 1 })

// Items of any model go into batches and transactions; other things do not.
const other = new Note()
void batchWrite([{ put: made }, { delete: other }])
void transactWrite([{ save: made }, { delete: other }, { check: Forum.transactCheck({ forum_uuid: 'f', post_id: 'p' }, { expression: 'attribute_exists(#H)', names: { '#H': 'forum_uuid' } }) }])
// @ts-expect-error a plain object is not an item
void batchWrite([{ put: { forum_uuid: 'f' } }])
// @ts-expect-error nor in a transaction
void transactWrite([{ save: { forum_uuid: 'f' } }])

// Lists and maps with a default are always set, with the default's type beside the explicit element type.
const Prefs = defineModel('Prefs', {
  attributes: {
    id: attr.string({ hashKey: true }),
    recent: attr.list<string>({ default: [] }),
    settings: attr.map<{ theme: string }>({ default: { theme: 'light' } }),
    extra: attr.list<number>(),
    at: attr.datetime({ rangeKey: true }),
  },
  localSecondaryIndexes: { ByExtra: { hashKey: 'id', rangeKey: 'at' } },
})
type Prefs = InstanceType<typeof Prefs>
declare const prefs: Prefs
const recent: string[] = prefs.recent
const theme2: string = prefs.settings.theme
// @ts-expect-error without a default a list may be unset
const extra: number[] = prefs.extra
void [recent, theme2, extra]
// A date range key is given as a Date, text or epoch seconds.
void Prefs.find({ id: 'x', at: new Date() })
void Prefs.find({ id: 'x', at: '2024-01-02T03:04:05Z' })
// Local indexes are indexes too.
void Prefs.query().onIndex('ByExtra')
// What `new` takes, and the item type, by name.
const init: ItemInit<AttributesOf<typeof Prefs>> = { id: 'x', at: 0 }
const asItem: RecordItem<AttributesOf<typeof Prefs>> = prefs
void [init, asItem]

// Locking names an integer attribute that is no key; timestamps name date-time attributes.
defineModel('Locked', { attributes: { id: attr.string({ hashKey: true }), version: attr.integer() }, optimisticLocking: 'version' })
defineModel('BadLock', {
  attributes: { id: attr.string({ hashKey: true }), version: attr.string(), n: attr.integer({ rangeKey: true }) },
  // @ts-expect-error a string cannot hold a version
  optimisticLocking: 'version',
})
defineModel('BadLockKey', {
  attributes: { id: attr.string({ hashKey: true }), n: attr.integer({ rangeKey: true }) },
  // @ts-expect-error a key cannot hold a version
  optimisticLocking: 'n',
})
defineModel('Stamped', { attributes: { id: attr.string({ hashKey: true }), made: attr.epochTime() }, timestamps: { createdAt: 'made' } })
defineModel('BadStamps', {
  attributes: { id: attr.string({ hashKey: true }), made: attr.string() },
  // @ts-expect-error a string is no timestamp
  timestamps: { createdAt: 'made' },
})
// A model-level rule sees typed values.
defineModel('Ruled', {
  attributes: { id: attr.string({ hashKey: true }), n: attr.integer() },
  validate: (item) => {
    const n: number | undefined = item.n
    // @ts-expect-error no such attribute on the item
    void item.m
    return n === undefined ? 'n is needed' : undefined
  },
})
