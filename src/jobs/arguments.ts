// Job arguments to and from ActiveJob's JSON form, so Rails and this project can share a queue both ways.
import { UnsupportedArgumentError } from '../errors.js'
import { setOwnKey } from './own-key.js'

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
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(obj)) {
      const v = (obj as Record<string, unknown>)[k]
      if (k.startsWith('_aj_')) reject(`${path}.${k}`, 'keys starting with "_aj_" are reserved by ActiveJob')
      if (v === undefined) continue // as JSON.stringify does for object properties
      setOwnKey(out, k, serialize(v, `${path}.${k}`, seen))
    }
    return out
  } finally {
    seen.delete(obj)
  }
}

/**
 * Reads arguments from a message, accepting what Rails' ActiveJob writes: Ruby-only hash markers are stripped,
 * Time/TimeWithZone/DateTime become `Date`, Date becomes `YYYY-MM-DD`, Symbol becomes a string. Any other
 * `_aj_*` form (GlobalID records, BigDecimal, Duration, custom serializers) is an "unsupported argument" error.
 *
 * Arrays and objects that need no change are passed on as they are, not copied: a message's parsed JSON belongs to
 * the run that parsed it, and copying it would be most of a job's allocation.
 */
export function deserializeArguments(args: readonly unknown[]): JobArgument[] {
  let out: unknown[] | undefined
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === null || typeof a !== 'object') continue
    let d: unknown
    try {
      d = deserialize(a, 1)
    } catch (failure) {
      throw failure instanceof ArgumentFailure ? failure.at(i) : failure
    }
    if (d !== a) (out ??= args.slice())[i] = d
  }
  return (out ?? args) as JobArgument[]
}

/**
 * Deepest nesting of arrays/objects read from a message. Ruby's JSON.generate stops at 100 (max_nesting), so Rails
 * never sends more; a hostile message nested 100k deep would otherwise overflow the stack (a 500 instead of a 400).
 */
export const MAX_ARGUMENT_DEPTH = 512

/**
 * A value that cannot be read. Each container it sits in adds its key while the failure unwinds, so a path
 * (`arguments[1].tags[0]`) is only built for a message that fails, never for every nested value of every message.
 */
class ArgumentFailure {
  /** Keys from the failing value outwards. */
  readonly keys: Array<string | number> = []
  constructor(
    readonly why: string,
    key?: string,
  ) {
    if (key !== undefined) this.keys.push(key)
  }

  /** The error, once the argument's index is known. */
  at(index: number): Error {
    this.keys.push(index)
    let path = 'arguments'
    for (let i = this.keys.length - 1; i >= 0; i--) {
      const k = this.keys[i]!
      path += typeof k === 'number' ? `[${k}]` : `.${k}`
    }
    return new UnsupportedArgumentError(`${path.length > 80 ? `${path.slice(0, 80)}…` : path}: ${this.why}`)
  }
}

/** Marks a hash marker key in {@link deserialize}: the key is left out. */
const LEAVE_OUT = Symbol('leave out')

/** A container (array or object) of the arguments, or the same one when nothing in it changes. */
function deserialize(value: object, depth: number): unknown {
  if (depth > MAX_ARGUMENT_DEPTH) throw new ArgumentFailure(`nested more than ${MAX_ARGUMENT_DEPTH} levels deep`)
  if (Array.isArray(value)) {
    let out: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i]
      if (v === null || typeof v !== 'object') continue
      const d = inner(v, i, depth)
      if (d !== v) (out ??= value.slice())[i] = d
    }
    return out ?? value
  }
  const obj = value as Record<string, unknown>
  if ('_aj_serialized' in obj) return fromSerializer(obj)
  if ('_aj_globalid' in obj) {
    throw new ArgumentFailure(`a GlobalID (${String(obj._aj_globalid)}) refers to a Ruby record; send its id instead`)
  }
  // Copied from the first key that changes or goes (Rails marks every hash with symbol keys); until then, shared.
  let out: Record<string, unknown> | undefined
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) continue
    const v = obj[k]
    let d: unknown = v
    if (HASH_MARKERS.has(k)) d = LEAVE_OUT
    else if (k.startsWith('_aj_')) throw new ArgumentFailure(`the ActiveJob form "${k}" is not supported`, k)
    else if (v !== null && typeof v === 'object') d = inner(v, k, depth)
    if (out === undefined) {
      if (d === v) continue
      out = keysBefore(obj, k)
    }
    if (d !== LEAVE_OUT) setOwnKey(out, k, d)
  }
  return out ?? obj
}

/** A nested container; a failure inside it learns the key it sits under. */
function inner(value: object, key: string | number, depth: number): unknown {
  try {
    return deserialize(value, depth + 1)
  } catch (failure) {
    if (failure instanceof ArgumentFailure) failure.keys.push(key)
    throw failure
  }
}

/** A new object with the keys of `obj` that come before `stop`. */
function keysBefore(obj: Record<string, unknown>, stop: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k in obj) {
    if (k === stop) break
    if (Object.hasOwn(obj, k)) setOwnKey(out, k, obj[k])
  }
  return out
}

function fromSerializer(obj: Record<string, unknown>): JobArgument {
  const kind = obj._aj_serialized
  const raw = obj.value
  if (typeof kind === 'string' && TIME_SERIALIZERS.has(kind)) {
    const d = typeof raw === 'string' && isIsoTime(raw) ? new Date(raw) : new Date(Number.NaN)
    if (Number.isNaN(d.getTime())) fail(`${kind} value ${JSON.stringify(raw)} is not an ISO-8601 time`)
    return d
  }
  if (kind === DATE_SERIALIZER) {
    if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) fail(`${kind} value ${JSON.stringify(raw)} is not YYYY-MM-DD`)
    return raw as string
  }
  if (kind === SYMBOL_SERIALIZER) {
    if (typeof raw !== 'string') fail(`${kind} value ${JSON.stringify(raw)} is not a string`)
    return raw as string
  }
  return fail(`the ActiveJob serializer ${JSON.stringify(kind)} is not supported (supported: Time, TimeWithZone, DateTime, Date, Symbol)`)
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/

/**
 * True for an ISO-8601 date-time with a zone, as Ruby's `Time#iso8601` writes it (and `Time.iso8601` reads it).
 * `Date.parse` alone also takes "June 1, 2025" or a zone-less "2025-06-01 14:00" in local time.
 */
export function isIsoTime(text: string): boolean {
  return ISO_TIME.test(text) && !Number.isNaN(Date.parse(text))
}

let lastMs = Number.NaN
let lastIso = ''

/** ISO-8601 with nine fractional digits, as Rails 7.1+ writes times. */
export function isoNanos(d: Date): string {
  // Jobs enqueued together share their millisecond (every envelope's enqueued_at): the text is made once for it.
  const ms = d.getTime()
  if (ms !== lastMs) {
    lastIso = `${d.toISOString().slice(0, -1)}000000Z` // toISOString always ends in ".sssZ"
    lastMs = ms
  }
  return lastIso
}

function fail(why: string): never {
  throw new ArgumentFailure(why)
}

function reject(path: string, why: string): never {
  throw new UnsupportedArgumentError(`${path}: ${why}`)
}
