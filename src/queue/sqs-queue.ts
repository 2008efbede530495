// The SQS queue adapter: performLater → SendMessage (sync), background batches (async), enqueueAll → SendMessageBatch.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs'
import type { AwsClientOptions } from '../aws/index.js'
import { QueueClosedError, toError } from '../errors.js'
import { silentLogger, type EnqueueRequest, type EnqueuedJob, type JobLogger, type JobQueueAdapter } from '../jobs/index.js'
import { sendBatches, type BatchSendOptions } from './batch-send.js'
import { loadQueueConfig, type LoadQueueConfigOptions, type QueueConfig } from './config.js'
import { buildMessage, type OutgoingMessage } from './message.js'
import { createSqsClient } from '../sqs/index.js'
import { sendError } from './send-errors.js'
import { deprecatedOption, LOAD_OPTION_RENAMED } from '../deprecations.js'

/** Called with every error of a background (async) send, and the job that was not sent. */
export type AsyncErrorHandler = (error: Error, request: EnqueueRequest) => void | Promise<void>

/** Options of {@link SqsQueue}. Everything is optional: config files, ENV and the SDK fill the rest. */
export interface SqsQueueOptions {
  /** An SQS client to use (not closed by `close()`); otherwise one is made from `aws` + config/aws.yml. */
  client?: SQSClient
  /** Options of the client made when `client` is not given (over config/aws.yml). */
  aws?: AwsClientOptions
  /** An already loaded configuration (skips loading). */
  config?: QueueConfig
  /** Where the configuration is read from, and code values over it: `env`, `cwd`, `nodeEnv`, `code`. */
  configLoad?: LoadQueueConfigOptions
  /** @deprecated Renamed {@link SqsQueueOptions.configLoad}; warns once (FASTIFY_AWS_DEP005). */
  load?: LoadQueueConfigOptions
  /** Send in the background (overrides the `async` option of the configuration). */
  async?: boolean
  /** Gets each failed background send; the error is logged either way. */
  onAsyncError?: AsyncErrorHandler
  /** Where failed background sends are logged (default: silent). */
  logger?: JobLogger
  /** Clock in epoch ms, used to turn `scheduled_at` into DelaySeconds (tests inject a fake one). */
  now?: () => number
  /** Retry and parallelism of batch sends. */
  batch?: BatchSendOptions
}

/** The result of one job of {@link SqsQueue.enqueueAll}. */
export type EnqueueResult =
  | { ok: true; request: EnqueueRequest; job: EnqueuedJob }
  | { ok: false; request: EnqueueRequest; error: Error }

/**
 * Sends jobs to SQS. Use it through `useSqsQueue()` so `Job.performLater` reaches it, or call it directly.
 *
 * - Sync mode: `enqueue` resolves once SQS stored the message; `providerJobId` is its MessageId.
 * - Async mode: `enqueue` resolves at once (`providerJobId` null); jobs enqueued in the same tick go out in
 *   SendMessageBatch calls; failures are logged and given to `onAsyncError`; `flush()`/`close()` wait for them.
 *   Jobs for FIFO queues are always sent synchronously, so their order is the order of the calls.
 */
export class SqsQueue implements JobQueueAdapter {
  /** The resolved queue configuration. */
  readonly config: QueueConfig
  /** The SQS client in use. */
  readonly client: SQSClient
  readonly #ownsClient: boolean
  readonly #async: boolean
  readonly #onAsyncError: AsyncErrorHandler | undefined
  readonly #logger: JobLogger
  readonly #now: () => number
  readonly #batch: BatchSendOptions
  #buffer: OutgoingMessage[] = []
  #flushScheduled = false
  readonly #inFlight = new Set<Promise<void>>()
  /** Jobs inside the background batches now in flight. */
  #inFlightCount = 0
  #closed = false

  constructor(options: SqsQueueOptions = {}) {
    const load = options.configLoad ?? deprecatedOption(options.load, LOAD_OPTION_RENAMED, 'SqsQueue')
    this.config = options.config ?? loadQueueConfig(load)
    this.client = options.client ?? createSqsClient(options.aws, 'queue', { env: load?.env, cwd: load?.cwd, nodeEnv: load?.nodeEnv })
    this.#ownsClient = options.client === undefined
    this.#async = options.async ?? this.config.async
    this.#onAsyncError = options.onAsyncError
    this.#logger = options.logger ?? silentLogger
    this.#now = options.now ?? Date.now
    this.#batch = options.batch ?? {}
  }

  /** True when `enqueue` sends in the background. */
  get async(): boolean {
    return this.#async
  }

