// What the worker sends back to SQS itself, because sqsd alone cannot do it: a job that arrived before its
// scheduled_at goes back to its queue to wait (SQS delays stop at 900 s, so `wait: 2.hours` arrives early on EB), and a
// failed job with a retry policy is enqueued again with `executions + 1` after its backoff, as Rails' retry_on does.
import type { FastifyBaseLogger } from 'fastify'
import { toError } from '../errors.js'
import type { DeliveryInfo, JobEnvelope, PreparedJob } from '../jobs/index.js'
import { loadQueueConfig, queueEnvName, SqsQueue, type QueueConfig } from '../queue/index.js'
import { sendBackToWait } from '../sqs/index.js'

/** Where the worker finds the queues to send to. */
export interface WorkerRequeueOptions {
  /** A queue producer to send with (not closed by the worker); else one is made on first need. */
  queue?: SqsQueue | undefined
  /** Where the queue configuration is read from. */
  configLoad: { cwd: string; env?: NodeJS.ProcessEnv; nodeEnv?: string }
}

/** How a send back to SQS ended: sent, or why not (one line, for sqsd's 500 answer). */
export type RequeueOutcome = { sent: true; delaySeconds: number } | { sent: false; reason: string }

/** Sends jobs back to their queues: early ones to wait, failed ones (with a retry policy) to run again. */
export class WorkerRequeue {
  readonly #given: SqsQueue | undefined
  readonly #options: WorkerRequeueOptions
  #own: SqsQueue | undefined
  /** The queue configuration, read at start-up so a missing URL is known before the first early job. */
  readonly config: QueueConfig

  constructor(options: WorkerRequeueOptions) {
    this.#given = options.queue
    this.#options = options
    this.config = options.queue?.config ?? loadQueueConfig(options.configLoad)
  }

  /** Logs at start-up that early and retried jobs need a queue URL, when none is configured. */
  warnIfNoQueue(log: FastifyBaseLogger): void {
    if (this.config.queues.size > 0) return
    log.warn(
      'No SQS queue URL is configured (AWS_ACTIVE_JOB_SQS_<QUEUE>_URL or queues: in config/aws_active_job_sqs.yml): ' +
        'jobs that arrive before their scheduled_at (delays over 900 s) and failed jobs with a retry policy cannot be sent back to their queue, and get 500.',
    )
  }

  /** Sends the message of an early job back to its queue for the rest of its delay (at most 900 s a hop). */
  async sendBackToWait(envelope: JobEnvelope, body: string, delivery: DeliveryInfo, remainingSeconds: number): Promise<RequeueOutcome> {
    const url = this.#urlOf(envelope.queue_name)
    if (typeof url !== 'string') return url
    const attributes = Object.fromEntries(Object.entries(delivery.attributes ?? {}).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]))
    try {
      await sendBackToWait(this.#queue().client, url, { body, attributes }, remainingSeconds)
      return { sent: true, delaySeconds: remainingSeconds }
    } catch (err) {
      return { sent: false, reason: `SQS did not take it back: ${toError(err).message}` }
    }
  }

  /** Enqueues a failed job again, as retry_on does: the same job_id, `executions + 1`, due after `delaySeconds`. */
  async retry(prepared: PreparedJob, delaySeconds: number, now = Date.now()): Promise<RequeueOutcome> {
    const { envelope } = prepared
    const url = this.#urlOf(envelope.queue_name)
    if (typeof url !== 'string') return url
    if (this.config.queues.get(envelope.queue_name)?.fifo) {
      return { sent: false, reason: `queue "${envelope.queue_name}" is FIFO, which takes no delays: sqsd's ErrorVisibilityTimeout retries it` }
    }
    const again: JobEnvelope = {
      ...envelope,
      executions: envelope.executions + 1,
      enqueued_at: new Date(now).toISOString(),
      scheduled_at: delaySeconds > 0 ? new Date(now + delaySeconds * 1000).toISOString() : null,
    }
    try {
      await this.#queue().enqueue({ job: prepared.job, envelope: again, options: {} })
      return { sent: true, delaySeconds }
    } catch (err) {
      return { sent: false, reason: toError(err).message }
    }
  }

  /** Closes the producer this worker made (a given one stays open). */
  async close(): Promise<void> {
    await this.#own?.close()
  }

  #urlOf(queueName: string): string | { sent: false; reason: string } {
    const url = this.config.queues.get(queueName)?.url
    if (url !== undefined) return url
    return {
      sent: false,
      reason: `no URL is configured for its queue "${queueName}": set ${queueEnvName(queueName, 'URL')} or add it under queues: in config/aws_active_job_sqs.yml`,
    }
  }

  #queue(): SqsQueue {
    if (this.#given) return this.#given
    // Made on first need: an app whose jobs are never early or retried never builds an SQS client here.
    this.#own ??= new SqsQueue({ config: this.config, configLoad: this.#options.configLoad })
    return this.#own
  }
}
