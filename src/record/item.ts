// One item of a model: its values, mutation tracking (aws-record's dirty_tracking.rb), and the item operations
// save / update / delete / reload / increment with aws-record's exact requests (item_operations.rb).
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type PutCommandInput, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb'
import {
  RecordConditionalWriteError,
  RecordNotFoundError,
  RecordStaleItemError,
  RecordUsageError,
  RecordValidationError,
  RecordValueError,
} from '../errors.js'
import { deepCopy, sameValue } from './marshal.js'
import { deleteInput, keyFor, notExistsCondition, saveHash, updateInput, withCondition, type StoredItem } from './requests.js'
import { awsErrorName, describeKey, MODEL, type ModelRuntime } from './runtime.js'
import type { CompiledAttribute, Schema } from './schema.js'
import { describeIssues, validateValues, type ValidationIssue } from './validation.js'

/** Where an item keeps its state (a symbol, so no attribute name can reach it). */
export const STATE = Symbol('fastify-aws.record.state')

/** An item's state. */
export interface ItemState {
  /** Attribute values by name in code, type-cast. */
  data: Record<string, unknown>
  /** Values as last loaded or saved (deep copies when mutation tracking is on). */
  snapshot: Record<string, unknown>
  /** Attributes marked dirty by hand ({@link NO_FLAGS} until the first, so reads allocate no Set per item). */
  flagged: ReadonlySet<string>
  newRecord: boolean
  destroyed: boolean
}

/** Options of `save`. */
export interface SaveOptions {
  /** Overwrite with a plain PutItem of the whole item, whatever is stored (aws-record `force: true`). */
  force?: boolean
}

/** How a write is planned: as save, as a forced put, or always as an update (transactions' `update`). */
interface PlanOptions extends SaveOptions {
  asUpdate?: boolean
}

/** A write an item is about to make, shared by save and transactions. */
export interface SavePlan {
  kind: 'put' | 'update'
  input: PutCommandInput | UpdateCommandInput
  /** A ConditionalCheckFailed is a stale version (optimistic locking), not an existing item. */
  lockChecked: boolean
  /** Undoes the in-memory changes the plan made (version, timestamps) if the write fails. */
  undo(): void
}

/** The model-level validation rule. */
export type ModelRule = (item: never) => string | readonly string[] | undefined | void

/** Run-time parts the item needs from its model. */
export interface ItemRuntime extends ModelRuntime {
  readonly rule: ModelRule | undefined
}

function rt(item: RecordBase): ItemRuntime {
  return (item.constructor as unknown as { [MODEL]: ItemRuntime })[MODEL]
}

/** The shared empty set of hand-marked attributes; never mutated. */
const NO_FLAGS: ReadonlySet<string> = new Set()

/** Fills unset attributes that have a default (at new, before every save, when loaded: aws-record populate_default_values). */
export function fillDefaults(schema: Schema, data: Record<string, unknown>): void {
  for (const a of schema.attributes) {
    if (a.makeDefault !== undefined && data[a.name] === undefined) data[a.name] = a.makeDefault()
  }
}

/** Takes a clean snapshot: deep copies with tracking on, the same objects with it off (aws-record clean!). */
export function takeSnapshot(schema: Schema, state: ItemState): void {
  const snapshot: Record<string, unknown> = {}
  if (schema.mutationTracking) for (const a of schema.attributes) snapshot[a.name] = copyOf(a, state.data[a.name])
  else for (const a of schema.attributes) snapshot[a.name] = state.data[a.name]
  state.snapshot = snapshot
  state.flagged = NO_FLAGS
}

/** A snapshot copy by kind: sets and dates are copied flat (their members are primitives), lists and maps deeply. */
function copyOf(a: CompiledAttribute, v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v
  if (v instanceof Set) return new Set(v)
  if (v instanceof Date) return new Date(v.getTime())
  return a.kind === 'list' || a.kind === 'map' ? deepCopy(v) : v
}

/** Casts `value` for attribute `a`; a value that cannot be cast is a {@link RecordValueError} naming the attribute. */
export function castValue(schema: Schema, a: CompiledAttribute, value: unknown): unknown {
  try {
    return a.marshaler.cast(value === null ? undefined : value)
  } catch (err) {
    throw new RecordValueError(`${schema.modelName}.${a.name}: ${(err as Error).message}`)
  }
}

/** The item behind `value`, or a usage error saying what `where` takes. */
export function recordBaseOf(value: unknown, where: string): RecordBase {
  if (!(value instanceof RecordBase) || (value.constructor as { [MODEL]?: unknown })[MODEL] === undefined) {
    throw new RecordUsageError(`${where} takes items of a model made by defineModel, got ${value === null ? 'null' : typeof value}.`)
  }
  return value
}

