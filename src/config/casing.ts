// Code options are camelCase (`maxStale`); YAML keys and ENV names keep the Rails gems' snake_case (`max_stale`).
// Option specs are keyed by the snake_case name, so code options are turned into those keys before loading.

/** `max_stale` → `maxStale`, as a type. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S

/** `T` with its snake_case keys in camelCase. */
export type CamelCaseKeys<T> = { [K in keyof T as K extends string ? CamelCase<K> : K]: T[K] }

/** `max_stale` → `maxStale`. */
export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

/** `maxStale` → `max_stale`. */
export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}

/**
 * Code options under the spec's snake_case keys: a camelCase key of the spec (`maxStale`) becomes its snake_case
 * key (`max_stale`) and wins over that key given as well; other keys pass through. `snakeCaseKeys` lists the
 * multi-word spec keys code gave in snake_case (the spelling before camelCase), for the caller to warn about.
 */
export function fromCamelCaseOptions(
  spec: Readonly<Record<string, unknown>>,
  options: Readonly<Record<string, unknown>>,
): { code: Record<string, unknown>; snakeCaseKeys: string[] } {
  const code: Record<string, unknown> = {}
  const snakeCaseKeys: string[] = []
  for (const [key, value] of Object.entries(options)) {
    const snake = snakeCase(key)
    if (snake !== key && Object.hasOwn(spec, snake)) {
      if (value !== undefined) code[snake] = value
    } else {
      if (key.includes('_') && Object.hasOwn(spec, key) && value !== undefined) snakeCaseKeys.push(key)
      if (!(key in code) || code[key] === undefined) code[key] = value
    }
  }
  return { code, snakeCaseKeys }
}
