// aws-record's marshalers (lib/aws-record/record/marshalers/*.rb), value by value: what each attribute type
// writes and how what DynamoDB (or aws-record) stored reads back. Pure functions, no SDK.

/** The attribute types of aws-record, plus its atomic counter. */
export type AttributeKind =
  | 'string'
  | 'boolean'
  | 'integer'
  | 'float'
  | 'date'
  | 'datetime'
  | 'time'
  | 'epochTime'
  | 'list'
  | 'map'
  | 'stringSet'
  | 'numericSet'
  | 'counter'

/** The DynamoDB type each kind declares in AttributeDefinitions (aws-record hard-sets it; ddb_type cannot change it). */
export const DYNAMODB_TYPE: Readonly<Record<AttributeKind, string>> = {
  string: 'S',
  boolean: 'BOOL',
  integer: 'N',
  float: 'N',
  date: 'S',
  datetime: 'S',
  time: 'S',
  epochTime: 'N',
  list: 'L',
  map: 'M',
  stringSet: 'SS',
  numericSet: 'NS',
  counter: 'N',
}

/** Kinds that may be a table or index key (DynamoDB keys are S, N or B). */
export const KEY_KINDS: ReadonlySet<AttributeKind> = new Set(['string', 'integer', 'float', 'date', 'datetime', 'time', 'epochTime', 'counter'])

type Cast = (raw: unknown) => unknown
type Serialize = (value: unknown) => unknown

/** Type cast (assignment and reads) and serialization (writes) of one kind. */
export interface Marshaler {
  /** What an assigned or stored value becomes in the item (aws-record's `type_cast`). */
  cast: Cast
  /** What is handed to the DocumentClient; `null` is written as `{"NULL":true}`. */
  serialize: Serialize
}

const blank = (raw: unknown): boolean => raw === undefined || raw === null || raw === ''

/** A number as read back: the DocumentClient gives numbers, bigints for large ones, or NumberValue with wrapNumbers. */
function numeric(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw
  if (typeof raw === 'bigint') return Number(raw)
  if (typeof raw === 'object' && raw !== null && 'value' in raw && typeof (raw as { value: unknown }).value === 'string') {
    return Number((raw as { value: string }).value)
  }
  return undefined
}

/** A number DynamoDB can store: NaN and the infinities are refused when assigned, not when sent. */
function finite(n: number): number {
  if (!Number.isFinite(n)) throw new TypeError(`${n} is not a number DynamoDB can store`)
  return n
}

/** Ruby's `String#to_i`: leading whitespace, an optional sign, then digits; anything else ends it ("12abc" → 12, "abc" → 0). */
export function rubyToI(raw: unknown): number {
  const n = numeric(raw)
  if (n !== undefined) return Math.trunc(finite(n))
  if (typeof raw === 'boolean') return raw ? 1 : 0
  const m = /^\s*([+-]?\d[\d_]*)/.exec(String(raw))
  return m ? Number.parseInt(m[1]!.replace(/_/g, ''), 10) : 0
}

/** Ruby's `String#to_f` ("1.5x" → 1.5, "abc" → 0). */
export function rubyToF(raw: unknown): number {
  const n = numeric(raw)
  if (n !== undefined) return finite(n)
  const m = /^\s*([+-]?(\d[\d_]*)?(\.\d+)?([eE][+-]?\d+)?)/.exec(String(raw))
  const f = m && m[1] !== '' ? Number.parseFloat(m[1]!.replace(/_/g, '')) : 0
  return Number.isNaN(f) ? 0 : f
}

const ZONE = /(Z|[+-]\d{2}:?\d{2})$/i