/** Base class of every model class `defineModel` makes. Use the model class, never this directly. */
export class RecordBase {
  /** @internal */
  [STATE]: ItemState

  constructor(init?: object, stored?: StoredItem) {
    const { schema } = rt(this)
    const state: ItemState = { data: {}, snapshot: {}, flagged: NO_FLAGS, newRecord: stored === undefined, destroyed: false }
    this[STATE] = state
    if (stored !== undefined) {
      // One pass per attribute (cast, default, snapshot): what fillDefaults and takeSnapshot do, on the read path
      // that every query result takes.
      const { data, snapshot } = state
      const tracking = schema.mutationTracking
      for (const a of schema.attributes) {
        let v = castValue(schema, a, stored[a.dbName])
        if (v === undefined && a.makeDefault !== undefined) v = a.makeDefault()
        data[a.name] = v
        snapshot[a.name] = tracking ? copyOf(a, v) : v
      }
      return
    }
    if (init !== undefined && init !== null) this.assign(init)
    fillDefaults(schema, state.data)
  }

  /** Assigns several attributes at once (unknown names are an error). */
  assign(values: object): this {
    const { schema } = rt(this)
    for (const name of Object.keys(values)) {
      const a = schema.byName.get(name)
      if (a === undefined) throw new RecordUsageError(`${schema.modelName} has no attribute "${name}".`)
      this[STATE].data[name] = castValue(schema, a, (values as Record<string, unknown>)[name])
    }
    return this
  }

  /** True before the first save, and for items never read from DynamoDB. */
  isNewRecord(): boolean {
    return this[STATE].newRecord
  }

  /** Saved or loaded, and not deleted. */
  isPersisted(): boolean {
    return !this[STATE].newRecord && !this[STATE].destroyed
  }

  /** Deleted by `delete()`. */
  isDestroyed(): boolean {
    return this[STATE].destroyed
  }

  /** Whether any attribute (or the named one) changed since the item was loaded or saved. */
  isDirty(name?: string): boolean {
    if (name !== undefined) return this.dirtyAttributes(rt(this).schema, name).length > 0
    return this.dirty().length > 0
  }

  /** Names of the attributes changed since the item was loaded or saved, in declaration order. */
  dirty(): string[] {
    return this.dirtyAttributes(rt(this).schema).map((a) => a.name)
  }

  /** The value an attribute had when the item was loaded or saved. */
  was(name: string): unknown {
    this.attribute(name)
    return this[STATE].snapshot[name]
  }

  /** Puts back the loaded/saved value of one attribute, or of all. */
  rollback(name?: string): this {
    const { schema } = rt(this)
    const state = this[STATE]
    for (const a of name === undefined ? schema.attributes : [this.attribute(name)]) {
      state.data[a.name] = schema.mutationTracking ? deepCopy(state.snapshot[a.name]) : state.snapshot[a.name]
      if (state.flagged.has(a.name)) state.flagged = new Set([...state.flagged].filter((n) => n !== a.name))
    }
    return this
  }

  /** Marks the item clean: the current values become the snapshot. */
  clean(): this {
    takeSnapshot(rt(this).schema, this[STATE])
    return this
  }

  /** Marks an attribute dirty, so the next save writes it (needed for in-place changes when tracking is off). */
  markDirty(name: string): this {
    const state = this[STATE]
    state.flagged = new Set([...state.flagged, this.attribute(name).name])
    return this
  }

  /** Every failed validation rule (empty when valid). */
  validate(): ValidationIssue[] {
    const { schema, rule } = rt(this)
    return validateValues(schema, this[STATE].data, rule, this)
  }

  /** No validation rule fails. */
  isValid(): boolean {
    return this.validate().length === 0
  }

  /** The item's key in stored names, as DynamoDB takes it. */
  key(): StoredItem {
    return keyFor(rt(this).schema, this[STATE].data, 'using its key')
  }

  /** The attribute values, by name in code (an unset set shows as an empty Set, as its property does). */
  toJSON(): Record<string, unknown> {
    const { schema } = rt(this)
    const { data } = this[STATE]
    const out: Record<string, unknown> = {}
    for (const a of schema.attributes) {
      const v = data[a.name]
      out[a.name] = v === undefined && (a.kind === 'stringSet' || a.kind === 'numericSet') ? new Set() : v
    }
    return out
  }

