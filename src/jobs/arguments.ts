// Job arguments to and from ActiveJob's JSON form, so Rails and this project can share a queue both ways.
import { UnsupportedArgumentError } from '../errors.js'

/** A value that travels in a job message: JSON, plus `Date` (sent as ActiveJob's Time form). */
export type JobArgument = string | number | boolean | null | Date | readonly JobArgument[] | { readonly [key: string]: JobArgument | undefined }

const TIME_SERIALIZERS = new Set([
  'ActiveJob::Serializers::TimeSerializer',
  'ActiveJob::Serializers::TimeWithZoneSerializer',
  'ActiveJob::Serializers::DateTimeSerializer',
])
const DATE_SERIALIZER = 'ActiveJob::Serializers::DateSerializer'
const SYMBOL_SERIALIZER = 'ActiveJob::Serializers::SymbolSerializer'
/** Markers Rails adds to hashes; they carry Ruby-only meaning (symbol keys, kwargs, indifferent access). */
const HASH_MARKERS = new Set(['_aj_symbol_keys', '_aj_ruby2_keywords', '_aj_hash_with_indifferent_access'])

/**
 * Serializes arguments for a message. Anything JSON cannot carry faithfully (undefined in arrays, functions,
 * symbols, BigInt, NaN/Infinity, class instances other than Date, Map/Set, cycles, keys starting `_aj_`) is
 * rejected with the argument's path, before anything is sent.
 */
export function serializeArguments(args: readonly unknown[]): unknown[] {
  const seen = new Set<object>()
  return args.map((a, i) => serialize(a, `arguments[${i}]`, seen))
}

function serialize(value: unknown, path: string, seen: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      if (!Number.isFinite(value)) reject(path, `${value} is not a finite number`)
      return value
    case 'undefined':
      return reject(path, 'undefined cannot be sent (use null)')
    case 'bigint':
      return reject(path, 'a BigInt cannot be sent as JSON (send it as a string)')
    case 'function':
      return reject(path, 'a function cannot be sent')
    case 'symbol':
      return reject(path, 'a Symbol cannot be sent (send its description as a string)')
  }
  if (value === null) return null
  const obj = value as object
  if (obj instanceof Date) {
    if (Number.isNaN(obj.getTime())) reject(path, 'an invalid Date cannot be sent')
    return { _aj_serialized: 'ActiveJob::Serializers::TimeSerializer', value: isoNanos(obj) }
  }
  if (seen.has(obj)) reject(path, 'a circular reference cannot be sent')
  seen.add(obj)
  try {
    // By index, not map(): map() skips the holes of a sparse array, which JSON would then send as null.
    if (Array.isArray(obj)) return Array.from({ length: obj.length }, (_, i) => serialize(obj[i], `${path}[${i}]`, seen))
    const proto = Object.getPrototypeOf(obj)
    if (proto !== Object.prototype && proto !== null) {
      const name = (obj.constructor as { name?: string } | undefined)?.name ?? 'object'
      reject(path, `an instance of ${name} cannot be sent (pass plain data and rebuild it in perform)`)
    }
    const entries: [string, unknown][] = []
    for (const [k, v] of Object.entries(obj)) {
      if (k.startsWith('_aj_')) reject(`${path}.${k}`, 'keys starting with "_aj_" are reserved by ActiveJob')
      if (v === undefined) continue // as JSON.stringify does for object properties
      entries.push([k, serialize(v, `${path}.${k}`, seen)])
    }
    return Object.fromEntries(entries)
  } finally {
    seen.delete(obj)
  }
}

/**
 * Reads arguments from a message, accepting what Rails' ActiveJob writes: Ruby-only hash markers are stripped,
 * Time/TimeWithZone/DateTime become `Date`, Date becomes `YYYY-MM-DD`, Symbol becomes a string. Any other
 * `_aj_*` form (GlobalID records, BigDecimal, Duration, custom serializers) is an "unsupported argument" error.
 */
export function deserializeArguments(args: readonly unknown[]): JobArgument[] {
  return args.map((a, i) => (a === null || typeof a !== 'object' ? (a as JobArgument) : deserialize(a, new ArgPath(undefined, i), 1)))
}