/** "YYYY-MM-DDTHH:MM:SS+00:00" or "…Z" (what aws-record and we store), read without the general date parser. */
function storedUtc(s: string): Date | undefined {
  const n = s.length
  if (!((n === 25 && s.endsWith('+00:00')) || (n === 20 && s.charCodeAt(19) === 90)) || s.charCodeAt(10) !== 84) return undefined
  const num = (from: number, len: number): number => {
    let v = 0
    for (let i = from; i < from + len; i++) {
      const c = s.charCodeAt(i) - 48
      if (c < 0 || c > 9) return NaN
      v = v * 10 + c
    }
    return v
  }
  const month = num(5, 2)
  const day = num(8, 2)
  const hour = num(11, 2)
  const minute = num(14, 2)
  const second = num(17, 2)
  const d = new Date(Date.UTC(num(0, 4), month - 1, day, hour, minute, second))
  // Date.UTC rolls 2024-02-30 over into March; the general parser (which refuses it) decides those.
  if (Number.isNaN(d.getTime()) || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined
  return d
}

/** Parses a date-time text; `zoneless` says how text without an offset is read ('utc' or 'local'). */
function parseTime(text: string, zoneless: 'utc' | 'local'): Date {
  const fast = storedUtc(text)
  if (fast !== undefined) return fast
  const s = text.trim()
  // With a zone (what aws-record and we store: "+00:00", "Z"), the text says everything.
  if (ZONE.test(s) && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(s)) return new Date(s.replace(' ', 'T'))
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    // A bare date: midnight, in UTC or in the process's zone.
    return zoneless === 'utc' ? new Date(`${s}T00:00:00Z`) : new Date(`${s}T00:00:00`)
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(s) && !ZONE.test(s)) {
    const iso = s.replace(' ', 'T')
    return zoneless === 'utc' ? new Date(`${iso}Z`) : new Date(iso)
  }
  return new Date(s)
}

function toDate(raw: unknown, zoneless: 'utc' | 'local'): Date | undefined {
  if (blank(raw)) return undefined
  if (raw instanceof Date) return raw
  const n = numeric(raw)
  // An integer is epoch seconds (aws-record: Time.at).
  if (n !== undefined) return new Date(n * 1000)
  const d = parseTime(String(raw), zoneless)
  if (Number.isNaN(d.getTime())) throw new TypeError(`"${String(raw)}" is not a date/time`)
  return d
}

/** `YYYY-MM-DDTHH:MM:SS` of the UTC moment, fraction truncated (Ruby's iso8601 with 0 digits). */
function utcSeconds(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new TypeError('Invalid Date')
  return d.toISOString().slice(0, 19)
}

function toSet(raw: unknown, element: (v: unknown) => unknown): Set<unknown> | undefined {
  if (raw instanceof Set) {
    // Members that are already of the right kind (every set read from DynamoDB) are copied as they are.
    let ready = true
    for (const e of raw) {
      if (element(e) !== e) {
        ready = false
        break
      }
    }
    return ready ? new Set(raw) : new Set([...raw].map(element))
  }
  if (Array.isArray(raw)) return new Set(raw.map(element))
  if (raw === undefined || raw === null) return undefined
  throw new TypeError(`${typeof raw} is not a Set or an array`)
}

