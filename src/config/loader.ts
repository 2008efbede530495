// One precedence rule for every part: code > ENV > YAML (per-environment file first) > defaults.
import { ConfigError } from '../errors.js'
import { isExpectedError, type OptionInput, type OptionSpec, type OptionValues } from './options.js'
import { readYamlSource } from './yaml-file.js'
import { closest } from './did-you-mean.js'

/** Where a part's configuration lives. */
export interface ConfigSource {
  /** YAML base name(s), most preferred first: `config/<name>/<NODE_ENV>.yml`, then `config/<name>.yml`. */
  readonly names: readonly string[]
  /** ENV prefix, e.g. `AWS_ACTIVE_JOB_SQS_`; `<PREFIX>CONFIG_FILE` names an explicit YAML file. */
  readonly envPrefix: string
}

/** Inputs of {@link loadConfig}; all optional. */
export interface LoadConfigOptions<S> {
  /** Values from code: the highest precedence. */
  code?: OptionInput<S> & { configFile?: string }
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv
  /** Directory holding `config/`; defaults to `process.cwd()`. */
  cwd?: string
  /** Defaults to `NODE_ENV`, else `development`. */
  nodeEnv?: string
}

/** Where each resolved value came from. */
export type ValueSource = 'code' | 'env' | 'yaml' | 'default'

/** The result of {@link loadConfig}. */
export interface LoadedConfig<S> {
  values: OptionValues<S>
  /** The YAML file that was read, if any. */
  file: string | undefined
  /** Source of each key that has a value. */
  sources: Partial<Record<keyof S & string, ValueSource>>
  /** YAML data as read (after interpolation), for parts with nested sections of their own. */
  yaml: Readonly<Record<string, unknown>>
  /** The environment name that picked the per-environment files (`nodeEnv`, else `NODE_ENV`, else `development`). */
  nodeEnv: string
}

/** The ENV name of an option. */
export function envName(source: ConfigSource, key: string, spec: OptionSpec<unknown>): string | undefined {
  if (spec.env === false) return undefined
  return source.envPrefix + (spec.env ?? key.toUpperCase())
}

/** Every ENV name an option is read from, in order: its own, then its `envAlso` names. */
export function envNames(source: ConfigSource, key: string, spec: OptionSpec<unknown>): string[] {
  const own = envName(source, key, spec)
  return own === undefined ? [] : [own, ...(spec.envAlso ?? [])]
}

/**
 * Resolves a part's options. Unknown YAML keys, unparsable values and values out of range throw a
 * {@link ConfigError} naming the file or variable, the key, what was expected and what was found.
 */
export function loadConfig<S extends Record<string, OptionSpec<unknown>>>(
  source: ConfigSource,
  spec: S,
  options: LoadConfigOptions<S> = {},
): LoadedConfig<S> {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const nodeEnv = options.nodeEnv ?? nonEmpty(env.NODE_ENV) ?? 'development'
  const code = (options.code ?? {}) as Record<string, unknown>

  const codeFile = typeof code.configFile === 'string' ? code.configFile : undefined
  const envFileName = `${source.envPrefix}CONFIG_FILE`
  const envFile = nonEmpty(env[envFileName])
  const explicit =
    codeFile !== undefined
      ? { path: codeFile, by: 'configFile in code' }
      : envFile !== undefined
        ? { path: envFile, by: envFileName }
        : undefined
  const yamlSource = readYamlSource(explicit, source.names, cwd, nodeEnv, env)
  // Own keys only: "constructor", "toString" or "__proto__" must be unknown, not found on Object.prototype.
  const known = (key: string): OptionSpec<unknown> | undefined => (Object.hasOwn(spec, key) ? spec[key] : undefined)
  const yaml = yamlSource?.data ?? {}

  if (yamlSource) {
    for (const key of Object.keys(yaml)) {
      const s = known(key)
      if (s === undefined || s.yaml === false) {
        const known = Object.keys(spec).filter((k) => spec[k]?.yaml !== false)
        const hint = closest(key, known)
        throw new ConfigError(
          `${yamlSource.file}: unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}. Known keys: ${known.join(', ')}.`,
        )
      }
    }
  }
  for (const key of Object.keys(code)) {
    if (key !== 'configFile' && known(key) === undefined) {
      throw new ConfigError(`Unknown option "${key}" passed in code. Known options: ${Object.keys(spec).join(', ')}.`)
    }
  }

  const values: Record<string, unknown> = {}
  const sources: Record<string, ValueSource> = {}
  for (const [key, s] of Object.entries(spec)) {
    const name = envNames(source, key, s).find((n) => nonEmpty(env[n]) !== undefined)
    const envRaw = name === undefined ? undefined : nonEmpty(env[name])
    if (code[key] !== undefined) {
      values[key] = parseWith(s, code[key], () => `Option "${key}" given in code (${describe(code[key])})`)
      sources[key] = 'code'
    } else if (envRaw !== undefined) {
      values[key] = parseWith(s, envRaw, () => `${name}=${JSON.stringify(envRaw)}`)
      sources[key] = 'env'
    } else if (yamlSource && yaml[key] !== undefined && yaml[key] !== null) {
      values[key] = parseWith(s, yaml[key], () => `${yamlSource.file}: key "${key}" (${JSON.stringify(yaml[key])})`)
      sources[key] = 'yaml'
    } else if (s.default !== undefined) {
      values[key] = s.default
      sources[key] = 'default'
    }
  }
  return {
    values: values as OptionValues<S>,
    file: yamlSource?.file,
    sources: sources as LoadedConfig<S>['sources'],
    yaml,
    nodeEnv,
  }
}

function parseWith(s: OptionSpec<unknown>, raw: unknown, where: () => string): unknown {
  try {
    return s.parse(raw)
  } catch (err) {
    if (isExpectedError(err)) throw new ConfigError(`${where()}: expected ${err.message}.`)
    throw err
  }
}

/** A short, safe rendering of a code value for messages (functions and objects JSON cannot show included). */
function describe(v: unknown): string {
  if (typeof v === 'function') return 'a function'
  if (typeof v === 'bigint') return `${v}n`
  try {
    const json = JSON.stringify(v)
    if (json === undefined) return String(v)
    return json.length > 80 ? `${json.slice(0, 77)}...` : json
  } catch {
    return Object.prototype.toString.call(v)
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v
}
