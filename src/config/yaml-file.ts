// Finds and reads a part's YAML file: explicit path, else config/<name>/<NODE_ENV>.yml, else config/<name>.yml.
import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import yaml from 'js-yaml'
import { ConfigError, ConfigFileError } from '../errors.js'

export interface YamlSource {
  /** Path as shown in messages (relative to cwd when inside it). */
  file: string
  data: Record<string, unknown>
}

/** Candidate paths, most specific first. */
export function yamlCandidates(names: readonly string[], cwd: string, nodeEnv: string): string[] {
  const out: string[] = []
  for (const name of names) {
    for (const ext of ['yml', 'yaml']) out.push(join(cwd, 'config', name, `${nodeEnv}.${ext}`))
    for (const ext of ['yml', 'yaml']) out.push(join(cwd, 'config', `${name}.${ext}`))
  }
  return out
}

/** An explicitly named YAML file and what named it (for the error when it is missing). */
export interface ExplicitFile {
  path: string
  /** e.g. `configFile in code` or `AWS_ACTIVE_JOB_SQS_CONFIG_FILE`. */
  by: string
}

/** Reads the explicit file (must exist) or the first candidate that exists; undefined when none does. */
export function readYamlSource(
  explicit: ExplicitFile | undefined,
  names: readonly string[],
  cwd: string,
  nodeEnv: string,
  env: NodeJS.ProcessEnv,
): YamlSource | undefined {
  let path: string | undefined
  if (explicit !== undefined) {
    path = isAbsolute(explicit.path) ? explicit.path : join(cwd, explicit.path)
    if (!existsSync(path)) {
      throw new ConfigFileError(show(path, cwd), `no such file (named by ${explicit.by}; fix the path or unset it)`)
    }
  } else {
    // A part may be configured under two names (the Rails gem's and the seed's); a file under each is a conflict,
    // not a silent preference, since the app and a Rails app beside it might each read the other one.
    const found = names
      .map((name) => yamlCandidates([name], cwd, nodeEnv).find((p) => existsSync(p)))
      .filter((p): p is string => p !== undefined)
    if (found.length > 1) {
      throw new ConfigError(
        `Both ${found.map((p) => show(p, cwd)).join(' and ')} exist: they are two names for the same settings. Keep one (merge the other into it).`,
      )
    }
    path = found[0]
    if (path === undefined) return undefined
  }
  const file = show(path, cwd)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigFileError(file, (err as Error).message)
  }
  let doc: unknown
  try {
    doc = yaml.load(text, { filename: file, schema: SCHEMA })
  } catch (err) {
    throw new ConfigFileError(file, (err as Error).message.split('\n')[0] ?? String(err))
  }
  const expansion = yamlExpansionProblem(doc)
  if (expansion !== undefined) throw new ConfigFileError(file, expansion)
  if (doc === undefined || doc === null) return { file, data: {} }
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigFileError(file, 'the top level must be a mapping of option names to values')
  }
  return { file, data: interpolate(doc as Record<string, unknown>, env, file, '') as Record<string, unknown> }
}

/**
 * YAML 1.2 core types (no timestamps: `2025-01-01` stays a string) plus merge keys, so `<<: *defaults` works as it
 * does in the Ruby gems' YAML files (Psych); without it `<<` was read as a literal, unknown key.
 */
// js-yaml exports its built-in types at runtime (`yaml.types`); @types/js-yaml does not declare them.
const SCHEMA = yaml.CORE_SCHEMA.extend({ implicit: [(yaml as unknown as { types: { merge: yaml.Type } }).types.merge] })

/** The most values a YAML document may hold once its aliases are expanded (a config file has a few hundred). */
export const MAX_YAML_VALUES = 100_000

/**
 * Why a parsed YAML document must be refused, or undefined. js-yaml returns an alias (`*name`) as the very object its
 * anchor made, so nine aliases of nine aliases of ... cost nothing to parse but expand exponentially for whatever walks
 * the tree (a 350-byte file reached 144 MB); and an anchor used inside itself makes a cycle. Counted per distinct
 * object, so the check is linear in the file's size.
 */
export function yamlExpansionProblem(doc: unknown, limit = MAX_YAML_VALUES): string | undefined {
  const sizes = new Map<object, number>()
  const open = new Set<object>()
  const size = (node: unknown): number => {
    if (node === null || typeof node !== 'object') return 1
    const known = sizes.get(node)
    if (known !== undefined) return known
    if (open.has(node)) throw new YamlExpansion('an alias (*name) is used inside its own anchor, so the value never ends')
    open.add(node)
    let total = 1
    for (const child of Object.values(node)) {
      total += size(child)
      if (total > limit) {
        throw new YamlExpansion(
          `it expands to more than ${limit} values through YAML aliases (*name); write the values out or use fewer nested aliases`,
        )
      }
    }
    open.delete(node)
    sizes.set(node, total)
    return total
  }
  try {
    size(doc)
    return undefined
  } catch (err) {
    if (err instanceof YamlExpansion) return err.message
    throw err
  }
}

class YamlExpansion extends Error {}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

/** Replaces `${VAR}` and `${VAR:-default}` in every string scalar. An unset VAR without default is an error. */
export function interpolate(value: unknown, env: NodeJS.ProcessEnv, file: string, path: string): unknown {
  if (typeof value === 'string') {
    return value.replace(VAR, (_m, name: string, fallback: string | undefined) => {
      const v = env[name]
      if (v !== undefined && v !== '') return v
      if (fallback !== undefined) return fallback
      throw new ConfigError(
        `${file}: key "${path}" uses \${${name}}, but ${name} is not set. Set it, or write \${${name}:-default}.`,
      )
    })
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, file, `${path}[${i}]`))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, env, file, path ? `${path}.${k}` : k)]),
    )
  }
  return value
}

function show(path: string, cwd: string): string {
  const rel = relative(cwd, path)
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel
}
