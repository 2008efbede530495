/**
 * Option specifications: what a part accepts, how each value is parsed from ENV/YAML, and its default.
 * A part declares its options once with {@link defineOptions}; {@link loadConfig} resolves them.
 */

/** How a value arriving as text (ENV) or YAML scalar is read. */
export type OptionKind = 'string' | 'integer' | 'number' | 'boolean' | 'list' | 'enum' | 'map' | 'code'

/** One option of a part. `T` is the resolved value type. */
export interface OptionSpec<T> {
  readonly kind: OptionKind
  /** What the option does, for error messages and generated docs. */
  readonly description: string
  /** Value when no source sets it. */
  readonly default?: T
  /** ENV name without the part's prefix; defaults to the key upper-cased. `false`: not settable from ENV. */
  readonly env?: string | false
  /**
   * Full ENV names read, in order, when the part's own name is unset: another tool's name for the same setting
   * (`RAILS_MASTER_KEY`), so an app can share an environment with it.
   */
  readonly envAlso?: readonly string[]
  /** Not readable from YAML (secrets, functions, clients). */
  readonly yaml?: boolean
  /** For integers and numbers. */
  readonly min?: number
  readonly max?: number
  /** For `enum`. */
  readonly values?: readonly string[]
  /** Parse a raw value; throws a string describing what was expected. */
  readonly parse: (raw: unknown) => T
  /** Phrase for "expected ..." in errors. */
  readonly expected: string
}

/** The resolved values of a set of options. */
export type OptionValues<S> = {
  [K in keyof S]: S[K] extends OptionSpec<infer T> ? (S[K] extends { default: unknown } ? T : T | undefined) : never
}

/** Partial values as code may give them. */
export type OptionInput<S> = { [K in keyof S]?: S[K] extends OptionSpec<infer T> ? T : never }

type Common<T> = { description: string; env?: string | false; envAlso?: readonly string[]; yaml?: boolean; default?: T }

class Expected extends Error {}
const fail = (what: string): never => {
  throw new Expected(what)
}

function text(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw.trim()
  return undefined
}

