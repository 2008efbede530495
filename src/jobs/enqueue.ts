// performLater's path to a queue: jobs build the envelope; a queue adapter (fastify-aws/queue) sends it.
import { EnqueueOptionError, NoQueueAdapterError } from '../errors.js'
import { buildEnvelope, type JobEnvelope } from './envelope.js'
import type { JobClass } from './job.js'

/** Options of one enqueue. */
export interface EnqueueOptions {
  /** Seconds to wait before the job may run. */
  wait?: number
  /** Earliest time the job may run (wins over `wait`). */
  waitUntil?: Date
  /** Queue name (default: the job's `queueName`). */
  queue?: string
  /** Priority written to the envelope. */
  priority?: number
  /** FIFO queues: message group (default: the job's, then the queue's config). */
  messageGroupId?: string
}

/** A job ready to send: its class, built envelope and options. */
export interface EnqueueRequest {
  job: JobClass
  envelope: JobEnvelope
  options: EnqueueOptions
}

/** A sent job. `providerJobId` is the SQS MessageId (null until known, e.g. async sends). */
export interface EnqueuedJob {
  jobId: string
  jobClass: string
  queueName: string
  providerJobId: string | null
  scheduledAt: Date | null
  envelope: JobEnvelope
}

/** What a queue backend implements (see `useSqsQueue` in fastify-aws/queue). */
export interface JobQueueAdapter {
  enqueue(request: EnqueueRequest): Promise<EnqueuedJob>
}

let adapter: JobQueueAdapter | undefined

/** Sets the queue that `performLater` uses (process-wide, like ActiveJob's queue_adapter). Returns the previous one. */
export function setQueueAdapter(next: JobQueueAdapter | undefined): JobQueueAdapter | undefined {
  const previous = adapter
  adapter = next
  return previous
}

/** The queue `performLater` uses, if one is set. */
export function getQueueAdapter(): JobQueueAdapter | undefined {
  return adapter
}

/** Builds the request: queue, schedule and checked arguments. */
export function jobRequest(job: JobClass, args: readonly unknown[], options: EnqueueOptions, now = new Date()): EnqueueRequest {
  if (options.wait !== undefined && (!Number.isFinite(options.wait) || options.wait < 0)) {
    throw new EnqueueOptionError(`wait must be a number of seconds >= 0, got ${options.wait}`)
  }
  if (options.priority !== undefined && options.priority !== null && !Number.isSafeInteger(options.priority)) {
    throw new EnqueueOptionError(`priority must be a whole number (ActiveJob priorities are integers), got ${options.priority}`)
  }
  if (options.waitUntil !== undefined && Number.isNaN(options.waitUntil.getTime())) {
    throw new EnqueueOptionError('waitUntil is an invalid Date')
  }
  const scheduledAt =
    options.waitUntil ?? (options.wait !== undefined && options.wait > 0 ? new Date(now.getTime() + options.wait * 1000) : null)
  const envelope = buildEnvelope({
    jobClass: job.jobName,
    queueName: options.queue ?? job.queueName,
    args,
    priority: options.priority ?? job.priority,
    scheduledAt,
    now,
  })
  return { job, envelope, options }
}

/** Builds and sends one job through the current adapter. */
export async function enqueueJob(job: JobClass, args: readonly unknown[], options: EnqueueOptions): Promise<EnqueuedJob> {
  const request = jobRequest(job, args, options)
  if (!adapter) {
    throw new NoQueueAdapterError(job.jobName)
  }
  return adapter.enqueue(request)
}
