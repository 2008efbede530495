// Loads the module that registers an app's jobs, for the entry points that start without the app's own code:
// `fastify-aws poll --jobs MODULE` and the ready-made Lambda handler (FASTIFY_AWS_LAMBDA_JOBS_MODULE).
import { existsSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { JobsModuleError } from '../errors.js'
import { defaultRegistry, JobRegistry } from './registry.js'

/** Export names searched, in order, for the function that registers the module's jobs. */
export const REGISTER_EXPORTS = ['default', 'registerJobs', 'registerServiceJobs'] as const

/** Options of {@link loadJobsModule}. */
export interface LoadJobsModuleOptions {
  /** Directory a relative path is resolved against. */
  cwd: string
  /** What named the module, for messages: `--jobs ./jobs.js`, `FASTIFY_AWS_LAMBDA_JOBS_MODULE=dist/jobs.js`. */
  namedBy: string
  /** Registry handed to the module's register function (default: a new one). */
  registry?: JobRegistry
}

/**
 * Imports `spec` (a path relative to `cwd`, an absolute path, or a package name) and returns the registry holding its
 * jobs: the module's register function (a default export, `registerJobs` or `registerServiceJobs`, called with the
 * registry) fills `options.registry`; a module without one may register on import into `defaultRegistry`, which is
 * then returned. A module that cannot be imported, or registers nothing either way, is a {@link JobsModuleError}
 * naming `namedBy` and the fix.
 */
export async function loadJobsModule(spec: string, options: LoadJobsModuleOptions): Promise<JobRegistry> {
  const { namedBy } = options
  // A path (relative to cwd) when it looks like one or such a file exists, else a package name.
  const asPath = isAbsolute(spec) ? spec : resolve(options.cwd, spec)
  const target = spec.startsWith('.') || isAbsolute(spec) || existsSync(asPath) ? pathToFileURL(asPath).href : spec
  const before = defaultRegistry.names().length
  let mod: Record<string, unknown>
  try {
    mod = (await import(target)) as Record<string, unknown>
  } catch (err) {
    throw new JobsModuleError(`${namedBy}: cannot import it (${(err as Error).message}).`)
  }
  const exported = REGISTER_EXPORTS.find((name) => typeof mod[name] === 'function')
  if (exported !== undefined) {
    const registry = options.registry ?? new JobRegistry()
    await (mod[exported] as (registry: JobRegistry) => unknown)(registry)
    if (registry.names().length === 0) {
      throw new JobsModuleError(`${namedBy}: its ${exported} export registered no job. Call registry.register(MyJob, ...) in it.`)
    }
    return registry
  }
  if (defaultRegistry.names().length > before) return defaultRegistry
  throw new JobsModuleError(
    `${namedBy}: the module has no default export, registerJobs or registerServiceJobs function ` +
      `(found: ${Object.keys(mod).join(', ') || 'no exports'}) and registered no job on import. ` +
      'Export a function (registry) => registry.register(MyJob, ...), or call defaultRegistry.register(MyJob) in it.',
  )
}