  /** The item as written to DynamoDB (stored names, aws-record's formats), before marshalling. */
  toItem(): StoredItem {
    return saveHash(rt(this).schema, this[STATE].data)
  }

  /**
   * Saves with aws-record's semantics: a new item (or one whose key changed) is a PutItem that fails if the key
   * exists; a loaded item is an UpdateItem of the changed attributes only (SET/REMOVE, no condition); `force`
   * overwrites with a plain PutItem. Validations run first: a failure throws and sends nothing.
   */
  async save(options: SaveOptions = {}): Promise<this> {
    const runtime = rt(this)
    const plan = planSave(this, options)
    try {
      if (plan.kind === 'put') await runtime.client().send(new PutCommand(plan.input as PutCommandInput))
      else await runtime.client().send(new UpdateCommand(plan.input as UpdateCommandInput))
    } catch (err) {
      plan.undo()
      throw writeError(runtime.schema, err, plan, this[STATE].data)
    }
    markSaved(this)
    return this
  }

  /** Assigns `values`, then saves (aws-record's instance update). */
  async update(values: object, options: SaveOptions = {}): Promise<this> {
    this.assign(values)
    return this.save(options)
  }

  /** Deletes the item (DeleteItem of its key; with optimistic locking, only if its version is the one read). */
  async delete(): Promise<void> {
    const runtime = rt(this)
    const { schema } = runtime
    let input = deleteInput(schema, keyFor(schema, this[STATE].data, 'delete'))
    const lock = schema.lockAttribute
    const locked = lock !== undefined && !this[STATE].newRecord
    if (locked) input = withCondition(input, lockCondition(lock, this[STATE].snapshot[lock.name]))
    try {
      await runtime.client().send(new DeleteCommand(input))
    } catch (err) {
      throw writeError(schema, err, { kind: 'update', lockChecked: locked }, this[STATE].data)
    }
    this[STATE].destroyed = true
  }

  /** Reads the item again (a consistent read) and replaces every value; throws when it no longer exists. */
  async reload(): Promise<this> {
    const runtime = rt(this)
    const { schema } = runtime
    const key = keyFor(schema, this[STATE].data, 'reload')
    const out = await runtime.client().send(new GetCommand({ TableName: schema.tableName, Key: key, ConsistentRead: true }))
    if (out.Item === undefined) throw new RecordNotFoundError(`${schema.modelName} ${describeKey(schema, key)} was not found (deleted meanwhile?).`)
    const state = this[STATE]
    for (const a of schema.attributes) state.data[a.name] = castValue(schema, a, out.Item[a.dbName])
    fillDefaults(schema, state.data)
    takeSnapshot(schema, state)
    state.newRecord = false
    return this
  }

  /**
   * Adds `by` to a counter attribute in DynamoDB (`SET #n = #n + :i`, aws-record's increment_<name>!) and
   * takes the new value. Refused while the item has unsaved changes.
   */
  async increment(name: string, by = 1): Promise<number> {
    const runtime = rt(this)
    const { schema } = runtime
    const a = this.attribute(name)
    if (a.kind !== 'counter') throw new RecordUsageError(`${schema.modelName}.${name} is not a counter (attr.counter()).`)
    if (this.isDirty()) {
      throw new RecordUsageError(`${schema.modelName}: save the item before incrementing ${name} (it has unsaved changes: ${this.dirty().join(', ')}).`)
    }
    const out = await runtime.client().send(
      new UpdateCommand({
        TableName: schema.tableName,
        Key: keyFor(schema, this[STATE].data, `incrementing ${name}`),
        UpdateExpression: 'SET #n = #n + :i',
        ExpressionAttributeNames: { '#n': a.dbName },
        ExpressionAttributeValues: { ':i': by },
        ReturnValues: 'UPDATED_NEW',
      }),
    )
    const value = castValue(schema, a, out.Attributes?.[a.dbName]) as number
    this[STATE].data[a.name] = value
    this[STATE].snapshot[a.name] = value
    return value
  }

  private attribute(name: string): CompiledAttribute {
    const { schema } = rt(this)
    const a = schema.byName.get(name)
    if (a === undefined) throw new RecordUsageError(`${schema.modelName} has no attribute "${name}".`)
    return a
  }

  private dirtyAttributes(schema: Schema, only?: string): CompiledAttribute[] {
    const { data, snapshot, flagged, newRecord } = this[STATE]
    const list = only === undefined ? schema.attributes : [this.attribute(only)]
    return list.filter((a) => flagged.has(a.name) || (newRecord && data[a.name] !== undefined) || !sameValue(data[a.name], snapshot[a.name]))
  }
}

