// A model definition checked and compiled once, at defineModel: attribute order, stored names, keys, indexes.
// Everything that can be wrong with a definition is refused here, before any request.
import { RecordDefinitionError } from '../errors.js'
import type { AnyAttribute, AttributeOptions, AttributeValidation } from './attributes.js'
import { deepCopy, DYNAMODB_TYPE, KEY_KINDS, marshalerFor, type AttributeKind, type Marshaler } from './marshal.js'
import type { IndexDefinition } from './types.js'

/** One attribute, compiled. */
export interface CompiledAttribute {
  /** Name in code. */
  readonly name: string
  /** Name in DynamoDB. */
  readonly dbName: string
  readonly kind: AttributeKind
  readonly marshaler: Marshaler
  readonly persistNil: boolean
  /** A fresh default for one item, or undefined when there is none. */
  readonly makeDefault: (() => unknown) | undefined
  readonly validate: AttributeValidation<unknown> | undefined
}

/** An index, compiled to stored names. */
export interface CompiledIndex {
  readonly name: string
  readonly type: 'global' | 'local'
  readonly hashKey: CompiledAttribute
  readonly rangeKey: CompiledAttribute | undefined
  readonly projectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'
  /** Stored names, with INCLUDE. */
  readonly nonKeyAttributes: readonly string[]
}

/** A compiled model definition. */
export interface Schema {
  readonly modelName: string
  readonly tableName: string
  readonly attributes: readonly CompiledAttribute[]
  readonly byName: ReadonlyMap<string, CompiledAttribute>
  readonly hashKey: CompiledAttribute
  readonly rangeKey: CompiledAttribute | undefined
  readonly indexes: ReadonlyMap<string, CompiledIndex>
  readonly mutationTracking: boolean
  readonly lockAttribute: CompiledAttribute | undefined
  readonly createdAt: CompiledAttribute | undefined
  readonly updatedAt: CompiledAttribute | undefined
}

/** The definition as defineModel receives it (untyped view). */
export interface RawDefinition {
  tableName?: string
  attributes: Record<string, AnyAttribute>
  globalSecondaryIndexes?: Record<string, IndexDefinition<string>>
  localSecondaryIndexes?: Record<string, IndexDefinition<string>>
  mutationTracking?: boolean
  optimisticLocking?: string
  timestamps?: { createdAt?: string; updatedAt?: string }
}