/** Builders for option specs. Each returns a spec whose `default` type is kept for {@link OptionValues}. */
export const option = {
  string<D extends string | undefined = undefined>(o: Common<string> & { default?: D; nonEmpty?: boolean }) {
    const expected = o.nonEmpty === false ? 'a string' : 'a non-empty string'
    return spec<string, D>('string', o, expected, (raw) => {
      if (typeof raw === 'number') raw = String(raw)
      if (typeof raw !== 'string') return fail(expected)
      if (o.nonEmpty !== false && raw.trim() === '') return fail(expected)
      return raw
    })
  },
  integer<D extends number | undefined = undefined>(o: Common<number> & { default?: D; min?: number; max?: number }) {
    const expected = range('an integer', o.min, o.max)
    return spec<number, D>('integer', o, expected, (raw) => {
      const s = typeof raw === 'number' ? String(raw) : text(raw)
      if (s === undefined || !/^-?\d+$/.test(s)) return fail(expected)
      const n = Number(s)
      if (!Number.isSafeInteger(n) || (o.min !== undefined && n < o.min) || (o.max !== undefined && n > o.max)) return fail(expected)
      return n
    }, { min: o.min, max: o.max })
  },
  number<D extends number | undefined = undefined>(o: Common<number> & { default?: D; min?: number; max?: number }) {
    const expected = range('a number', o.min, o.max)
    return spec<number, D>('number', o, expected, (raw) => {
      const s = typeof raw === 'number' ? String(raw) : text(raw)
      if (s === undefined || s === '' || !Number.isFinite(Number(s))) return fail(expected)
      const n = Number(s)
      if ((o.min !== undefined && n < o.min) || (o.max !== undefined && n > o.max)) return fail(expected)
      return n
    }, { min: o.min, max: o.max })
  },
  /**
   * `true`/`1` or `false`/`0` (true/false in any case); anything else (`yes`, `on`, `off`, ...) is an error, never
   * "present = true". One rule for every boolean, strict because some of these variables are shared with Rails apps
   * (AWS_PROCESS_BEANSTALK_WORKER_REQUESTS): a value each side could read differently is refused at start-up.
   * An empty ENV value counts as unset.
   */
  boolean<D extends boolean | undefined = undefined>(o: Common<boolean> & { default?: D }) {
    const expected = 'true or false (also 1/0)'
    return spec<boolean, D>('boolean', o, expected, (raw) => {
      if (typeof raw === 'boolean') return raw
      const s = typeof raw === 'number' ? String(raw) : text(raw)?.toLowerCase()
      if (s === 'true' || s === '1') return true
      if (s === 'false' || s === '0') return false
      return fail(expected)
    })
  },
  /** A list of strings: a YAML sequence, or comma-separated text in ENV. */
  list<D extends readonly string[] | undefined = undefined>(o: Common<readonly string[]> & { default?: D }) {
    const expected = 'a list of strings (comma-separated in ENV)'
    return spec<readonly string[], D>('list', o, expected, (raw) => {
      if (typeof raw === 'string') return raw.split(',').map((s) => s.trim()).filter(Boolean)
      if (Array.isArray(raw) && raw.every((v) => typeof v === 'string' || typeof v === 'number')) return raw.map(String)
      return fail(expected)
    })
  },
  enum<V extends string, D extends V | undefined = undefined>(o: Common<V> & { values: readonly V[]; default?: D }) {
    const expected = `one of ${o.values.join(', ')}`
    return spec<V, D>('enum', o, expected, (raw) => {
      const s = text(raw)
      if (s === undefined || !(o.values as readonly string[]).includes(s)) return fail(expected)
      return s as V
    }, { values: o.values })
  },
  /** A YAML mapping (or code object) whose values are checked by `parseEntry`; not settable from ENV as a whole. */
  map<T, D extends Readonly<Record<string, T>> | undefined = undefined>(
    o: Common<Readonly<Record<string, T>>> & { default?: D; entry: string; parseEntry: (raw: unknown, key: string) => T },
  ) {
    const expected = `a mapping of name to ${o.entry}`
    return spec<Readonly<Record<string, T>>, D>('map', { ...o, env: o.env ?? false }, expected, (raw) => {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail(expected)
      const out = Object.create(null) as Record<string, T>
      for (const [k, v] of Object.entries(raw)) {
        try {
          out[k] = o.parseEntry(v, k)
        } catch (err) {
          return fail(`${k}: ${err instanceof Error ? err.message : String(err)}`)
        }
      }
      return out
    })
  },
  /**
   * A value with a grammar of its own (an address list): `read` returns it or throws an Error whose message completes
   * "expected ..." and may name the part that is wrong.
   */
  custom<T, D extends T | undefined = undefined>(o: Common<T> & { default?: D; expected: string; read: (raw: unknown) => T }) {
    return spec<T, D>('string', o, o.expected, (raw) => {
      try {
        return o.read(raw)
      } catch (err) {
        return fail(err instanceof Error ? err.message : o.expected)
      }
    })
  },
  /** A value only code can give (a client, a function, a logger). */
  code<T>(o: { description: string; check?: (v: unknown) => v is T; expected?: string }) {
    const expected = o.expected ?? 'a value given in code'
    return spec<T, undefined>('code', { description: o.description, env: false, yaml: false }, expected, (raw) => {
      if (o.check && !o.check(raw)) return fail(expected)
      return raw as T
    })
  },
}

function range(base: string, min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `${base} from ${min} to ${max}`
  if (min !== undefined) return `${base} >= ${min}`
  if (max !== undefined) return `${base} <= ${max}`
  return base
}

function spec<T, D>(
  kind: OptionKind,
  o: Common<T> & { default?: D },
  expected: string,
  parse: (raw: unknown) => T,
  extra: Partial<Pick<OptionSpec<T>, 'min' | 'max' | 'values'>> = {},
): OptionSpec<T> & (D extends undefined ? object : { default: T }) {
  const s: OptionSpec<T> = {
    kind,
    description: o.description,
    ...(o.default !== undefined ? { default: o.default as unknown as T } : {}),
    ...(o.env !== undefined ? { env: o.env } : {}),
    ...(o.envAlso !== undefined ? { envAlso: o.envAlso } : {}),
    ...(o.yaml !== undefined ? { yaml: o.yaml } : {}),
    ...extra,
    expected,
    parse,
  }
  return s as OptionSpec<T> & (D extends undefined ? object : { default: T })
}

/** Declares a part's options; returns them unchanged, typed. */
export function defineOptions<S extends Record<string, OptionSpec<unknown>>>(spec: S): S {
  return spec
}

/** True when `err` is the parse failure of an option (its message says what was expected). */
export function isExpectedError(err: unknown): err is Error {
  return err instanceof Expected
}
