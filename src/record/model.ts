// defineModel: a model class from a definition, typed from it (item, key, assignable values, index names).
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { RecordUsageError } from '../errors.js'
import { findAllOf, type BatchRetryOptions } from './batch.js'
import { documentClientFor, sharedDocumentClient, type RecordClientInput } from './client.js'
import { castValue, RecordBase, STATE, type ItemRuntime, type ModelRule, type SaveOptions } from './item.js'
import { QueryBuilder, ScanBuilder } from './query.js'
import { keyFor, updateInput, type StoredItem } from './requests.js'
import { MODEL } from './runtime.js'
import { compileSchema, type CompiledAttribute, type RawDefinition, type Schema } from './schema.js'
import type { TransactCheck, TransactFind, WriteCondition } from './transactions.js'
import type {
  AttributeMap,
  AttributeName,
  CounterName,
  HashKeyName,
  IndexMap,
  ItemAssign,
  ItemInit,
  ItemValues,
  KeyOf,
  NameOfKind,
  RangeKeyName,
  RequiredInitName,
} from './types.js'
import type { ValidationIssue } from './validation.js'

/** What a model definition holds. `A` are its attributes; `G` and `L` its global and local secondary indexes. */
export interface ModelDefinition<A extends AttributeMap, G extends IndexMap<keyof A & string>, L extends IndexMap<keyof A & string>> {
  /** Table name (default: the model name, with "::" as "_", as aws-record). */
  tableName?: string
  /** Attributes, in the order aws-record would declare them (update expressions follow this order). */
  attributes: A
  /** Global secondary indexes: key attributes and projection (throughput lives in the table config). */
  globalSecondaryIndexes?: G
  /** Local secondary indexes (same hash key as the table); created with the table. */
  localSecondaryIndexes?: L
  /** Mutation tracking (default on): changes are found by comparing with deep copies taken at load and save. */
  mutationTracking?: boolean
  /**
   * Optimistic locking (aws-record has none): an integer attribute holding the item's version, set to 1 on
   * create and raised on every save; a save or delete of an item changed meanwhile fails with
   * FASTIFY_AWS_RECORD_STALE_ITEM.
   */
  optimisticLocking?: Exclude<NameOfKind<A, 'integer'>, HashKeyName<A> | RangeKeyName<A>>
  /** Attributes (datetime, time or epochTime) set to the current time at creation (`createdAt`) and at every save (`updatedAt`). */
  timestamps?: { createdAt?: NameOfKind<A, 'datetime' | 'time' | 'epochTime'>; updatedAt?: NameOfKind<A, 'datetime' | 'time' | 'epochTime'> }
  /** A model-level rule: return a message (or several) when the item is not valid. */
  validate?: (item: ItemValues<A>) => string | readonly string[] | undefined | void
  /** This model's client (a DocumentClient, or a DynamoDBClient to wrap); default: the shared one. */
  client?: RecordClientInput
}

/** The methods every item has. */
export interface RecordMethods<A extends AttributeMap> {
  /** Saves: a new item is a PutItem that fails if the key exists; a loaded one an UpdateItem of its changes. */
  save(options?: SaveOptions): Promise<this>
  /** Assigns, then saves. */
  update(values: ItemAssign<A>, options?: SaveOptions): Promise<this>
  /** Deletes the item. */
  delete(): Promise<void>
  /** Assigns several attributes. */
  assign(values: ItemAssign<A>): this
  /** Reads the item again; throws FASTIFY_AWS_RECORD_NOT_FOUND when it is gone. */
  reload(): Promise<this>
  /** Adds `by` to a counter attribute in DynamoDB and returns the new value. */
  increment(name: CounterName<A>, by?: number): Promise<number>
  /** Every failed validation rule. */
  validate(): ValidationIssue[]
  /** No validation rule fails. */
  isValid(): boolean
  /** Whether anything (or the named attribute) changed since load or save. */
  isDirty(name?: AttributeName<A>): boolean
  /** Names of the changed attributes. */
  dirty(): AttributeName<A>[]
  /** An attribute's value as loaded or last saved. */
  was<K extends AttributeName<A>>(name: K): ItemValues<A>[K & keyof ItemValues<A>]
  /** Puts back the loaded/saved value of one attribute, or all. */
  rollback(name?: AttributeName<A>): this
  /** Takes the current values as the clean state. */
  clean(): this
  /** Marks an attribute as changed (for in-place changes with mutation tracking off). */
  markDirty(name: AttributeName<A>): this
  /** Not saved yet. */
  isNewRecord(): boolean
  /** Saved or loaded, and not deleted. */
  isPersisted(): boolean
  /** Deleted. */
  isDestroyed(): boolean
  /** The key in stored names. */
  key(): StoredItem
  /** The values by name in code. */
  toJSON(): ItemValues<A>
  /** The item as written to DynamoDB (stored names and formats). */
  toItem(): StoredItem
}