  /** Jobs accepted in async mode whose send has not finished yet. */
  get pending(): number {
    return this.#buffer.length + this.#inFlightCount
  }

  /** Sends one job. Validation errors (unknown queue, FIFO delay, size) throw before anything is sent, in both modes. */
  async enqueue(request: EnqueueRequest): Promise<EnqueuedJob> {
    if (this.#closed) throw new QueueClosedError(request.envelope.job_class)
    const message = this.#message(request)
    if (!this.#async || message.queue.fifo) return this.#sendNow(message)
    this.#buffer.push(message)
    if (!this.#flushScheduled) {
      this.#flushScheduled = true
      setImmediate(() => this.#sendBuffer())
    }
    return enqueued(request, null)
  }

  /**
   * Sends many jobs with SendMessageBatch (always synchronously). Every request is checked first: one invalid
   * request throws and nothing is sent. Resolves to one result per request, in order; entries that SQS keeps
   * failing come back with `ok: false` and the error: none is dropped silently.
   */
  async enqueueAll(requests: readonly EnqueueRequest[]): Promise<EnqueueResult[]> {
    if (this.#closed) throw new QueueClosedError(`${requests.length} jobs`)
    const messages = requests.map((r) => this.#message(r))
    const outcomes = await sendBatches(this.client, messages, this.#batch)
    return outcomes.map((o, i) => {
      const request = requests[i]!
      return o.ok ? { ok: true, request, job: enqueued(request, o.messageId) } : { ok: false, request, error: o.error }
    })
  }

  /** Resolves when every background send started so far has finished (successfully or not). */
  async flush(): Promise<void> {
    while (this.#buffer.length > 0 || this.#inFlight.size > 0) {
      if (this.#buffer.length > 0) this.#sendBuffer()
      await Promise.all(this.#inFlight)
    }
  }

  /** Refuses new jobs, waits for background sends, and destroys the client if this queue created it. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.flush()
    if (this.#ownsClient) this.client.destroy()
  }

  #message(request: EnqueueRequest): OutgoingMessage {
    return buildMessage(request, this.config.queue(request.envelope.queue_name), this.#now(), this.config.maxMessageBytes)
  }

  async #sendNow(m: OutgoingMessage): Promise<EnqueuedJob> {
    try {
      const res = await this.client.send(
        new SendMessageCommand({
          QueueUrl: m.queue.url,
          MessageBody: m.body,
          MessageAttributes: m.attributes,
          DelaySeconds: m.delaySeconds,
          MessageGroupId: m.messageGroupId,
          MessageDeduplicationId: m.messageDeduplicationId,
        }),
      )
      return enqueued(m.request, res.MessageId ?? null)
    } catch (error) {
      throw sendError(m.request.envelope.job_id, error)
    }
  }

  #sendBuffer(): void {
    this.#flushScheduled = false
    const batch = this.#buffer
    if (batch.length === 0) return
    this.#buffer = []
    this.#inFlightCount += batch.length
    const p = sendBatches(this.client, batch, this.#batch)
      .then(async (outcomes) => {
        for (const [i, o] of outcomes.entries()) if (!o.ok) await this.#reportAsyncError(o.error, batch[i]!.request)
      })
      .catch(async (error: unknown) => {
        // sendBatches reports per entry; this only runs on a bug or a throwing handler.
        for (const m of batch) await this.#reportAsyncError(toError(error), m.request)
      })
      .finally(() => {
        this.#inFlightCount -= batch.length
        this.#inFlight.delete(p)
      })
    this.#inFlight.add(p)
  }

  async #reportAsyncError(error: Error, request: EnqueueRequest): Promise<void> {
    const { job_class, job_id, queue_name } = request.envelope
    this.#logger.error({ err: error, job_class, job_id, queue_name }, `Failed to queue job ${job_class} ${job_id}: ${error.message}`)
    if (!this.#onAsyncError) return
    try {
      await this.#onAsyncError(error, request)
    } catch (handlerError) {
      this.#logger.error({ err: handlerError, job_id }, 'onAsyncError handler threw')
    }
  }
}

function enqueued(request: EnqueueRequest, messageId: string | null): EnqueuedJob {
  const envelope = { ...request.envelope, provider_job_id: messageId }
  return {
    jobId: envelope.job_id,
    jobClass: envelope.job_class,
    queueName: envelope.queue_name,
    providerJobId: messageId,
    scheduledAt: envelope.scheduled_at ? new Date(envelope.scheduled_at) : null,
    envelope,
  }
}