/**
 * Names an attribute may not have: every property and method of an item, and names that would reach the
 * prototype (aws-record raises ReservedName for attribute names that clash with instance methods).
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'toJSON',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'then',
  'save',
  'update',
  'delete',
  'assign',
  'reload',
  'increment',
  'validate',
  'isValid',
  'isDirty',
  'dirty',
  'was',
  'rollback',
  'clean',
  'markDirty',
  'isNewRecord',
  'isPersisted',
  'isDestroyed',
  'key',
  'model',
  'toItem',
  'attribute',
  'dirtyAttributes',
])

const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

function fail(model: string, what: string): never {
  throw new RecordDefinitionError(`Model ${model}: ${what}`)
}

/** Checks a definition and compiles it; throws {@link RecordDefinitionError} naming the model and what is wrong. */
export function compileSchema(modelName: string, def: RawDefinition): Schema {
  if (typeof modelName !== 'string' || modelName.trim() === '') {
    throw new RecordDefinitionError('defineModel needs a model name, e.g. defineModel("Forum", { attributes: { ... } }).')
  }
  if (typeof def !== 'object' || def === null || typeof def.attributes !== 'object' || def.attributes === null) {
    fail(modelName, 'the definition needs an `attributes` object, e.g. { attributes: { id: attr.string({ hashKey: true }) } }.')
  }
  const attributes: CompiledAttribute[] = []
  const byName = new Map<string, CompiledAttribute>()
  const storedBy = new Map<string, string>()
  let hashKey: CompiledAttribute | undefined
  let rangeKey: CompiledAttribute | undefined

  for (const name of Object.keys(def.attributes)) {
    const a = def.attributes[name]!
    if (!VALID_NAME.test(name)) fail(modelName, `attribute name "${name}" must be an identifier (letters, digits, _).`)
    if (RESERVED_NAMES.has(name)) {
      fail(modelName, `attribute name "${name}" is reserved (it is a method or property of every item); give it another name and keep "${name}" as its stored name with { databaseName: '${name}' }.`)
    }
    if (typeof a !== 'object' || a === null || typeof a.kind !== 'string' || !(a.kind in DYNAMODB_TYPE)) {
      fail(modelName, `attribute "${name}" is not an attribute definition; use attr.string(), attr.integer(), ...`)
    }
    const o: AttributeOptions<unknown> = a.options ?? {}
    const dbName = o.databaseName ?? name
    if (typeof dbName !== 'string' || dbName === '') fail(modelName, `attribute "${name}": databaseName must be a non-empty string.`)
    // A stored name may not collide with another attribute's name or stored name (aws-record NameCollision).
    const clash = storedBy.get(dbName) ?? (dbName !== name && Object.hasOwn(def.attributes, dbName) ? dbName : undefined)
    if (clash !== undefined) {
      fail(modelName, `attribute "${name}" is stored as "${dbName}", which attribute "${clash}" already uses; each attribute needs its own stored name.`)
    }
    storedBy.set(dbName, name)
    if (dbName !== name) storedBy.set(name, name)
    if (o.hashKey && o.rangeKey) fail(modelName, `attribute "${name}" cannot be both the hash key and the range key.`)
    if ((o.hashKey || o.rangeKey) && !KEY_KINDS.has(a.kind)) {
      fail(modelName, `attribute "${name}" (${a.kind}) cannot be a key: DynamoDB keys are strings or numbers (string, integer, float, date, datetime, time, epochTime).`)
    }
    const compiled: CompiledAttribute = {
      name,
      dbName,
      kind: a.kind,
      marshaler: marshalerFor(a.kind),
      persistNil: o.persistNil === true,
      makeDefault: defaultMaker(modelName, name, a.kind, o),
      validate: o.validate,
    }
    if (o.hashKey) {
      if (hashKey) fail(modelName, `both "${hashKey.name}" and "${name}" are marked hashKey; a table has one hash key.`)
      hashKey = compiled
    }
    if (o.rangeKey) {
      if (rangeKey) fail(modelName, `both "${rangeKey.name}" and "${name}" are marked rangeKey; a table has one range key.`)
      rangeKey = compiled
    }
    attributes.push(compiled)
    byName.set(name, compiled)
  }
  if (!hashKey) fail(modelName, 'no attribute is the hash key; mark one with { hashKey: true }.')

  const indexes = new Map<string, CompiledIndex>()
  const addIndexes = (type: 'global' | 'local', given: Record<string, IndexDefinition<string>> | undefined): void => {
    for (const [indexName, ix] of Object.entries(given ?? {})) {
      if (indexes.has(indexName)) fail(modelName, `index "${indexName}" is defined twice.`)
      const keyOf = (role: string, attrName: string | undefined): CompiledAttribute | undefined => {
        if (attrName === undefined) return undefined
        const found = byName.get(attrName)
        if (!found) fail(modelName, `index "${indexName}": ${role} "${attrName}" is not an attribute of the model.`)
        if (!KEY_KINDS.has(found.kind)) fail(modelName, `index "${indexName}": ${role} "${attrName}" (${found.kind}) cannot be an index key.`)
        return found
      }
      const h = keyOf('hashKey', ix.hashKey)
      if (!h) fail(modelName, `index "${indexName}" needs a hashKey.`)
      const r = keyOf('rangeKey', ix.rangeKey)
      if (type === 'local') {
        if (h !== hashKey) fail(modelName, `local index "${indexName}" must share the table's hash key "${hashKey!.name}".`)
        if (!r) fail(modelName, `local index "${indexName}" needs a rangeKey.`)
      }
      const projectionType = ix.projection?.type ?? 'ALL'
      if (!['ALL', 'KEYS_ONLY', 'INCLUDE'].includes(projectionType)) {
        fail(modelName, `index "${indexName}": projection type must be ALL, KEYS_ONLY or INCLUDE, not "${projectionType}".`)
      }
      const nonKey = (ix.projection?.nonKeyAttributes ?? []).map((n) => byName.get(n)?.dbName ?? fail(modelName, `index "${indexName}": nonKeyAttributes names "${n}", which is not an attribute.`))
      if (projectionType === 'INCLUDE' && nonKey.length === 0) fail(modelName, `index "${indexName}": an INCLUDE projection needs nonKeyAttributes.`)
      indexes.set(indexName, { name: indexName, type, hashKey: h, rangeKey: r, projectionType, nonKeyAttributes: nonKey })
    }
  }
  addIndexes('global', def.globalSecondaryIndexes)
  addIndexes('local', def.localSecondaryIndexes)

  const named = (role: string, n: string | undefined, kinds: AttributeKind[]): CompiledAttribute | undefined => {
    if (n === undefined) return undefined
    const found = byName.get(n)
    if (!found) fail(modelName, `${role} names "${n}", which is not an attribute of the model.`)
    if (!kinds.includes(found.kind)) fail(modelName, `${role} "${n}" must be ${kinds.join(' or ')}, not ${found.kind}.`)
    return found
  }
  const lockAttribute = named('optimisticLocking', def.optimisticLocking, ['integer'])
  if (lockAttribute && (lockAttribute === hashKey || lockAttribute === rangeKey)) fail(modelName, 'the optimisticLocking attribute cannot be a key.')
  const timeKinds: AttributeKind[] = ['datetime', 'time', 'epochTime']

  return {
    modelName,
    // aws-record: the class name with "::" replaced by "_" (Admin::Post → Admin_Post).
    tableName: def.tableName ?? modelName.replace(/::/g, '_'),
    attributes,
    byName,
    hashKey: hashKey!,
    rangeKey,
    indexes,
    mutationTracking: def.mutationTracking !== false,
    lockAttribute,
    createdAt: named('timestamps.createdAt', def.timestamps?.createdAt, timeKinds),
    updatedAt: named('timestamps.updatedAt', def.timestamps?.updatedAt, timeKinds),
  }
}

/** A plain default is type-cast once and deep-copied per item; a function is called per item and cast each time. */
function defaultMaker(model: string, name: string, kind: AttributeKind, o: AttributeOptions<unknown>): (() => unknown) | undefined {
  const marshaler = marshalerFor(kind)
  if (!('default' in o) || o.default === undefined) {
    // Counters start at 0 (aws-record atomic_counter's default).
    return kind === 'counter' ? () => 0 : undefined
  }
  const given = o.default
  if (typeof given === 'function') return () => marshaler.cast((given as () => unknown)())
  let cast: unknown
  try {
    cast = marshaler.cast(given)
  } catch (err) {
    fail(model, `attribute "${name}": default ${JSON.stringify(given)} is not a valid ${kind} (${(err as Error).message}).`)
  }
  return () => deepCopy(cast)
}
