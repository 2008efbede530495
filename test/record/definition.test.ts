// A wrong model definition is refused by defineModel, before any request, with FASTIFY_AWS_RECORD_DEFINITION and a
// message naming the model, the attribute and the fix (aws-record: NameCollision, ReservedName, InvalidModel, ...).
import t, { type Test } from 'tap'
import { attr, defineModel, RESERVED_NAMES, type AnyAttribute } from '../../src/record/index.js'

type Definition = Parameters<typeof defineModel>[1]
const refused = (t: Test, name: string, definition: unknown, message: RegExp): void => {
  t.throws(() => defineModel(name, definition as Definition), { code: 'FASTIFY_AWS_RECORD_DEFINITION', message }, String(message))
}

const id = attr.string({ hashKey: true })

t.test('a model needs a name, attributes and a hash key', async (t) => {
  refused(t, '', { attributes: { id } }, /defineModel needs a model name/)
  refused(t, 'Post', {}, /Model Post: the definition needs an `attributes` object/)
  refused(t, 'Post', { attributes: { title: attr.string() } }, /Model Post: no attribute is the hash key; mark one with \{ hashKey: true \}/)
  refused(t, 'Post', { attributes: { id, title: 'string' } }, /attribute "title" is not an attribute definition; use attr\.string\(\)/)
})

t.test('keys: one hash key, one range key, never both on one attribute, and only of key types', async (t) => {
  refused(t, 'Post', { attributes: { id: attr.string({ hashKey: true, rangeKey: true }) } }, /attribute "id" cannot be both the hash key and the range key/)
  refused(t, 'Post', { attributes: { id, other: attr.string({ hashKey: true }) } }, /both "id" and "other" are marked hashKey/)
  refused(t, 'Post', { attributes: { id, a: attr.integer({ rangeKey: true }), b: attr.string({ rangeKey: true }) } }, /both "a" and "b" are marked rangeKey/)
  refused(t, 'Post', { attributes: { id: attr.boolean({ hashKey: true }) } }, /attribute "id" \(boolean\) cannot be a key: DynamoDB keys are strings or numbers/)
  refused(t, 'Post', { attributes: { id, tags: attr.stringSet({ rangeKey: true }) } }, /attribute "tags" \(stringSet\) cannot be a key/)
})

t.test('names: a stored name may not collide with another attribute\'s name or stored name (aws-record NameCollision)', async (t) => {
  refused(t, 'Post', { attributes: { id, title: attr.string(), heading: attr.string({ databaseName: 'title' }) } }, /attribute "heading" is stored as "title", which attribute "title" already uses/)
  refused(t, 'Post', { attributes: { id, a: attr.string({ databaseName: 'X' }), b: attr.string({ databaseName: 'X' }) } }, /attribute "b" is stored as "X", which attribute "a" already uses/)
  refused(t, 'Post', { attributes: { id, a: attr.string({ databaseName: 'b' }), b: attr.string() } }, /attribute "a" is stored as "b", which attribute "b" already uses/)
  refused(t, 'Post', { attributes: { id, a: attr.string({ databaseName: '' }) } }, /attribute "a": databaseName must be a non-empty string/)
  t.doesNotThrow(() => defineModel('Post', { attributes: { id, a: attr.string({ databaseName: 'a' }) } }), 'its own name as stored name is fine')
})

t.test('reserved names: item methods and prototype names are refused, with the databaseName way out (aws-record ReservedName)', async (t) => {
  for (const name of ['save', 'delete', 'update', 'constructor', '__proto__', 'toJSON', 'then', 'key']) {
    t.ok(RESERVED_NAMES.has(name), `${name} is reserved`)
  }
  refused(t, 'Post', { attributes: { id, save: attr.string() } }, /attribute name "save" is reserved .*give it another name and keep "save" as its stored name with \{ databaseName: 'save' \}/)
  refused(t, 'Post', JSON.parse('{"attributes":{"__proto__":{"kind":"string","options":{"hashKey":true}}}}') as unknown, /attribute name "__proto__" is reserved/)
  refused(t, 'Post', { attributes: { id, 'created-at': attr.datetime() } }, /attribute name "created-at" must be an identifier/)
  t.doesNotThrow(() => defineModel('Post', { attributes: { id, saved: attr.string({ databaseName: 'save' }) } }), 'a reserved stored name is fine')
})

t.test('indexes: keys must be attributes of key types; a local index shares the hash key and has a range key', async (t) => {
  const attributes = { id, at: attr.datetime(), tags: attr.stringSet(), author: attr.string() }
  const bad = (indexes: Record<string, unknown>, message: RegExp, local = false) =>
    refused(t, 'Post', { attributes, [local ? 'localSecondaryIndexes' : 'globalSecondaryIndexes']: indexes }, message)
  bad({ ByX: { hashKey: 'x' } }, /index "ByX": hashKey "x" is not an attribute of the model/)
  bad({ ByX: {} }, /index "ByX" needs a hashKey/)
  bad({ ByTags: { hashKey: 'tags' } }, /index "ByTags": hashKey "tags" \(stringSet\) cannot be an index key/)
  bad({ ByAuthor: { hashKey: 'author', projection: { type: 'SOME' } } }, /projection type must be ALL, KEYS_ONLY or INCLUDE, not "SOME"/)
  bad({ ByAuthor: { hashKey: 'author', projection: { type: 'INCLUDE' } } }, /an INCLUDE projection needs nonKeyAttributes/)
  bad({ ByAuthor: { hashKey: 'author', projection: { type: 'INCLUDE', nonKeyAttributes: ['nope'] } } }, /nonKeyAttributes names "nope", which is not an attribute/)
  bad({ ByAt: { hashKey: 'author', rangeKey: 'at' } }, /local index "ByAt" must share the table's hash key "id"/, true)
  bad({ ByAt: { hashKey: 'id' } }, /local index "ByAt" needs a rangeKey/, true)
  refused(t, 'Post', { attributes, globalSecondaryIndexes: { X: { hashKey: 'author' } }, localSecondaryIndexes: { X: { hashKey: 'id', rangeKey: 'at' } } }, /index "X" is defined twice/)
})

t.test('defaults, locking and timestamps are checked against their attributes', async (t) => {
  refused(t, 'Post', { attributes: { id, at: attr.datetime({ default: 'someday' as unknown as Date }) } }, /attribute "at": default "someday" is not a valid datetime/)
  refused(t, 'Post', { attributes: { id, v: attr.string() }, optimisticLocking: 'v' }, /optimisticLocking "v" must be integer, not string/)
  refused(t, 'Post', { attributes: { id, v: attr.integer() }, optimisticLocking: 'nope' }, /optimisticLocking names "nope", which is not an attribute/)
  refused(t, 'Post', { attributes: { id: attr.integer({ hashKey: true }) }, optimisticLocking: 'id' }, /the optimisticLocking attribute cannot be a key/)
  refused(t, 'Post', { attributes: { id, made: attr.string() }, timestamps: { createdAt: 'made' } }, /timestamps\.createdAt "made" must be datetime or time or epochTime, not string/)
})

t.test('the error is an instance of the exported class, refused before any client is needed', async (t) => {
  const { RecordDefinitionError } = await import('../../src/errors.js')
  t.throws(() => defineModel('Post', { attributes: {} as Record<string, AnyAttribute> }), RecordDefinitionError)
})