/**
 * Deepest nesting of arrays/objects read from a message. Ruby's JSON.generate stops at 100 (max_nesting), so Rails
 * never sends more; a hostile message nested 100k deep would otherwise overflow the stack (a 500 instead of a 400).
 */
export const MAX_ARGUMENT_DEPTH = 512

/**
 * Where a value sits in the arguments (`arguments[1].tags[0]`), rendered only for an error message: building the
 * text for every nested value of every message was a measurable share of the worker's time per request.
 */
class ArgPath {
  constructor(
    readonly parent: ArgPath | undefined,
    readonly key: string | number,
  ) {}

  toString(): string {
    const keys: Array<string | number> = []
    for (let p: ArgPath | undefined = this; p; p = p.parent) keys.push(p.key)
    let text = 'arguments'
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!
      text += typeof k === 'number' ? `[${k}]` : `.${k}`
    }
    return text
  }
}

/** A container (array or object) of the arguments; primitives never get here (nor get an ArgPath). */
function deserialize(value: object, path: ArgPath, depth: number): JobArgument {
  if (depth > MAX_ARGUMENT_DEPTH) {
    const at = String(path)
    reject(at.length > 80 ? `${at.slice(0, 80)}…` : at, `nested more than ${MAX_ARGUMENT_DEPTH} levels deep`)
  }
  if (Array.isArray(value)) {
    const out: JobArgument[] = new Array(value.length)
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i]
      out[i] = v === null || typeof v !== 'object' ? (v as JobArgument) : deserialize(v, new ArgPath(path, i), depth + 1)
    }
    return out
  }
  const obj = value as Record<string, unknown>
  if ('_aj_serialized' in obj) return fromSerializer(obj, String(path))
  if ('_aj_globalid' in obj) {
    return reject(String(path), `a GlobalID (${String(obj._aj_globalid)}) refers to a Ruby record; send its id instead`)
  }
  const entries: [string, JobArgument][] = []
  for (const k in obj) {
    if (!Object.hasOwn(obj, k) || HASH_MARKERS.has(k)) continue
    if (k.startsWith('_aj_')) reject(`${String(path)}.${k}`, `the ActiveJob form "${k}" is not supported`)
    const v = obj[k]
    entries.push([k, v === null || typeof v !== 'object' ? (v as JobArgument) : deserialize(v, new ArgPath(path, k), depth + 1)])
  }
  return Object.fromEntries(entries)
}

function fromSerializer(obj: Record<string, unknown>, path: string): JobArgument {
  const kind = obj._aj_serialized
  const raw = obj.value
  if (typeof kind === 'string' && TIME_SERIALIZERS.has(kind)) {
    const d = typeof raw === 'string' && isIsoTime(raw) ? new Date(raw) : new Date(Number.NaN)
    if (Number.isNaN(d.getTime())) reject(path, `${kind} value ${JSON.stringify(raw)} is not an ISO-8601 time`)
    return d
  }
  if (kind === DATE_SERIALIZER) {
    if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) reject(path, `${kind} value ${JSON.stringify(raw)} is not YYYY-MM-DD`)
    return raw as string
  }
  if (kind === SYMBOL_SERIALIZER) {
    if (typeof raw !== 'string') reject(path, `${kind} value ${JSON.stringify(raw)} is not a string`)
    return raw as string
  }
  return reject(path, `the ActiveJob serializer ${JSON.stringify(kind)} is not supported (supported: Time, TimeWithZone, DateTime, Date, Symbol)`)
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/

/**
 * True for an ISO-8601 date-time with a zone, as Ruby's `Time#iso8601` writes it (and `Time.iso8601` reads it).
 * `Date.parse` alone also takes "June 1, 2025" or a zone-less "2025-06-01 14:00" in local time.
 */
export function isIsoTime(text: string): boolean {
  return ISO_TIME.test(text) && !Number.isNaN(Date.parse(text))
}

/** ISO-8601 with nine fractional digits, as Rails 7.1+ writes times. */
export function isoNanos(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')
}

function reject(path: string, why: string): never {
  throw new UnsupportedArgumentError(`${path}: ${why}`)
}
