// Types inferred from a model definition: the item, its key, what may be assigned, the index names.
import type { AnyAttribute, AttributeDefinition } from './attributes.js'
import type { AttributeKind } from './marshal.js'

/** The attributes of a model: name in code → definition. */
export type AttributeMap = Record<string, AnyAttribute>

/** The value type of one attribute. */
export type ValueOf<A> = A extends AttributeDefinition<AttributeKind, infer T, infer _O> ? T : never

/** What may be assigned to an attribute: its value type, plus text/epoch seconds for dates, arrays for sets. */
export type InputOf<A> = A extends AttributeDefinition<infer K, infer T, infer _O>
  ? K extends 'date' | 'datetime' | 'time' | 'epochTime'
    ? Date | string | number
    : K extends 'stringSet'
      ? Set<string> | readonly string[]
      : K extends 'numericSet'
        ? Set<number> | readonly number[]
        : T
  : never

type OptionsOf<A> = A extends AttributeDefinition<AttributeKind, unknown, infer O> ? O : never
type KindOf<A> = A extends AttributeDefinition<infer K, unknown, infer _O> ? K : never

/** The name of the hash key attribute. */
export type HashKeyName<A extends AttributeMap> = {
  [K in keyof A]: OptionsOf<A[K]> extends { readonly hashKey: true } ? K : never
}[keyof A] &
  string

/** The name of the range key attribute, or never. */
export type RangeKeyName<A extends AttributeMap> = {
  [K in keyof A]: OptionsOf<A[K]> extends { readonly rangeKey: true } ? K : never
}[keyof A] &
  string

/** Attributes that always hold a value once an item exists: keys, defaults, sets (read as empty) and counters. */
export type AlwaysSetName<A extends AttributeMap> = {
  [K in keyof A]: OptionsOf<A[K]> extends { readonly hashKey: true } | { readonly rangeKey: true } | { readonly default: unknown }
    ? K
    : KindOf<A[K]> extends 'stringSet' | 'numericSet' | 'counter'
      ? K
      : never
}[keyof A] &
  string

/** Names of the attributes of a model whose kind is one of `Kind`. */
export type NameOfKind<A extends AttributeMap, Kind extends AttributeKind> = {
  [K in keyof A]: KindOf<A[K]> extends Kind ? K : never
}[keyof A] &
  string

/** Names of the atomic counters (`attr.counter()`) of a model. */
export type CounterName<A extends AttributeMap> = NameOfKind<A, 'counter'>

/** Key attributes a new item must be given (those without a default). */
export type RequiredInitName<A extends AttributeMap> = {
  [K in keyof A]: OptionsOf<A[K]> extends { readonly default: unknown }
    ? never
    : OptionsOf<A[K]> extends { readonly hashKey: true } | { readonly rangeKey: true }
      ? K
      : never
}[keyof A] &
  string

type Simplify<T> = { [K in keyof T]: T[K] } & {}

/** The attribute values of an item, as read: always-set attributes are `T`, the others `T | undefined`. */
export type ItemValues<A extends AttributeMap> = Simplify<
  { -readonly [K in AlwaysSetName<A>]: ValueOf<A[K]> } & {
    -readonly [K in Exclude<keyof A & string, AlwaysSetName<A>>]: ValueOf<A[K]> | undefined
  }
>

/** What `new Model(init)` takes: the keys without defaults are required, every other attribute optional. */
export type ItemInit<A extends AttributeMap> = Simplify<
  { [K in RequiredInitName<A>]: InputOf<A[K]> } & {
    [K in Exclude<keyof A & string, RequiredInitName<A>>]?: InputOf<A[K]> | null | undefined
  }
>

/** Attribute values to assign (any subset). */
export type ItemAssign<A extends AttributeMap> = { [K in keyof A & string]?: InputOf<A[K]> | null | undefined }

/** The key of an item: the hash key, and the range key when the model has one. */
export type KeyOf<A extends AttributeMap> = Simplify<
  { [K in HashKeyName<A>]: InputOf<A[K]> } & { [K in RangeKeyName<A>]: InputOf<A[K]> }
>

/** Attribute names of a model. */
export type AttributeName<A extends AttributeMap> = keyof A & string

/** A secondary index: its keys (attribute names in code) and projection. */
export interface IndexDefinition<N extends string> {
  /** Partition key of the index. */
  readonly hashKey: N
  /** Sort key of the index. */
  readonly rangeKey?: N
  /** What the index holds (default ALL, as the generator writes). */
  readonly projection?: {
    readonly type: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'
    /** With INCLUDE: the other attributes copied into the index (names in code). */
    readonly nonKeyAttributes?: readonly N[]
  }
}

/** Index name → definition. */
export type IndexMap<N extends string> = Record<string, IndexDefinition<N>>
