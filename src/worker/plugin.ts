// The EB worker tier as a Fastify plugin: sqsd POSTs → guard → job by name (or periodic task) → 200 only on success.
import { existsSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import {
  defaultRegistry,
  envelopeFrom,
  performJob,
  permanentFailureKind,
  prepareJob,
  resolveJob,
  toJobAllowlist,
  type JobAllowlist,
  type JobLogger,
  type JobRegistry,
  type JobRun,
  type PreparedJob,
  silentLogger,
} from '../jobs/index.js'
import { toError } from '../errors.js'
import { Slots } from '../sqs/index.js'
import { loadCronYaml, type CronEntry } from '../config/index.js'
import { sqsdGuard, type SqsdGuardOptions } from './guard.js'
import { loadWorkerSettings, type WorkerSettings } from './options.js'
import { oneLine, sendLine } from './responses.js'
import { deliveryFromHeaders, isSqsdUserAgent } from './sqsd-headers.js'

/** Options of {@link workerTier}; each overrides its ENV/YAML counterpart (see the README's table). */
export interface WorkerTierOptions {
  /** Serve sqsd requests (else `AWS_PROCESS_BEANSTALK_WORKER_REQUESTS`, default off). */
  enabled?: boolean
  /** Answer 200 when a job is accepted rather than when it finishes (`..._JOBS_ASYNC`). */
  async?: boolean
  /** Jobs that may run at once (`..._THREADS`, default CPUs × 2). */
  threads?: number
  /** Path sqsd POSTs jobs to (`..._PATH`, default `/`). */
  path?: string
  /** Largest body in bytes (`..._BODY_LIMIT`). */
  bodyLimit?: number
  /** Seconds running jobs get on close (`..._SHUTDOWN_TIMEOUT`, default 30). */
  shutdownTimeout?: number
  /** cron.yaml to validate (`..._CRON_FILE`, default `cron.yaml`, skipped when that default is absent). */
  cronFile?: string
  /** Only these job names may run from sqsd (`..._JOB_CLASS_ALLOWLIST`). */
  allowlist?: readonly string[]
  /** Trusted Docker host addresses: 'auto', false, or a list of addresses and CIDR ranges (`..._DOCKER_HOSTS`). */
  dockerHosts?: SqsdGuardOptions['dockerHosts']
  /** Registry jobs are looked up in (default: the process-wide one). */
  registry?: JobRegistry
  /** Directory holding config/ and cron.yaml (default: cwd). */
  cwd?: string
  /** ENV to read (default: process.env). */
  env?: NodeJS.ProcessEnv
  /** /proc location for Docker detection (tests). */
  procRoot?: string
}

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

/** Route constraint that routes aws-sqsd requests to the worker route while other requests reach the app's routes. */
const sqsdConstraint = {
  name: 'sqsd',
  storage() {
    const handlers = new Map<string, unknown>()
    return {
      get: (value: string) => (handlers.get(value) ?? null) as never,
      set: (value: string, store: unknown) => void handlers.set(value, store),
    }
  },
  deriveConstraint(req: { headers: Record<string, string | string[] | undefined> }) {
    return isSqsdUserAgent(req.headers['user-agent']) ? 'sqsd' : undefined
  },
  mustMatchWhenDerived: false,
  validate() {},
}

const worker: FastifyPluginAsync<WorkerTierOptions> = async (fastify, opts) => {
  const cwd = opts.cwd ?? process.cwd()
  const code: WorkerSettings = {}
  if (opts.enabled !== undefined) code.requests = opts.enabled
  if (opts.async !== undefined) code.jobs_async = opts.async
  if (opts.threads !== undefined) code.threads = opts.threads
  if (opts.path !== undefined) code.path = opts.path
  if (opts.bodyLimit !== undefined) code.body_limit = opts.bodyLimit
  if (opts.shutdownTimeout !== undefined) code.shutdown_timeout = opts.shutdownTimeout
  if (opts.cronFile !== undefined) code.cron_file = opts.cronFile
  if (opts.allowlist !== undefined) code.job_class_allowlist = opts.allowlist
  if (opts.dockerHosts !== undefined) code.docker_hosts = opts.dockerHosts
  const settings = loadWorkerSettings(code, { cwd, ...(opts.env ? { env: opts.env } : {}) })
  if (!settings.requests) {
    fastify.log.debug('EB worker tier disabled (AWS_PROCESS_BEANSTALK_WORKER_REQUESTS is not true)')
    return
  }
  const registry = opts.registry ?? defaultRegistry
  const allowlist = toJobAllowlist(settings.job_class_allowlist)
  const cron = readCron(fastify, settings.cron_file, code.cron_file !== undefined, cwd, settings.path, registry, allowlist)
  const capacity = new Slots(settings.threads)
  const controllers = new Set<AbortController>()
  /** Set when shutdown_timeout has passed: the reason every job's signal is aborted with. */
  let abortReason: Error | undefined
  let closing = false
  let abortTimer: NodeJS.Timeout | undefined

  // Fastify without a logger gives every request a do-nothing logger with no isLevelEnabled, so the runner could
  // not tell that nobody reads its lines and would build one per job. Jobs get the silent logger then: same silence.
  const jobLogger = isDoNothingLogger(fastify.log) ? silentLogger : undefined
  // The success answer per job name (only registered names succeed, so these stay small): made once, not per job.
  const succeeded = { job: new Map<string, string>(), 'periodic task': new Map<string, string>() }
  const successLine = (kind: 'job' | 'periodic task', name: string): string => {
    let line = succeeded[kind].get(name)
    if (line === undefined) succeeded[kind].set(name, (line = oneLine(`Successfully ran ${kind} ${name}.`)))
    return line
  }

  await fastify.register(sqsdGuard, {
    dockerHosts: settings.docker_hosts,
    ...(opts.procRoot ? { procRoot: opts.procRoot } : {}),
  })
  if (!fastify.hasConstraintStrategy('sqsd')) fastify.addConstraintStrategy(sqsdConstraint)

  const resolve = (request: FastifyRequest, taskName: string | undefined): PreparedJob => {
    if (taskName) {
      const job = resolveJob(registry, taskName, allowlist)
      return { job, envelope: envelopeFrom({ job_class: taskName, queue_name: job.queueName }), args: [] }
    }
    return prepareJob((request.body as string | undefined) ?? '', registry, allowlist)
  }

  /** The answer to sqsd for a finished run (sync mode). */
  const answer = (reply: FastifyReply, result: JobRun, kind: 'job' | 'periodic task', name: string): void => {
    // Finished during close: this keep-alive connection would stay open until sqsd/nginx hang up or keepAliveTimeout
    // (72 s) passes, and server.close() waits for it. Ask the client to reconnect (to another instance) instead.
    if (closing) reply.header('connection', 'close')
    switch (result.outcome) {
      case 'succeeded':
        sendLine(reply, 200, successLine(kind, name), true)
        return
      case 'discarded':
        sendLine(reply, 200, `Discarded ${kind} ${name}: ${result.reason}`)
        return
      default:
        sendLine(reply, 500, `Failed to execute ${kind} ${name} (${result.error?.name ?? 'Error'}); see the log for job_id ${result.jobId}.`)
    }
  }

  // One async function per job, which also answers sqsd in sync mode (the route handler itself is synchronous: an
  // async handler and Fastify's promise wrapping around it were two more promises and closures for every job).
  // Every running job holds a capacity slot until it settles, so the capacity count is also what close waits for;
  // the slot is given back before the answer, so sqsd's next request on this connection finds it free.
  const run = async (prepared: PreparedJob, request: FastifyRequest, reply: FastifyReply | undefined, kind: 'job' | 'periodic task'): Promise<JobRun> => {
    // The job's AbortController is made only if it reads context.signal (an AbortSignal per request costs a lot of
    // throughput); one first read after the shutdown timeout gets an already aborted signal.
    let controller: AbortController | undefined
    const signal = (): AbortSignal => {
      if (abortReason) return AbortSignal.abort(abortReason)
      controller = new AbortController()
      controllers.add(controller)
      return controller.signal
    }
    const delivery = deliveryFromHeaders(request.headers)
    let result: JobRun
    try {
      result = await performJob(prepared, { registry, logger: jobLogger ?? (request.log as unknown as JobLogger), signal, delivery })
    } catch (thrown) {
      // performJob is not meant to reject; if it ever does, that is a failed run, not an unhandled rejection
      // (which would end the process).
      const error = toError(thrown)
      const { envelope } = prepared
      request.log.error({ err: error, job_class: envelope.job_class, job_id: envelope.job_id }, `Job ${envelope.job_class} could not be run to a decision`)
      result = {
        outcome: 'failed',
        jobClass: envelope.job_class,
        jobId: envelope.job_id,
        queueName: envelope.queue_name,
        attempt: envelope.executions + Math.max(1, delivery.receiveCount ?? 1),
        durationMs: 0,
        error,
      }
    } finally {
      if (controller) controllers.delete(controller)
      capacity.release()
    }
    if (reply) {
      try {
        answer(reply, result, kind, prepared.envelope.job_class)
      } catch (err) {
        // Nothing here is expected to throw; if it does, the request gets the error handler's 500, not a hang.
        reply.send(err)
      }
    }
    return result
  }

  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    // A periodic task is a present and non-blank Taskname (as in aws-sdk-rails); a blank one is an ordinary job.
    const task = request.headers['x-aws-sqsd-taskname']
    const taskName = (Array.isArray(task) ? task[0] : task)?.trim() || undefined
    const periodic = taskName !== undefined
    const kind = periodic ? 'periodic task' : 'job'
    if (closing) {
      sendLine(reply, 503, 'Worker is shutting down; sqsd will retry the message.')
      return
    }
    let prepared: PreparedJob
    try {
      prepared = resolve(request, taskName)
    } catch (err) {
      const kind = permanentFailureKind(err)
      if (kind === undefined) throw err
      const e = err as Error
      // An unknown name gets 500, so sqsd retries it: a deploy that registers the job may be on its way.
      if (kind === 'unknown-job') {
        request.log.error({ err: e }, periodic ? 'Periodic task could not resolve to a registered job; check the cron.yaml name and url.' : 'Job could not resolve to a registered job.')
        sendLine(reply, 500, e.message)
        return
      }
      request.log.warn({ err: e }, 'Rejected sqsd message')
      sendLine(reply, 400, e.message)
      return
    }
    const name = prepared.envelope.job_class
    if (!capacity.tryTake()) {
      request.log.info({ job_class: name }, `No capacity to execute ${kind}.`)
      sendLine(reply, 429, `No capacity to execute ${kind}.`)
      return
    }
    if (!settings.jobs_async) {
      void run(prepared, request, reply, kind)
      return
    }
    // sqsd deletes the message on this 200: a failure later cannot be retried, so it must not pass as "will retry".
    void run(prepared, request, undefined, kind).then((result) => {
      if (result.outcome !== 'retry' && result.outcome !== 'failed') return
      request.log.error(
        { job_class: name, job_id: result.jobId, outcome: 'failed', err: result.error },
        `Job ${name} failed after sqsd was already answered 200 (async mode): its message is deleted and will not be retried.`,
      )
    })
    sendLine(reply, 200, `Successfully queued ${kind} ${name}.`)
  }

  await fastify.register(async (scope) => {
    // sqsd sends whatever MimeType is configured (JSON, text, form, custom) and empty bodies for periodic tasks:
    // read every body as UTF-8 text (the envelope is JSON whatever the label) and parse the envelope ourselves.
    // As text, not bytes: Fastify decodes a one-chunk body straight from the socket's buffer, where 'buffer' copies
    // it into a new Buffer first that parsing would only decode again.
    scope.removeAllContentTypeParsers()
    const asText = { parseAs: 'string' as const, bodyLimit: settings.body_limit }
    const keep = (_req: FastifyRequest, body: Buffer | string, done: (err: null, body: Buffer | string) => void): void => done(null, body)
    // The catch-all alone would work, but Fastify caches parser lookups only for types registered by name: with '*'
    // alone it parsed every request's Content-Type again. sqsd's default MimeType (and ours) get names.
    scope.addContentTypeParser(['application/json', 'text/plain'], asText, keep)
    scope.addContentTypeParser('*', asText, keep)
    scope.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return sendLine(reply, 413, `Request body is larger than the limit of ${settings.body_limit} bytes.`)
      }
      const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500
      request.log.error({ err }, 'sqsd request failed')
      return sendLine(reply, status, status >= 500 ? `Internal error: ${oneLine(err.message, 200)}` : err.message)
    })
    scope.route({
      method: 'POST',
      url: settings.path,
      constraints: { sqsd: 'sqsd' },
      bodyLimit: settings.body_limit,
      handler,
    })
  })

  const state: WorkerTierState = {
    get running() {
      return capacity.used
    },
    threads: settings.threads,
    cron,
    drained: () => capacity.idle(),
  }
  fastify.decorate('workerTier', state)

  fastify.addHook('preClose', async () => {
    closing = true
    // Jobs get shutdown_timeout seconds; then their AbortSignal fires so cooperative jobs stop.
    abortTimer = setTimeout(() => {
      abortReason = new Error('worker shutting down')
      if (capacity.used > 0) fastify.log.warn({ jobs: capacity.used }, 'Shutdown timeout reached; aborting running jobs')
      for (const c of controllers) c.abort(abortReason)
    }, settings.shutdown_timeout * 1000)
    // Not unref'd: while close waits for jobs, this timer may be the only thing left to end a job that waits on its
    // signal; unref'd, the event loop could empty and the process exit with the job unfinished. onClose clears it.
  })
  fastify.addHook('onClose', async () => {
    if (capacity.used > 0) fastify.log.info({ jobs: capacity.used }, 'Waiting for running jobs to finish')
    await capacity.idle()
    clearTimeout(abortTimer)
  })
  fastify.log.info(
    { path: settings.path, threads: settings.threads, async: settings.jobs_async, jobs: registry.names() },
    'EB worker tier ready for sqsd requests',
  )
}