const marshalers: Record<AttributeKind, Marshaler> = {
  // "" is written as NULL (StringMarshaler.serialize returns nil for an empty string).
  string: {
    cast: (raw) => (raw === undefined || raw === null ? undefined : typeof raw === 'string' ? raw : String(raw)),
    serialize: (v) => (v === '' ? null : v),
  },
  // Ruby's truthiness of text: only false, 'false', '0' and 0 are false; nil and '' are nil; anything else is true.
  boolean: {
    cast: (raw) => (blank(raw) ? undefined : !(raw === false || raw === 'false' || raw === '0' || raw === 0)),
    serialize: (v) => v,
  },
  integer: { cast: (raw) => (blank(raw) ? undefined : rubyToI(raw)), serialize: (v) => v },
  counter: { cast: (raw) => (blank(raw) ? undefined : rubyToI(raw)), serialize: (v) => v },
  float: { cast: (raw) => (blank(raw) ? undefined : rubyToF(raw)), serialize: (v) => v },
  // A calendar date, held as UTC midnight; written YYYY-MM-DD.
  date: {
    cast: (raw) => {
      if (blank(raw)) return undefined
      if (typeof raw === 'string' && /^\s*\d{4}-\d{2}-\d{2}/.test(raw)) {
        // The date as written, whatever zone follows it (aws-record: Date.parse keeps the written date).
        return new Date(`${raw.trim().slice(0, 10)}T00:00:00Z`)
      }
      const d = toDate(raw, 'utc')!
      return new Date(`${utcSeconds(d).slice(0, 10)}T00:00:00Z`)
    },
    serialize: (v) => utcSeconds(v as Date).slice(0, 10),
  },
  // UTC, seconds truncated, "+00:00" (DateTime#iso8601), zone-less text taken as UTC.
  datetime: {
    cast: (raw) => toDate(raw, 'utc'),
    serialize: (v) => `${utcSeconds(v as Date)}+00:00`,
  },
  // UTC, seconds truncated, "Z" (Time#iso8601), zone-less text taken as the process's local time.
  time: {
    cast: (raw) => toDate(raw, 'local'),
    serialize: (v) => `${utcSeconds(v as Date)}Z`,
  },
  // Whole epoch seconds, floored (Time#to_i).
  epochTime: {
    cast: (raw) => toDate(raw, 'utc'),
    serialize: (v) => Math.floor((v as Date).getTime() / 1000),
  },
  // An array, or anything iterable that is not text (Ruby's to_a: a Set becomes its members, a String is refused).
  list: {
    cast: (raw) => {
      if (raw === undefined || raw === null) return undefined
      if (Array.isArray(raw)) return raw
      if (raw instanceof Set || raw instanceof Map) return [...raw]
      throw new TypeError(`${typeof raw === 'string' ? 'a string' : typeof raw} is not a list (give an array)`)
    },
    serialize: (v) => v,
  },
  map: {
    cast: (raw) => {
      if (raw === undefined || raw === null) return undefined
      if (raw instanceof Map) return Object.fromEntries(raw)
      if (typeof raw === 'object' && !Array.isArray(raw)) return raw
      throw new TypeError(`${Array.isArray(raw) ? 'an array' : typeof raw} is not a map`)
    },
    serialize: (v) => v,
  },
  // A missing or NULL set is unset (the item's getter shows it as an empty Set); an empty Set is written as NULL.
  stringSet: {
    cast: (raw) => toSet(raw, (e) => (typeof e === 'string' ? e : String(e))),
    serialize: (v) => ((v as Set<unknown>).size === 0 ? null : v),
  },
  // Declaring one works (aws-record 2.15 raises ArgumentError on numeric_set_attr, issue #162).
  numericSet: {
    cast: (raw) => toSet(raw, rubyToF),
    serialize: (v) => ((v as Set<unknown>).size === 0 ? null : v),
  },
}

/** The marshaler of a kind. */
export function marshalerFor(kind: AttributeKind): Marshaler {
  return marshalers[kind]
}

/** A deep copy for defaults and dirty snapshots (Sets, Maps, Dates and plain data). */
export function deepCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Date) return new Date(value.getTime()) as T
  if (value instanceof Set) return new Set([...value].map(deepCopy)) as T
  if (Array.isArray(value)) return value.map(deepCopy) as T
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, deepCopy(v)])) as T
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(value)) out[k] = deepCopy((value as Record<string, unknown>)[k])
  return out as T
}

/** Value equality for dirty tracking (aws-record compares with Ruby's ==: Sets by members, Dates by time). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Number.isNaN(a) && Number.isNaN(b)
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || a.size !== b.size) return false
    for (const x of a) if (!b.has(x)) return false
    return true
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false
    return a.every((x, i) => sameValue(x, b[i]))
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}
