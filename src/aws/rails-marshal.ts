// The part of Ruby's Marshal format that Rails writes for a String (what `rails credentials:edit` encrypts), and
// nothing else: any other Ruby object is refused, never interpreted.

/** Thrown when the bytes are not a Marshal-wrapped String we read; the message names what was found, never its content. */
export class MarshalStringError extends Error {}

const MAJOR = 4
const MINOR = 8

/** Ruby's names for Marshal's type bytes, to say what a refused payload holds. */
const RUBY_TYPES: Readonly<Record<string, string>> = {
  '0': 'nil',
  T: 'true',
  F: 'false',
  i: 'Integer',
  l: 'Integer (bignum)',
  f: 'Float',
  ':': 'Symbol',
  ';': 'Symbol (link)',
  '[': 'Array',
  '{': 'Hash',
  '}': 'Hash with a default',
  o: 'Object',
  S: 'Struct',
  u: 'user-serialized object (_dump)',
  U: 'user-serialized object (marshal_dump)',
  c: 'Class',
  m: 'Module',
  M: 'Class or Module',
  '/': 'Regexp',
  e: 'object extended with a module',
  C: 'String subclass',
  '@': 'object link',
  d: 'data object',
}

/** Encodings whose bytes are read as UTF-8 text: UTF-8 itself, and its subsets US-ASCII and binary (ASCII-8BIT). */
const READABLE_ENCODINGS = new Set(['UTF-8', 'US-ASCII', 'ASCII-8BIT', 'BINARY'])

/**
 * Reads `Marshal.dump(string)` as Rails writes it: `04 08`, an optional `I` (instance variables follow), `"`,
 * the length and the bytes, then the encoding: `:E` true (UTF-8) or false (US-ASCII), or `:encoding "NAME"`.
 * Anything else (a Hash, a Symbol, an object, trailing bytes) throws {@link MarshalStringError}.
 */
export function unmarshalString(data: Uint8Array): string {
  const r = new Reader(data)
  const major = r.byte()
  const minor = r.byte()
  if (major !== MAJOR || minor > MINOR) throw new MarshalStringError(`Marshal format ${major}.${minor} is not 4.8`)
  let type = r.char()
  const withIvars = type === 'I'
  if (withIvars) type = r.char()
  if (type !== '"') throw new MarshalStringError(`it holds a Ruby ${RUBY_TYPES[type] ?? `value of Marshal type 0x${type.charCodeAt(0).toString(16)}`}, not a String`)
  const bytes = r.bytes(r.length())
  let encoding = 'ASCII-8BIT'
  if (withIvars) {
    const count = r.length()
    for (let i = 0; i < count; i++) {
      const name = r.symbol()
      if (name === 'E') {
        const flag = r.char()
        if (flag !== 'T' && flag !== 'F') throw new MarshalStringError('its String encoding flag is not true or false')
        encoding = flag === 'T' ? 'UTF-8' : 'US-ASCII'
      } else if (name === 'encoding') {
        if (r.char() !== '"') throw new MarshalStringError('its String encoding name is not a string')
        encoding = Buffer.from(r.bytes(r.length())).toString('latin1')
      } else {
        throw new MarshalStringError('its String carries instance variables other than its encoding')
      }
    }
  }
  if (!r.atEnd()) throw new MarshalStringError('more data follows the String')
  if (!READABLE_ENCODINGS.has(encoding.toUpperCase())) {
    throw new MarshalStringError(`its String is in the ${encoding} encoding; only UTF-8 (and US-ASCII or binary) text is read`)
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    throw new MarshalStringError('its String is not valid UTF-8')
  }
}

/** `Marshal.dump(text)` for a UTF-8 String, byte for byte what Ruby writes. */
export function marshalString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8')
  // 04 08 'I' '"' <len> <bytes> <1 ivar> ':' <len 1> 'E' 'T'
  return Buffer.concat([Buffer.from([MAJOR, MINOR, 0x49, 0x22]), marshalLength(bytes.length), bytes, Buffer.from([0x06, 0x3a, 0x06, 0x45, 0x54])])
}

/** Marshal's encoding of a non-negative integer (`w_long`): small values in one byte, others as 1-4 little-endian bytes. */
export function marshalLength(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 0x3fffffff) throw new RangeError(`length ${n} out of Marshal's range`)
  if (n === 0) return Buffer.from([0])
  if (n < 123) return Buffer.from([n + 5])
  const out: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.push(v & 0xff)
  return Buffer.from([out.length, ...out])
}

class Reader {
  private at = 0
  constructor(private readonly data: Uint8Array) {}

  atEnd(): boolean {
    return this.at === this.data.length
  }

  byte(): number {
    if (this.at >= this.data.length) throw new MarshalStringError('it ends before the String does')
    return this.data[this.at++]!
  }

  char(): string {
    return String.fromCharCode(this.byte())
  }

  bytes(n: number): Uint8Array {
    if (this.at + n > this.data.length) throw new MarshalStringError('it ends before the String does')
    const out = this.data.subarray(this.at, this.at + n)
    this.at += n
    return out
  }

  /** `r_long`, for lengths and counts: negative values are refused. */
  length(): number {
    const c = (this.byte() << 24) >> 24 // signed
    if (c === 0) return 0
    if (c > 4) return c - 5
    if (c < 0) throw new MarshalStringError('it holds a negative length')
    let n = 0
    for (let i = 0; i < c; i++) n += this.byte() * 2 ** (8 * i)
    return n
  }

  /** A Symbol (`:name`); the one String we read has a single instance variable, so no symbol links (`;`) occur. */
  symbol(): string {
    const type = this.char()
    if (type !== ':') throw new MarshalStringError('its String carries instance variables other than its encoding')
    return Buffer.from(this.bytes(this.length())).toString('latin1')
  }
}