function lockCondition(lock: CompiledAttribute, version: unknown): { expression: string; names: Record<string, string>; values?: Record<string, unknown> } {
  if (version === undefined || version === null) return { expression: 'attribute_not_exists(#LOCK)', names: { '#LOCK': lock.dbName } }
  return { expression: '#LOCK = :lock', names: { '#LOCK': lock.dbName }, values: { ':lock': version } }
}

/** Works out the write `save` makes, after validations, defaults, timestamps and the version bump. */
export function planSave(item: RecordBase, options: PlanOptions = {}): SavePlan {
  const runtime = rt(item)
  const { schema } = runtime
  const state = item[STATE]
  const issues = item.validate()
  if (issues.length > 0) {
    const error = new RecordValidationError(schema.modelName, describeIssues(issues))
    ;(error as unknown as { errors: ValidationIssue[] }).errors = issues
    throw error
  }
  fillDefaults(schema, state.data)
  const restore: Array<[string, unknown]> = []
  const set = (a: CompiledAttribute, v: unknown): void => {
    restore.push([a.name, state.data[a.name]])
    state.data[a.name] = v
  }
  const now = new Date()
  if (schema.createdAt && state.newRecord && state.data[schema.createdAt.name] === undefined) set(schema.createdAt, now)
  if (schema.updatedAt) set(schema.updatedAt, now)
  const undo = (): void => {
    for (const [name, v] of restore.reverse()) state.data[name] = v
  }
  const key = keyFor(schema, state.data, 'save')
  const lock = schema.lockAttribute
  const previousVersion = lock && !state.newRecord ? state.snapshot[lock.name] : undefined
  if (lock) set(lock, state.newRecord ? 1 : (Number(previousVersion ?? 0) || 0) + 1)

  if (options.force) {
    return { kind: 'put', input: { TableName: schema.tableName, Item: saveHash(schema, state.data) }, lockChecked: false, undo }
  }
  const dirty = schema.attributes.filter(
    (a) => state.flagged.has(a.name) || (state.newRecord && state.data[a.name] !== undefined) || !sameValue(state.data[a.name], state.snapshot[a.name]),
  )
  // A deleted item saved again is written whole, as a new one (aws-record would upsert only its changes,
  // leaving a partial item behind).
  const keyDirty = state.newRecord || state.destroyed || dirty.includes(schema.hashKey) || (schema.rangeKey !== undefined && dirty.includes(schema.rangeKey))
  if (keyDirty && !options.asUpdate) {
    const input: PutCommandInput = { TableName: schema.tableName, Item: saveHash(schema, state.data), ...notExistsCondition(schema) }
    return { kind: 'put', input, lockChecked: false, undo }
  }
  const changed = options.asUpdate ? dirty.filter((a) => a !== schema.hashKey && a !== schema.rangeKey) : dirty
  let input = updateInput(
    schema,
    key,
    changed.map((a) => [a, state.data[a.name]] as const),
  )
  if (lock) input = withCondition(input, lockCondition(lock, previousVersion))
  return { kind: 'update', input, lockChecked: lock !== undefined, undo }
}

/** After a successful write: persisted and clean. */
export function markSaved(item: RecordBase): void {
  const state = item[STATE]
  state.newRecord = false
  state.destroyed = false
  takeSnapshot(rt(item).schema, state)
}

/** Turns a failed write into a precise error (existing item, stale version), else passes the SDK error on. */
export function writeError(schema: Schema, err: unknown, plan: Pick<SavePlan, 'kind' | 'lockChecked'>, values: Record<string, unknown>): unknown {
  if (awsErrorName(err) !== 'ConditionalCheckFailedException') return err
  let key: string
  try {
    key = describeKey(schema, keyFor(schema, values, 'describing it'))
  } catch {
    key = '(no key)'
  }
  if (plan.lockChecked) {
    return new RecordStaleItemError(
      `${schema.modelName} ${key} was changed by someone else since it was read (its ${schema.lockAttribute?.name} moved on, or it was deleted): nothing was written. Reload it and apply the change again.`,
      { cause: err },
    )
  }
  if (plan.kind === 'put') {
    return new RecordConditionalWriteError(
      `${schema.modelName} ${key} already exists: nothing was written. Load it with find() and save() to change it, or save({ force: true }) to overwrite it.`,
      { cause: err },
    )
  }
  return new RecordConditionalWriteError(`${schema.modelName} ${key}: the write's condition was not met, nothing was written.`, { cause: err })
}
