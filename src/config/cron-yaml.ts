// cron.yaml (EB periodic tasks): read, validated against the job registry and allowlist, and scheduled in UTC.
// Here in config, where the worker tier (which runs the tasks) and the sqsd daemon (which fires them) both read it.
import { readFileSync } from 'node:fs'
import { CronExpressionParser } from 'cron-parser'
import yaml from 'js-yaml'
import { CronYamlError } from '../errors.js'
import { yamlExpansionProblem } from './yaml-file.js'

/** One cron.yaml entry. */
export interface CronEntry {
  /** The task name; for entries on the worker path, the registered job run by the task. */
  name: string
  /** Path sqsd POSTs to. */
  url: string
  /** Standard 5-field cron expression, UTC. */
  schedule: string
  /** 1-based line of the entry in the file, for messages. */
  line: number
}

/** How to validate a cron.yaml. */
export interface CronYamlCheck {
  /** Entries whose url is this path must name a registered job (default `/`). */
  workerPath?: string
  /** Registry to check names against (a JobRegistry: `has` for registered, `allows` for its own allowlist); omit to skip that check. */
  registry?: { has(name: string): boolean; allows?(name: string): boolean }
  /** `job_class_allowlist`: a task on the worker path must also be allowed to run (undefined: every job is). */
  allowlist?: ReadonlySet<string> | undefined
}

/** Reads and validates a cron.yaml file; see {@link parseCronYaml}. */
export function loadCronYaml(path: string, check: CronYamlCheck = {}): CronEntry[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new CronYamlError(`${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`)
  }
  return parseCronYaml(text, path, check)
}

/**
 * Parses cron.yaml text: `version: 1`, a `cron:` list of `{ name, url, schedule }`, unique names, valid
 * 5-field schedules, and (with a registry) every entry on the worker path naming a registered job. The first
 * violation throws a {@link CronYamlError} naming the file, the line and the entry.
 */
export function parseCronYaml(text: string, file: string, check: CronYamlCheck = {}): CronEntry[] {
  let doc: unknown
  try {
    doc = yaml.load(text, { filename: file, schema: yaml.CORE_SCHEMA })
  } catch (err) {
    throw new CronYamlError(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`)
  }
  const expansion = yamlExpansionProblem(doc)
  if (expansion !== undefined) throw new CronYamlError(`${file}: ${expansion}.`)
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new CronYamlError(`${file}: expected a mapping with "version: 1" and a "cron:" list.`)
  }
  const top = doc as Record<string, unknown>
  if (top.version !== 1 && top.version !== '1') {
    throw new CronYamlError(`${file}: "version" must be 1 (got ${JSON.stringify(top.version)}).`)
  }
  if (!Array.isArray(top.cron)) throw new CronYamlError(`${file}: "cron" must be a list of tasks.`)

  const lines = entryLines(text)
  const seen = new Map<string, number>()
  const workerPath = check.workerPath ?? '/'
  return top.cron.map((raw: unknown, i: number) => {
    const line = lines[i] ?? 0
    const where = `${file}:${line} (cron entry ${i + 1})`
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new CronYamlError(`${where}: each entry must be a mapping with name, url and schedule.`)
    }
    const e = raw as Record<string, unknown>
    for (const key of Object.keys(e)) {
      if (key !== 'name' && key !== 'url' && key !== 'schedule') {
        throw new CronYamlError(`${where}: unknown key "${key}" (allowed: name, url, schedule).`)
      }
    }
    for (const key of ['name', 'url', 'schedule'] as const) {
      if (typeof e[key] !== 'string' || (e[key] as string).trim() === '') {
        throw new CronYamlError(`${where}: "${key}" is missing or not a string.`)
      }
    }
    const entry: CronEntry = { name: e.name as string, url: e.url as string, schedule: (e.schedule as string).trim(), line }
    const at = `${file}:${line} (cron entry "${entry.name}")`
    const previous = seen.get(entry.name)
    if (previous !== undefined) throw new CronYamlError(`${at}: the name is already used on line ${previous}; names must be unique.`)
    seen.set(entry.name, line)
    if (!entry.url.startsWith('/')) throw new CronYamlError(`${at}: url must be a path starting with "/" (got ${JSON.stringify(entry.url)}).`)
    const problem = scheduleProblem(entry.schedule)
    if (problem) throw new CronYamlError(`${at}: schedule ${JSON.stringify(entry.schedule)} is invalid: ${problem}.`)
    if (check.registry && entry.url === workerPath && !check.registry.has(entry.name)) {
      throw new CronYamlError(
        `${at}: no job is registered under "${entry.name}". Register a job with that jobName, or fix the name (it is case-sensitive).`,
      )
    }
    const allowed =
      (!check.allowlist || check.allowlist.has(entry.name)) && (check.registry?.allows?.(entry.name) ?? true)
    if (entry.url === workerPath && !allowed) {
      throw new CronYamlError(
        `${at}: job "${entry.name}" is registered but not in job_class_allowlist, so the worker would refuse every run of this task. Add it to the allowlist, or remove the task.`,
      )
    }
    return entry
  })
}

/** Why a schedule is not a valid standard 5-field expression, or undefined when it is. */
export function scheduleProblem(schedule: string): string | undefined {
  const fields = schedule.split(/\s+/)
  if (fields.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`
  try {
    CronExpressionParser.parse(schedule, { tz: 'UTC' })
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

/** The next time `schedule` fires strictly after `after`, in UTC. */
export function nextFireTime(schedule: string, after: Date): Date {
  return CronExpressionParser.parse(schedule, { tz: 'UTC', currentDate: after }).next().toDate()
}

/** 1-based line numbers of the list items under `cron:`, in order (best effort, for messages). */
function entryLines(text: string): number[] {
  const out: number[] = []
  const rows = text.split('\n')
  let inCron = false
  let itemIndent = -1
  rows.forEach((row, i) => {
    if (/^cron\s*:/.test(row)) {
      inCron = true
      return
    }
    if (!inCron) return
    if (/^\S/.test(row) && !row.startsWith('#') && !row.startsWith('-')) {
      inCron = false
      return
    }
    const m = /^(\s*)-\s/.exec(row) ?? /^(\s*)-$/.exec(row)
    if (m) {
      const indent = m[1]!.length
      if (itemIndent < 0) itemIndent = indent
      if (indent === itemIndent) out.push(i + 1)
    }
  })
  return out
}
