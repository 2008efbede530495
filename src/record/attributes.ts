// The attribute builders of a model definition: `attr.string({ hashKey: true })`, one per aws-record type.
import type { AttributeKind } from './marshal.js'

/** Rules checked by `validate()` and before every save (ActiveModel's validators, by the same names). */
export interface AttributeValidation<T> {
  /** Must be set: not undefined, not "", not an empty Set/array/map (validates_presence_of). */
  readonly presence?: boolean
  /**
   * Length of a string, list, set or map (validates_length_of). A missing value has length 0, so `min` makes the
   * attribute required too, as in ActiveModel; `allowNil: true` lets an unset value pass.
   */
  readonly length?: { readonly min?: number; readonly max?: number; readonly is?: number; readonly allowNil?: boolean }
  /** A string must match (validates_format_of). */
  readonly format?: RegExp
  /** The value must be one of these (validates_inclusion_of). */
  readonly inclusion?: readonly T[]
  /** A number's range (validates_numericality_of). */
  readonly numericality?: { readonly integer?: boolean; readonly min?: number; readonly max?: number }
  /** Any other rule: return a message when the value is wrong. */
  custom?(value: T | undefined): string | undefined | void
}

/** Options every attribute takes. */
export interface AttributeOptions<T> {
  /** The table's partition key (aws-record `hash_key: true`). */
  readonly hashKey?: boolean
  /** The table's sort key (aws-record `range_key: true`). */
  readonly rangeKey?: boolean
  /** The name in DynamoDB, when it differs from the name in code (aws-record `database_attribute_name`). */
  readonly databaseName?: string
  /** A value (deep-copied into each item) or a factory called for each item. Fills the attribute whenever it is unset. */
  readonly default?: T | (() => T)
  /** Write an unset value as NULL instead of leaving it out (and `SET … = NULL` instead of `REMOVE`). */
  readonly persistNil?: boolean
  /** Validations of this attribute. */
  readonly validate?: AttributeValidation<T>
}

/** One attribute of a model: its kind and options; `T` is the value type items hold. */
export interface AttributeDefinition<K extends AttributeKind, T, O extends AttributeOptions<T>> {
  readonly kind: K
  readonly options: O
  /** Type-level only: the value type. Never set. */
  readonly valueType?: T
}

/** Any attribute definition (the constraint of a model's `attributes`). */
export type AnyAttribute = AttributeDefinition<AttributeKind, unknown, AttributeOptions<unknown>>

function define<K extends AttributeKind, T, const O extends AttributeOptions<T>>(kind: K, options?: O): AttributeDefinition<K, T, O> {
  return { kind, options: (options ?? {}) as O }
}

/**
 * `attr.list<E>(options)`: TypeScript cannot infer the options beside an explicit type argument, so whether a
 * default is given is told by overloads instead.
 */
export interface ListBuilder {
  <E = unknown>(options: AttributeOptions<E[]> & { readonly default: E[] | (() => E[]) }): AttributeDefinition<'list', E[], { readonly default: E[] | (() => E[]) }>
  <E = unknown>(options?: AttributeOptions<E[]> & { readonly default?: undefined }): AttributeDefinition<'list', E[], {}>
}

/** `attr.map<V>(options)`, typed as {@link ListBuilder}. */
export interface MapBuilder {
  <V extends object = Record<string, unknown>>(options: AttributeOptions<V> & { readonly default: V | (() => V) }): AttributeDefinition<'map', V, { readonly default: V | (() => V) }>
  <V extends object = Record<string, unknown>>(options?: AttributeOptions<V> & { readonly default?: undefined }): AttributeDefinition<'map', V, {}>
}

/**
 * Attribute builders, one per aws-record type (`string_attr` → `attr.string()`, …). Each returns a definition
 * whose options stay literal, so `defineModel` infers the item type, the key type and which attributes are
 * always set.
 *
 * @example
 * attributes: {
 *   forum_uuid: attr.string({ hashKey: true }),
 *   created_at: attr.datetime({ databaseName: 'PostCreatedAtTime' }),
 *   tags: attr.stringSet(),
 * }
 */
export const attr = {
  /** `S`. "" is written as NULL, as aws-record does. */
  string: <const O extends AttributeOptions<string> = {}>(options?: O) => define<'string', string, O>('string', options),
  /** `BOOL`. Assigned text is read Ruby's way: only false, "false", "0" and 0 are false. */
  boolean: <const O extends AttributeOptions<boolean> = {}>(options?: O) => define<'boolean', boolean, O>('boolean', options),
  /** `N`, whole numbers (assigned text is truncated like Ruby's `to_i`). */
  integer: <const O extends AttributeOptions<number> = {}>(options?: O) => define<'integer', number, O>('integer', options),
  /** `N`, floating point. */
  float: <const O extends AttributeOptions<number> = {}>(options?: O) => define<'float', number, O>('float', options),
  /** `S` "YYYY-MM-DD"; held as a `Date` at UTC midnight. */
  date: <const O extends AttributeOptions<Date> = {}>(options?: O) => define<'date', Date, O>('date', options),
  /** `S` "YYYY-MM-DDTHH:MM:SS+00:00" (UTC, seconds truncated), aws-record's `datetime_attr`. */
  datetime: <const O extends AttributeOptions<Date> = {}>(options?: O) => define<'datetime', Date, O>('datetime', options),
  /** `S` "YYYY-MM-DDTHH:MM:SSZ" (UTC, seconds truncated), aws-record's `time_attr`. */
  time: <const O extends AttributeOptions<Date> = {}>(options?: O) => define<'time', Date, O>('time', options),
  /** `N` whole epoch seconds (floored), aws-record's `epoch_time_attr`; the type DynamoDB TTL reads. */
  epochTime: <const O extends AttributeOptions<Date> = {}>(options?: O) => define<'epochTime', Date, O>('epochTime', options),
  /** `L`: an array of any DynamoDB values; give the element type as `attr.list<string>()`. */
  list: ((options?: AttributeOptions<unknown[]>) => define<'list', unknown[], AttributeOptions<unknown[]>>('list', options)) as unknown as ListBuilder,
  /** `M`: a plain object; give its shape as `attr.map<{ theme: string }>()`. */
  map: ((options?: AttributeOptions<object>) => define<'map', object, AttributeOptions<object>>('map', options)) as unknown as MapBuilder,
  /** `SS`: a `Set<string>`; an empty set is written as NULL and NULL or a missing set reads as an empty Set. */
  stringSet: <const O extends AttributeOptions<Set<string>> = {}>(options?: O) =>
    define<'stringSet', Set<string>, O>('stringSet', options),
  /** `NS`: a `Set<number>` (works, unlike aws-record 2.15's numeric_set_attr); empty is NULL as for string sets. */
  numericSet: <const O extends AttributeOptions<Set<number>> = {}>(options?: O) =>
    define<'numericSet', Set<number>, O>('numericSet', options),
  /** `N` atomic counter, 0 by default; `item.increment('name', n)` adds in DynamoDB without a read. */
  counter: <const O extends AttributeOptions<number> = {}>(options?: O) => define<'counter', number, O>('counter', options),
}