/**
 * True for abstract-logging's logger, which Fastify gives every request when it has no logger: every level is the
 * same empty function. (A real logger with one function for every level still has a body that does something.)
 */
function isDoNothingLogger(log: FastifyInstance['log']): boolean {
  if (typeof (log as { isLevelEnabled?: unknown }).isLevelEnabled === 'function') return false
  const { info } = log
  const levels = [log.fatal, log.error, log.warn, log.debug, log.trace]
  return levels.every((f) => f === info) && /^function\s*\w*\s*\(\s*\)\s*\{\s*\}$/.test(Function.prototype.toString.call(info))
}

function readCron(
  fastify: FastifyInstance,
  file: string,
  explicit: boolean,
  cwd: string,
  workerPath: string,
  registry: JobRegistry,
  allowlist: JobAllowlist | undefined,
): CronEntry[] {
  const path = isAbsolute(file) ? file : join(cwd, file)
  if (!explicit && file === 'cron.yaml' && !existsSync(path)) return []
  const entries = loadCronYaml(path, { workerPath, registry, allowlist })
  for (const e of entries) {
    if (e.url === workerPath) fastify.log.info({ task: e.name, schedule: e.schedule }, 'Periodic task runs job')
    else fastify.log.info({ task: e.name, url: e.url }, "Periodic task posts to another path; the app's own route handles it")
  }
  return entries
}

/**
 * The Elastic Beanstalk worker tier: receives aws-sqsd POSTs on `path`, checks they come from this host (or the
 * Docker host), runs the job named by `job_class` (or the periodic task named by `X-Aws-Sqsd-Taskname`) and answers
 * 200 only when it succeeded. Other requests reach the app's routes untouched. Off unless enabled.
 */
export const workerTier = fp(worker, { name: 'fastify-aws-worker', fastify: '5.x' })
