// The EB worker tier as a Fastify plugin: sqsd POSTs → guard → job by name (or periodic task) → 200 only on success.
// This file puts the parts together: settings (options.ts), cron.yaml (cron.ts), the guard (guard.ts), the route
// (route.ts) and its handler (dispatch.ts), the answers (responses.ts) and close (shutdown.ts).
import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import { defaultRegistry, toJobAllowlist } from '../jobs/index.js'
import { Slots } from '../sqs/index.js'
import type { CronEntry } from '../config/index.js'
import { readWorkerCron } from './cron.js'
import { sqsdHandler } from './dispatch.js'
import { fastifyAwsSqsdGuard } from './guard.js'
import { jobLoggerFor } from './job-logger.js'
import { loadWorkerSettings, settingsFromOptions, workerConfigLoad, type FastifyAwsWorkerOptions } from './options.js'
import { RunAnswers } from './responses.js'
import { registerSqsdRoute } from './route.js'
import { WorkerRequeue } from './requeue.js'
import { WorkerShutdown } from './shutdown.js'
import { WORKER_TIER_RENAMED, warnFirst } from '../deprecations.js'

/** What the worker exposes on `fastify.workerTier`. */
export interface WorkerTierState {
  /** Jobs running now (sync and async). */
  readonly running: number
  /** The capacity limit. */
  readonly threads: number
  /** Validated cron.yaml entries. */
  readonly cron: readonly CronEntry[]
  /** Resolves when every accepted job has finished. */
  drained(): Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The EB worker tier's state; undefined when the worker is disabled. */
    workerTier?: WorkerTierState
  }
}

const worker: FastifyPluginAsync<FastifyAwsWorkerOptions> = async (fastify, opts) => {
  const configLoad = workerConfigLoad(opts)
  const { cwd } = configLoad
  const code = settingsFromOptions(opts)
  const settings = loadWorkerSettings(code, configLoad)
  if (!settings.requests) {
    fastify.log.debug('EB worker tier disabled (AWS_PROCESS_BEANSTALK_WORKER_REQUESTS is not true)')
    return
  }
  const registry = opts.registry ?? defaultRegistry
  const allowlist = toJobAllowlist(settings.job_class_allowlist)
  const cron = readWorkerCron(fastify.log, {
    file: settings.cron_file,
    explicit: code.cron_file !== undefined,
    cwd,
    workerPath: settings.path,
    registry,
    allowlist,
  })
  const requeue = new WorkerRequeue({ queue: opts.queue, configLoad })
  requeue.warnIfNoQueue(fastify.log)
  const capacity = new Slots(settings.threads)
  const shutdown = new WorkerShutdown(capacity, fastify.log)

  await fastify.register(fastifyAwsSqsdGuard, {
    dockerHosts: settings.docker_hosts,
    ...(opts.procRoot ? { procRoot: opts.procRoot } : {}),
  })
  const handler = sqsdHandler({
    registry,
    allowlist,
    capacity,
    jobsAsync: settings.jobs_async,
    shutdown,
    answers: new RunAnswers(),
    jobLogger: jobLoggerFor(fastify.log),
    requeue,
    now: opts.now ?? Date.now,
  })
  await registerSqsdRoute(fastify, { path: settings.path, bodyLimit: settings.body_limit }, handler)

  const state: WorkerTierState = {
    get running() {
      return capacity.used
    },
    threads: settings.threads,
    cron,
    drained: () => capacity.idle(),
  }
  fastify.decorate('workerTier', state)

  fastify.addHook('preClose', async () => shutdown.begin(settings.shutdown_timeout))
  fastify.addHook('onClose', async () => {
    await shutdown.end()
    await requeue.close()
  })
  fastify.log.info(
    { path: settings.path, threads: settings.threads, async: settings.jobs_async, jobs: registry.names() },
    'EB worker tier ready for sqsd requests',
  )
}

/**
 * The Elastic Beanstalk worker tier: receives aws-sqsd POSTs on `path`, checks they come from this host (or the
 * Docker host), runs the job named by `job_class` (or the periodic task named by `X-Aws-Sqsd-Taskname`) and answers
 * 200 only when it succeeded. Other requests reach the app's routes untouched. Off unless enabled.
 */
export const fastifyAwsWorker = fp(worker, { name: 'fastify-aws-worker', fastify: '5.x' })

/** @deprecated Renamed {@link fastifyAwsWorker} (same options and decorator); warns once (FASTIFY_AWS_DEP001). */
export const workerTier = fp(warnFirst(worker, WORKER_TIER_RENAMED), { name: 'fastify-aws-worker', fastify: '5.x' })