/** An item of a model: its attribute values and the item methods. */
export type RecordItem<A extends AttributeMap> = ItemValues<A> & RecordMethods<A>

/** Options of `find`. */
export interface FindOptions {
  /** A strongly consistent read. */
  consistentRead?: boolean
}

/** A model class, as `defineModel` returns it. */
export interface ModelClass<A extends AttributeMap, I extends string = string> {
  /** A new item (not saved): keys without defaults are required; defaults fill the rest. */
  new (...init: [RequiredInitName<A>] extends [never] ? [init?: ItemInit<A>] : [init: ItemInit<A>]): RecordItem<A>
  /** The model name. */
  readonly modelName: string
  /** The DynamoDB table. */
  readonly tableName: string
  /** Sets this model's client (a DocumentClient, or a DynamoDBClient to wrap). */
  configure(options: { client: RecordClientInput }): void
  /** The DocumentClient this model uses. */
  readonly client: DynamoDBDocumentClient
  /** GetItem by key; undefined when there is no such item. */
  find(key: KeyOf<A>, options?: FindOptions): Promise<RecordItem<A> | undefined>
  /** BatchGetItem (chunks of 100, unprocessed keys retried); the items found, in the order of `keys`. */
  findAll(keys: readonly KeyOf<A>[], options?: FindOptions & BatchRetryOptions): Promise<RecordItem<A>[]>
  /** UpdateItem of the given attributes on the key in `values`, with no condition (aws-record's class update: an upsert). */
  update(values: KeyOf<A> & ItemAssign<A>): Promise<void>
  /** A query builder. */
  query(): QueryBuilder<RecordItem<A>, I>
  /** A scan builder. */
  scan(): ScanBuilder<RecordItem<A>, I>
  /** An item from a stored item (as a raw client returns it): persisted and clean; undeclared attributes dropped. */
  fromItem(stored: StoredItem): RecordItem<A>
  /** A read for `transactFind`. */
  tfind(key: KeyOf<A>): TransactFind<RecordItem<A>>
  /** A condition check for `transactWrite` (`{ check: Model.transactCheck(key, { expression, names, values }) }`). */
  transactCheck(key: KeyOf<A>, condition: WriteCondition): TransactCheck
  /** The stored key of `key` (stored names and formats). */
  keyOf(key: KeyOf<A>): StoredItem
}

/** Attributes of a model class. */
export type AttributesOf<M> = M extends ModelClass<infer A, string> ? A : never

/**
 * Defines a model: a class whose items carry the attributes as typed properties, with aws-record's semantics
 * and wire format. The definition is checked at once; a wrong one throws FASTIFY_AWS_RECORD_DEFINITION.
 *
 * @example
 * export const Forum = defineModel('Forum', {
 *   attributes: {
 *     forum_uuid: attr.string({ hashKey: true }),
 *     post_id: attr.string({ rangeKey: true }),
 *     created_at: attr.datetime({ databaseName: 'PostCreatedAtTime' }),
 *   },
 * })
 * export type Forum = InstanceType<typeof Forum>
 */
export function defineModel<
  const A extends AttributeMap,
  const G extends IndexMap<keyof A & string> = {},
  const L extends IndexMap<keyof A & string> = {},
