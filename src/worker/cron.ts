// The worker's cron.yaml: validated at start-up against the registry and the allowlist (a task that could never run
// stops start-up), and each task logged with where it goes.
import { existsSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import { loadCronYaml, type CronEntry } from '../config/index.js'
import type { JobAllowlist, JobRegistry } from '../jobs/index.js'

/** Where the worker's cron.yaml is and what its tasks are checked against. */
export interface WorkerCronSource {
  /** `cron_file`, relative to `cwd` unless absolute. */
  file: string
  /** True when the file was named in code: then it must exist, even under the default name. */
  explicit: boolean
  cwd: string
  /** The worker's path: tasks posting there run registered jobs. */
  workerPath: string
  registry: JobRegistry
  allowlist: JobAllowlist | undefined
}

/** The validated entries; none when the default `cron.yaml` is absent. Throws `CronYamlError` for a bad file. */
export function readWorkerCron(log: FastifyBaseLogger, source: WorkerCronSource): CronEntry[] {
  const { file, cwd, workerPath, registry, allowlist } = source
  const path = isAbsolute(file) ? file : join(cwd, file)
  if (!source.explicit && file === 'cron.yaml' && !existsSync(path)) return []
  const entries = loadCronYaml(path, { workerPath, registry, allowlist })
  for (const e of entries) {
    if (e.url === workerPath) log.info({ task: e.name, schedule: e.schedule }, 'Periodic task runs job')
    else log.info({ task: e.name, url: e.url }, "Periodic task posts to another path; the app's own route handles it")
  }
  return entries
}
