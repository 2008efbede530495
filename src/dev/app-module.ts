// `fastify-aws dev --app FILE`: the user's own app instead of the reference service.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { DevConfigError } from '../errors.js'
import type { DevAppContext } from './dev-stack.js'

/** What an `--app` module exports (as `default` or as `buildApp`): an app factory, not listening. */
export type DevAppFactory = (context: DevAppContext) => FastifyInstance | Promise<FastifyInstance>

/**
 * Loads the app factory from `file` (relative to `cwd`). A file that cannot be imported, or that exports no
 * function, throws {@link DevConfigError} saying what to export.
 */
export async function loadAppModule(file: string, cwd: string): Promise<DevAppFactory> {
  const url = pathToFileURL(resolve(cwd, file)).href
  let mod: { default?: unknown; buildApp?: unknown }
  try {
    mod = (await import(url)) as typeof mod
  } catch (err) {
    throw new DevConfigError(`--app ${file}: cannot import it (${(err as Error).message.split('\n')[0]}).`)
  }
  const factory = typeof mod.buildApp === 'function' ? mod.buildApp : mod.default
  if (typeof factory !== 'function') {
    throw new DevConfigError(
      `--app ${file}: export a function "buildApp" (or a default export) taking { registry, worker } and returning ` +
        'your Fastify app, not listening; register fastifyAwsWorker with those worker options and your jobs in that registry.',
    )
  }
  return factory as DevAppFactory
}
