// Runs one job message: resolve by name, deserialize arguments, perform, decide, log once.
import { channel, tracingChannel } from 'node:diagnostics_channel'
import { toError } from '../errors.js'
import { deserializeArguments, type JobArgument } from './arguments.js'
import { resolveJob, type JobAllowlist } from './allowlist.js'
import { attachContext } from './context.js'
import { envelopeFrom, parseEnvelope, type JobEnvelope } from './envelope.js'
import type { DeliveryInfo, Job, JobClass, JobContext } from './job.js'
import { silentLogger, type JobLogger } from './logger.js'
import { decideFailure, type RunDecision } from './policy.js'
import { defaultRegistry, type JobRegistry } from './registry.js'

/** A message resolved to a job class with its arguments, ready to run. */
export interface PreparedJob {
  envelope: JobEnvelope
  job: JobClass
  args: JobArgument[]
}

/** How to run a job. */
export interface RunJobOptions {
  /** Where names are looked up (default: the process-wide registry). */
  registry?: JobRegistry
  /** Only these names may run (`job_class_allowlist`; default: every registered job). */
  allowlist?: JobAllowlist
  /** Gets one line per run (default: silent). */
  logger?: JobLogger
  /**
   * Passed to the job as `context.signal`. A function is called only if the job reads `context.signal` (creating an
   * AbortSignal per run is costly under load, and most jobs never look at it).
   */
  signal?: AbortSignal | (() => AbortSignal)
  /** Transport metadata; `receiveCount` feeds the attempt number. */
  delivery: DeliveryInfo
}

/** The result of one run. `outcome` says what to do with the message. */
export type JobRun = RunDecision & {
  jobClass: string
  jobId: string
  queueName: string
  /** 1-based attempt number. */
  attempt: number
  durationMs: number
  /** The error, for `retry`, `failed` and error-caused `discarded` runs. */
  error?: Error
  /** perform's return value on success. */
  result?: unknown
}

/** Payload published on the `fastify-aws:job:perform` tracing channel. */
export interface JobPerformEvent {
  jobClass: string
  jobId: string
  queueName: string
  attempt: number
  delivery: DeliveryInfo
  result?: unknown
  error?: unknown
}

/** Payload published on the `fastify-aws:job:run` channel: a run the runner has decided. */
export interface JobRunEvent {
  /** What the run came to: outcome (with the retry delay or discard reason), attempt, duration, error. */
  run: JobRun
  /** The transport's metadata for the message, as the job saw it in `context.delivery`. */
  delivery: DeliveryInfo
}

/**
 * TracingChannel `fastify-aws:job:perform` (start/end/asyncStart/asyncEnd/error) around every perform;
 * subscribe with `diagnostics_channel.tracingChannel('fastify-aws:job:perform').subscribe({...})`.
 */
export const jobPerformChannel = tracingChannel<unknown, JobPerformEvent>('fastify-aws:job:perform')

/**
 * Channel `fastify-aws:job:run`: one message per run once the retry/discard policy has decided, whatever the
 * transport (a job whose constructor throws included). One publish per run, no wrapping of perform: what a
 * recorder of outcomes (the jobs dashboard) subscribes to, cheaper than the tracing channel.
 */
export const jobRunChannel = channel('fastify-aws:job:run')

/**
 * Parses and resolves a message: its job must be registered in `registry` and allowed by `allowlist` (see
 * {@link resolveJob}). Throws `MalformedMessageError`, `UnknownJobError` or `UnsupportedArgumentError`: a message
 * that can never run, whatever the retry policy (see `isPermanentFailure`).
 */
export function prepareJob(
  message: string | Buffer | JobEnvelope,
  registry: JobRegistry = defaultRegistry,
  allowlist?: JobAllowlist,
): PreparedJob {
  const envelope = typeof message === 'string' || Buffer.isBuffer(message) ? parseEnvelope(message) : envelopeFrom(message)
  const job = resolveJob(registry, envelope.job_class, allowlist)
  return { envelope, job, args: deserializeArguments(envelope.arguments) }
}

/**
 * A run's context. A class (getters on the prototype), not an object literal with getters, which V8 builds slowly
 * for every run. The AbortSignal and the job's child logger are made on first use: most jobs read neither.
 */
class RunContext implements JobContext {
  readonly jobId: string
  readonly providerJobId: string | null
  readonly queueName: string
  readonly priority: number | null
  readonly enqueuedAt: string
  readonly scheduledAt: string | null
  readonly locale: string
  readonly timezone: string | null
  readonly delivery: DeliveryInfo
  #signal: AbortSignal | undefined
  #log: JobLogger | undefined
  readonly #signalSource: RunJobOptions['signal']
  readonly #logger: JobLogger
  readonly #jobClass: string

  constructor(envelope: JobEnvelope, options: RunJobOptions, readonly attempt: number, logger: JobLogger) {
    this.jobId = envelope.job_id
    this.providerJobId = envelope.provider_job_id ?? options.delivery.messageId ?? null
    this.queueName = envelope.queue_name
    this.priority = envelope.priority
    this.enqueuedAt = envelope.enqueued_at
    this.scheduledAt = envelope.scheduled_at
    this.locale = envelope.locale
    this.timezone = envelope.timezone
    this.delivery = options.delivery
    this.#signalSource = options.signal
    this.#logger = logger
    this.#jobClass = envelope.job_class
  }