>(name: string, definition: ModelDefinition<A, G, L>): ModelClass<A, (keyof G | keyof L) & string> {
  const schema = compileSchema(name, definition as unknown as RawDefinition)
  let own: DynamoDBDocumentClient | undefined = definition.client === undefined ? undefined : documentClientFor(definition.client)
  const client = (): DynamoDBDocumentClient => own ?? sharedDocumentClient()

  // A named class, so stack traces and logs show the model's name.
  const Model = { [name]: class extends RecordBase {} }[name]!
  const runtime: ItemRuntime = {
    schema,
    client,
    rule: definition.validate as ModelRule | undefined,
    fromStored: (stored) => new Model(undefined, stored),
  }
  Object.defineProperty(Model, MODEL, { value: runtime })
  for (const a of schema.attributes) defineAccessor(Model.prototype, schema, a)

  const key = (given: object, operation: string): StoredItem => {
    const values: Record<string, unknown> = {}
    for (const a of [schema.hashKey, schema.rangeKey]) {
      if (a !== undefined) values[a.name] = castValue(schema, a, (given as Record<string, unknown>)[a.name])
    }
    return keyFor(schema, values, operation)
  }

  const statics = {
    modelName: name,
    tableName: schema.tableName,
    configure(options: { client: RecordClientInput }): void {
      own = documentClientFor(options.client)
    },
    get client(): DynamoDBDocumentClient {
      return client()
    },
    keyOf: (k: object) => key(k, 'using a key'),
    async find(k: object, options: FindOptions = {}) {
      const out = await client().send(
        new GetCommand({ TableName: schema.tableName, Key: key(k, 'find'), ...(options.consistentRead ? { ConsistentRead: true } : {}) }),
      )
      return out.Item === undefined ? undefined : runtime.fromStored(out.Item)
    },
    findAll: (keys: readonly object[], options: FindOptions & BatchRetryOptions = {}) =>
      findAllOf(
        runtime,
        keys.map((k) => key(k, 'findAll')),
        options,
      ),
    async update(values: object): Promise<void> {
      const pairs: Array<readonly [CompiledAttribute, unknown]> = []
      for (const field of Object.keys(values)) {
        const a = schema.byName.get(field)
        if (a === undefined) throw new RecordUsageError(`${name} has no attribute "${field}".`)
        if (a === schema.hashKey || a === schema.rangeKey) continue
        pairs.push([a, castValue(schema, a, (values as Record<string, unknown>)[field])])
      }
      await client().send(new UpdateCommand(updateInput(schema, key(values, 'update'), pairs)))
    },
    query: () => new QueryBuilder(runtime),
    scan: () => new ScanBuilder(runtime),
    fromItem: (stored: StoredItem) => runtime.fromStored(stored),
    tfind: (k: object): TransactFind<unknown> => ({ runtime, key: key(k, 'transactFind') }),
    transactCheck: (k: object, condition: WriteCondition): TransactCheck => ({ runtime, key: key(k, 'transactCheck'), condition }),
  }
  Object.defineProperties(Model, Object.getOwnPropertyDescriptors(statics))
  return Model as unknown as ModelClass<A, (keyof G | keyof L) & string>
}

function defineAccessor(proto: object, schema: Schema, a: CompiledAttribute): void {
  const { name } = a
  const isSet = a.kind === 'stringSet' || a.kind === 'numericSet'
  Object.defineProperty(proto, name, {
    enumerable: true,
    configurable: false,
    get(this: RecordBase) {
      const state = this[STATE]
      // An unset set reads as an empty Set (as aws-record's), made on first use so an untouched one is not written;
      // on a loaded item it is not a change either.
      if (isSet && state.data[name] === undefined) {
        state.data[name] = new Set()
        if (!state.newRecord && state.snapshot[name] === undefined) state.snapshot[name] = new Set()
      }
      return state.data[name]
    },
    set(this: RecordBase, value: unknown) {
      this[STATE].data[name] = castValue(schema, a, value)
    },
  })
}
