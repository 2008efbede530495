// The reference service: a Fastify app with the worker tier and the sample jobs, as EB's worker environment runs it.
// An app built on the package like any user's (it imports fastify-aws/*), not part of what the package exports.
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { DevAppContext } from 'fastify-aws/dev'
import { defaultRegistry, type JobRegistry } from 'fastify-aws/jobs'
import { isSqsdRequest, fastifyAwsWorker, type FastifyAwsWorkerOptions } from 'fastify-aws/worker'
import { registerServiceJobs } from './jobs.js'

/** Options of {@link buildServiceApp}. */
export interface ServiceAppOptions {
  /** Fastify's logger option (default: pino at `LOG_LEVEL` or info). */
  logger?: FastifyServerOptions['logger']
  /** Registry for the jobs (default: the process-wide one). */
  registry?: JobRegistry
  /** Worker tier options (ENV/YAML fill the rest). */
  worker?: FastifyAwsWorkerOptions
}

/** Builds (does not start) the reference service. */
export async function buildServiceApp(options: ServiceAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: process.env.LOG_LEVEL ?? 'info' },
    // One line per job (the README's advice): the job's run line, without Fastify's two request lines per sqsd POST.
    logController: new LogController({ disableRequestLogging: isSqsdRequest }),
    // Behind EB's nginx the connection is kept alive; let long jobs finish (InactivityTimeout is up to 36000 s).
    requestTimeout: 0,
    // During close, let sqsd requests reach the worker, which answers 503 in one text/plain line (the sqsd contract)
    // instead of Fastify's JSON 503; Fastify still marks those responses Connection: close.
    return503OnClosing: false,
  })
  const registry = options.registry ?? defaultRegistry
  registerServiceJobs(registry)

  // EB's health check (and a human with curl) gets a 200 here; sqsd POSTs are routed to the worker by User-Agent.
  app.get('/', async () => ({ service: 'fastify-aws', worker: app.workerTier !== undefined }))
  await app.register(fastifyAwsWorker, { registry, ...options.worker })
  return app
}

/** `npm run dev` runs this (`fastify-aws dev --app service/app.ts`): the service with dev's registry and worker options. */
export function buildApp({ registry, worker, logger }: DevAppContext): Promise<FastifyInstance> {
  return buildServiceApp({ registry, worker, logger })
}