  get signal(): AbortSignal {
    const source = this.#signalSource
    return (this.#signal ??= typeof source === 'function' ? source() : (source ?? new AbortController().signal))
  }

  get log(): JobLogger {
    return (this.#log ??= this.#logger.child({ job_class: this.#jobClass, job_id: this.jobId }))
  }
}

function base(envelope: JobEnvelope, attempt: number) {
  return { jobClass: envelope.job_class, jobId: envelope.job_id, queueName: envelope.queue_name, attempt }
}

/** Runs a prepared job; never throws: failures come back as `retry`, `failed` or `discarded`. */
export async function performJob(prepared: PreparedJob, options: RunJobOptions): Promise<JobRun> {
  const { envelope, job, args } = prepared
  // A receive count that is not a whole number >= 1 (NaN from a bad header, 0) counts as the first delivery:
  // NaN would make `attempt >= attempts` never true, so the job would be retried for ever.
  const receiveCount = options.delivery.receiveCount
  const attempt = envelope.executions + (Number.isSafeInteger(receiveCount) && receiveCount! >= 1 ? receiveCount! : 1)
  const logger = options.logger ?? silentLogger
  const context = new RunContext(envelope, options, attempt, logger)
  let instance: InstanceType<typeof job>
  try {
    instance = new job()
  } catch (thrown) {
    // A constructor that throws is a failed run like any other (performJob never throws).
    const error = toError(thrown)
    const run: JobRun = { ...base(envelope, attempt), ...decide(error, attempt, job, context.log), durationMs: 0, error }
    logRun(logger, run)
    if (jobRunChannel.hasSubscribers) jobRunChannel.publish({ run, delivery: options.delivery } satisfies JobRunEvent)
    return run
  }
  attachContext(instance, context)
  const started = performance.now()
  let run: JobRun
  // Plain objects built in one go (not spreads) and no closure unless a tracer listens: this runs per message.
  try {
    const result = jobPerformChannel.hasSubscribers
      ? await tracedPerform(instance, args, tracedEvent(envelope, attempt, options.delivery))
      : await (instance.perform as (...a: JobArgument[]) => unknown)(...args)
    run = {
      jobClass: envelope.job_class,
      jobId: envelope.job_id,
      queueName: envelope.queue_name,
      attempt,
      outcome: 'succeeded',
      durationMs: performance.now() - started,
      result,
    }
  } catch (thrown) {
    const error = toError(thrown)
    run = { ...base(envelope, attempt), ...decide(error, attempt, job, context.log), durationMs: performance.now() - started, error }
  }
  // The run line goes to the given logger, not the job's child: the child already binds job_class and job_id,
  // and pino would write those keys twice in one JSON line.
  logRun(logger, run)
  if (jobRunChannel.hasSubscribers) jobRunChannel.publish({ run, delivery: options.delivery } satisfies JobRunEvent)
  return run
}

/**
 * The traced event, every field the run will set declared up front, so it keeps one fast V8 shape (a spread given
 * `result` and `outcome` later does not).
 */
function tracedEvent(envelope: JobEnvelope, attempt: number, delivery: DeliveryInfo): JobPerformEvent {
  return {
    jobClass: envelope.job_class,
    jobId: envelope.job_id,
    queueName: envelope.queue_name,
    attempt,
    delivery,
    result: undefined,
  }
}

/**
 * perform inside the tracing channel. A function of its own, not a closure in performJob, so untraced runs allocate
 * no closure context.
 */
function tracedPerform(instance: Job, args: JobArgument[], event: JobPerformEvent): Promise<unknown> {
  return jobPerformChannel.tracePromise(() => Promise.resolve((instance.perform as (...a: JobArgument[]) => unknown)(...args)), event)
}

/**
 * The policy's decision; a policy that throws (a backoff function with a bug) must not turn a failed run into a
 * rejection: the message is then left to the queue's own redelivery, as with no policy, and the fault is logged.
 */
function decide(error: Error, attempt: number, job: JobClass, log: JobLogger): RunDecision {
  try {
    return decideFailure(error, attempt, job)
  } catch (policyError) {
    log.error({ err: policyError }, `The retry/discard policy of ${job.jobName} threw; the message is left to the queue's redelivery`)
    return { outcome: 'retry', delaySeconds: undefined }
  }
}

/** {@link prepareJob} then {@link performJob}. */
export async function runJob(message: string | Buffer | JobEnvelope, options: RunJobOptions): Promise<JobRun> {
  return performJob(prepareJob(message, options.registry, options.allowlist), options)
}

/** performNow: an inline run that resolves to perform's result or rejects with its error. */
export async function performNow(job: JobClass, args: readonly unknown[]): Promise<unknown> {
  const envelope = envelopeFrom({ job_class: job.jobName, queue_name: job.queueName, arguments: [] })
  const run = await performJob({ envelope, job, args: args as JobArgument[] }, { delivery: { transport: 'inline' } })
  if (run.outcome === 'succeeded') return run.result
  if (run.outcome === 'discarded') return undefined
  throw run.error
}

function logRun(log: JobLogger, run: JobRun): void {
  const level = run.outcome === 'succeeded' || run.outcome === 'discarded' ? 'info' : run.outcome === 'retry' ? 'warn' : 'error'
  if (log.isLevelEnabled !== undefined && !log.isLevelEnabled(level)) return
  const line: Record<string, unknown> = {
    job_class: run.jobClass,
    job_id: run.jobId,
    queue_name: run.queueName,
    outcome: run.outcome,
    attempt: run.attempt,
    duration_ms: Math.round(run.durationMs * 1000) / 1000,
  }
  if (run.error) line.err = run.error
  if (run.outcome === 'retry' && run.delaySeconds !== undefined) line.retry_in_s = run.delaySeconds
  if (run.outcome === 'discarded') line.reason = run.reason
  log[level](line, `Job ${run.jobClass} ${run.outcome === 'retry' ? 'failed, will retry' : run.outcome}`)
}
