// The job base class: a registered name, a default queue, a policy, and perform(...args).
import type { Backoff, ErrorMatcher, RetryPolicy } from './policy.js'
import type { JobLogger } from './logger.js'
import { contextOf, reserveContext } from './context.js'
import { enqueueJob, jobRequest, type EnqueueOptions, type EnqueueRequest, type EnqueuedJob } from './enqueue.js'
import { performNow } from './runner.js'

/** How a message reached the job, with the transport's metadata (sqsd headers, SQS attributes, ...). */
export interface DeliveryInfo {
  /** `sqsd` (EB worker POST), `periodic` (cron.yaml task), `poller`, `lambda`, or `inline` (performNow). */
  transport: 'sqsd' | 'periodic' | 'poller' | 'lambda' | 'inline'
  /** SQS message id. */
  messageId?: string
  /** Queue name. */
  queue?: string
  /** SQS ApproximateReceiveCount (1 on the first delivery). */
  receiveCount?: number
  /** First receive time, ISO-8601. */
  firstReceivedAt?: string
  /** First receive time, epoch milliseconds. */
  firstReceivedAtMs?: number
  /** Sender id (an AWS account or principal). */
  senderId?: string
  /** Message attributes (String/Number values as text). */
  attributes?: Readonly<Record<string, string>>
  /** Periodic tasks: the cron.yaml `name`. */
  taskName?: string
  /** Periodic tasks: when the task was scheduled, ISO-8601. */
  scheduledAt?: string
}

/** What a running job knows about itself. */
export interface JobContext {
  jobId: string
  /** The SQS MessageId once sent, when known. */
  providerJobId: string | null
  queueName: string
  priority: number | null
  /** 1 on the first run, 2 on the first retry, ... */
  attempt: number
  enqueuedAt: string
  scheduledAt: string | null
  locale: string
  timezone: string | null
  delivery: DeliveryInfo
  /** Aborted when the process shuts down and the job should stop soon. */
  signal: AbortSignal
  /** A logger bound to this job's class and id. */
  log: JobLogger
}


/**
 * Base class of every job. Subclasses declare a `static jobName` (explicit, never inferred from the class
 * name, which minifiers rename) and implement `perform`.
 *
 * @example
 * class HelloJob extends Job {
 *   static override jobName = 'HelloJob'
 *   static override queueName = 'default'
 *   async perform(name: string) { this.context.log.info({ name }, 'hello') }
 * }
 */
export abstract class Job {
  /** The registered name, as it appears in `job_class` (use the Rails class name to share jobs with Rails). */
  declare static readonly jobName: string
  /** Queue used when `set({ queue })` does not say otherwise. */
  static queueName = 'default'
  /** Default priority written to the envelope (SQS does not order by it; kept for Rails compatibility). */
  static priority: number | null = null
  /** Retry rule; unset means the queue's redelivery and redrive policy decide. */
  static retry: RetryPolicy | undefined = undefined
  /** Errors after which the message is deleted without retry. */
  static discardOn: readonly ErrorMatcher[] | undefined = undefined
  /** FIFO queues: MessageGroupId for this job's messages. */
  static messageGroupId: string | undefined = undefined
  /** FIFO queues: envelope keys left out of the deduplication hash (`job_id` is always left out). */
  static deduplicateWithout: readonly string[] | undefined = undefined

  constructor() {
    reserveContext(this)
  }

  /** Runs the job. Resolve to succeed; throw to fail (the policy decides retry, discard or fail). */
  abstract perform(...args: never[]): unknown

  /** This run's id, attempt, delivery metadata, abort signal and logger. */
  get context(): JobContext {
    return contextOf(this)
  }

  /** Sends the job to its queue; resolves once SQS accepted it (sync) or at once (async adapter). */
  static performLater<C extends JobClass>(this: C, ...args: PerformArgs<C>): Promise<EnqueuedJob> {
    return enqueueJob(this, args, {})
  }

  /** Options for the next enqueue: `wait` (seconds), `waitUntil`, `queue`, `priority`, `messageGroupId`. */
  static set<C extends JobClass>(this: C, options: EnqueueOptions): ConfiguredJob<C> {
    return {
      performLater: (...args) => enqueueJob(this, args, options),
      build: (...args) => jobRequest(this, args, options),
    }
  }

  /** A request for `enqueueAll` (the envelope is built, and its arguments checked, now). */
  static build<C extends JobClass>(this: C, ...args: PerformArgs<C>): EnqueueRequest {
    return jobRequest(this, args, {})
  }

  /** Runs the job here and now, without a queue; resolves to perform's result, rejects with its error. */
  static performNow<C extends JobClass>(this: C, ...args: PerformArgs<C>): Promise<unknown> {
    return performNow(this, args)
  }
}

/** A job class with enqueue options bound (from `Job.set`). */
export interface ConfiguredJob<C extends JobClass> {
  performLater(...args: PerformArgs<C>): Promise<EnqueuedJob>
  build(...args: PerformArgs<C>): EnqueueRequest
}

/** A concrete job class, as the registry and the queue handle it. */
export interface JobClass<J extends Job = Job> {
  new (): J
  readonly jobName: string
  queueName: string
  priority: number | null
  retry: RetryPolicy | undefined
  discardOn: readonly ErrorMatcher[] | undefined
  messageGroupId: string | undefined
  deduplicateWithout: readonly string[] | undefined
}

/** The argument list of a job class's `perform`. */
export type PerformArgs<C> = C extends new () => infer J
  ? J extends { perform(...args: infer A): unknown }
    ? A
    : never
  : never

export type { Backoff, ErrorMatcher, RetryPolicy }
