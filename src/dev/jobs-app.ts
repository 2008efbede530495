// `fastify-aws dev --jobs MODULE`: for a project with jobs but no Fastify app of its own (a poller or Lambda
// project), a bare app with the worker tier runs them, as the EB worker environment would.
import Fastify from 'fastify'
import { loadJobsModule } from '../jobs/index.js'
import { fastifyAwsWorker } from '../worker/index.js'
import type { DevAppFactory } from './app-module.js'

/** An app factory that registers the jobs of `spec` (relative to `cwd`) and serves them with the worker tier. */
export function jobsOnlyApp(spec: string, cwd: string): DevAppFactory {
  return async ({ registry, worker, logger }) => {
    const loaded = await loadJobsModule(spec, { cwd, namedBy: `--jobs ${spec}`, registry })
    // A module that registered on import filled the process-wide registry: dev's registry must hold them too
    // (cron.yaml and the state file's job list are checked against it).
    if (loaded !== registry) for (const name of loaded.names()) registry.register(loaded.get(name)!)
    const app = Fastify({ logger })
    app.get('/', async () => ({ jobs: registry.names() }))
    await app.register(fastifyAwsWorker, { ...worker, registry })
    return app
  }
}
