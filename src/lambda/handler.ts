// The Lambda handler for SQS triggers: runs each record's job with the shared runner, reports partial failures.
import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs'
import type { AwsClientOptions } from '../aws/index.js'
import { LambdaEventError } from '../errors.js'
import {
  defaultRegistry,
  isPermanentFailure,
  performJob,
  prepareJob,
  silentLogger,
  toJobAllowlist,
  type JobLogger,
  type JobRegistry,
  type JobRun,
} from '../jobs/index.js'
import { loadQueueConfig, type LoadQueueConfigOptions } from '../queue/index.js'
import { createSqsClient, remainingDelaySeconds, sendBackToWait } from '../sqs/index.js'
import type { SqsBatchResponse, SqsEvent, SqsRecord } from './event.js'
import { deliveryOfRecord, queueOfRecord, type RecordQueue } from './record.js'
import { deprecatedOption, LOAD_OPTION_RENAMED } from '../deprecations.js'

/** What to do with a record that can never run: `'leave'` (default: report it failed, the redrive policy decides) or `'delete'`. */
export type LambdaPermanentFailureHandler = (error: Error, record: SqsRecord) => 'leave' | 'delete' | undefined | Promise<'leave' | 'delete' | undefined>

/** Options of {@link createLambdaHandler}. */
export interface LambdaHandlerOptions {
  /** Where job names are looked up (default: the process-wide registry). */
  registry?: JobRegistry
  /**
   * Only these job names may run (default: the queue configuration's `job_class_allowlist`, as the poller reads it,
   * else every registered job). The registry is left as it is.
   */
  allowlist?: readonly string[]
  /** Where the queue configuration (`job_class_allowlist`) is read from when `allowlist` is not given (default: cwd and process.env). */
  configLoad?: LoadQueueConfigOptions
  /** @deprecated Renamed `configLoad`; warns once (FASTIFY_AWS_DEP005). */
  load?: LoadQueueConfigOptions
  /** Gets one line per job run (default: silent). Lambda sends stdout to CloudWatch, so pino on stdout fits. */
  logger?: JobLogger
  /** Records of a standard queue run at once (default: all of the batch). */
  concurrency?: number
  /** Decides about records that can never run (malformed body, unknown job). */
  onPermanentFailure?: LambdaPermanentFailureHandler
  /**
   * SQS client for backoff (ChangeMessageVisibility of a failed record) and for re-sending jobs that
   * arrived before their scheduled_at; made on first use from `aws` + config/aws.yml when not given.
   */
  client?: SQSClient
  /** Options of the client made when `client` is not given. */
  aws?: AwsClientOptions
  /** Clock in epoch ms (tests inject a fake one). */
  now?: () => number
}

/** The handler function: give it to Lambda as the function's handler. */
export type LambdaSqsHandler = (event: SqsEvent, context?: unknown) => Promise<SqsBatchResponse>

/** How one record ended. */
type RecordOutcome = 'done' | 'failed'

/**
 * Creates the handler of an SQS-triggered Lambda function (enable ReportBatchItemFailures on the trigger).
 *
 * Records of a standard queue run concurrently; each failed one is listed in `batchItemFailures` so Lambda
 * deletes only the others. Records of a FIFO queue run one at a time, in order; at the first failure the
 * rest are not run and are reported failed with it, so their order holds. A job's retry backoff is applied
 * with ChangeMessageVisibility; a job scheduled later than the queue's 900 s delay is sent back to wait.
 *
 * @example
 * // lambda.ts
 * import { createLambdaHandler } from 'fastify-aws/lambda'
 * import { JobRegistry } from 'fastify-aws/jobs'
 * export const handler = createLambdaHandler({ registry: new JobRegistry().register(HelloJob) })
 */
export function createLambdaHandler(options: LambdaHandlerOptions = {}): LambdaSqsHandler {
  const registry = options.registry ?? defaultRegistry
  const allowlist = toJobAllowlist(options.allowlist ?? loadQueueConfig(options.configLoad ?? deprecatedOption(options.load, LOAD_OPTION_RENAMED, 'createLambdaHandler')).jobClassAllowlist)
  const logger = options.logger ?? silentLogger
  const now = options.now ?? Date.now
  let client = options.client
  const sqs = (): SQSClient => (client ??= createSqsClient(options.aws, 'lambda'))
  const urls = new Map<string, Promise<string>>()
  /** The queue's URL as SQS (or an emulator) names it: GetQueueUrl once per container, else the URL rebuilt from the ARN. */
  const urlOf = (queue: RecordQueue): Promise<string> => {
    const key = `${queue.account}:${queue.region}:${queue.name}`
    let url = urls.get(key)
    if (!url) {
      url = sqs()
        .send(new GetQueueUrlCommand({ QueueName: queue.name, QueueOwnerAWSAccountId: queue.account }))
        .then((r) => r.QueueUrl ?? queue.url)
        .catch(() => {
          urls.delete(key)
          return queue.url
        })
      urls.set(key, url)
    }
    return url
  }

  async function handleRecord(record: SqsRecord, queue: RecordQueue): Promise<RecordOutcome> {
    let prepared
    try {
      prepared = prepareJob(record.body, registry, allowlist)
    } catch (error) {
      if (!isPermanentFailure(error)) throw error
      return permanentFailure(error as Error, record)
    }
    if (!queue.fifo) {
      const remaining = remainingDelaySeconds(prepared.envelope.scheduled_at, now())
      if (remaining > 0) return delayRecord(record, queue, remaining)
    }
    const run = await performJob(prepared, { logger, delivery: deliveryOfRecord(record, queue) })
    if (run.outcome === 'succeeded' || run.outcome === 'discarded') return 'done'
    if (run.outcome === 'retry' && run.delaySeconds !== undefined) await backoff(record, queue, run)
    return 'failed'
  }

  async function permanentFailure(error: Error, record: SqsRecord): Promise<RecordOutcome> {
    let action: 'leave' | 'delete' = 'leave'
    if (options.onPermanentFailure) {
      try {
        action = (await options.onPermanentFailure(error, record)) ?? 'leave'
      } catch (handlerError) {
        logger.error({ err: handlerError, message_id: record.messageId }, 'onPermanentFailure threw; leaving the record')
      }
    }
    logger.error(
      { err: error, message_id: record.messageId, body: String(record.body).slice(0, 1024), action },
      `Record ${record.messageId} can never run (${error.message}); ${action === 'delete' ? 'deleted' : 'reported failed for the redrive policy'}`,
    )
    return action === 'delete' ? 'done' : 'failed'
  }

  async function delayRecord(record: SqsRecord, queue: RecordQueue, remaining: number): Promise<RecordOutcome> {
    try {
      await sendBackToWait(sqs(), await urlOf(queue), { body: record.body, attributes: record.messageAttributes }, remaining)
      logger.info({ message_id: record.messageId, remaining_s: remaining }, 'Job arrived before its scheduled_at; sent back to wait')
      return 'done'
    } catch (error) {
      logger.error({ err: error, message_id: record.messageId }, 'Could not send an early job back to wait; the record stays')
      return 'failed'
    }
  }

  async function backoff(record: SqsRecord, queue: RecordQueue, run: JobRun & { outcome: 'retry' }): Promise<void> {
    try {
      await sqs().send(
        new ChangeMessageVisibilityCommand({ QueueUrl: await urlOf(queue), ReceiptHandle: record.receiptHandle, VisibilityTimeout: run.delaySeconds }),
      )
    } catch (error) {
      logger.warn({ err: error, message_id: record.messageId }, "Could not apply the retry backoff; the queue's visibility timeout applies")
    }
  }

  return async function handler(event: SqsEvent): Promise<SqsBatchResponse> {
    if (!event || !Array.isArray(event.Records)) throw new LambdaEventError('the event has no "Records" array (is the trigger an SQS queue?)')
    const records = event.Records
    for (const r of records) {
      if (r?.eventSource !== 'aws:sqs' || typeof r.body !== 'string' || typeof r.messageId !== 'string') {
        throw new LambdaEventError(`record ${JSON.stringify(r?.messageId)} is not an SQS record (eventSource ${JSON.stringify(r?.eventSource)})`)
      }
    }
    const queues = records.map(queueOfRecord)
    const failures: string[] = []
    const fifo = queues.some((q) => q.fifo)
    if (fifo) {
      for (let i = 0; i < records.length; i++) {
        if ((await safely(records[i]!, queues[i]!)) === 'failed') {
          // Later records must not overtake this one: report them all for redelivery.
          for (const r of records.slice(i)) failures.push(r.messageId)
          break
        }
      }
    } else {
      const limit = Math.max(1, options.concurrency ?? records.length)
      let next = 0
      const lane = async (): Promise<void> => {
        while (next < records.length) {
          const i = next++
          if ((await safely(records[i]!, queues[i]!)) === 'failed') failures.push(records[i]!.messageId)
        }
      }
      await Promise.all(Array.from({ length: Math.min(limit, records.length) }, lane))
    }
    return { batchItemFailures: records.filter((r) => failures.includes(r.messageId)).map((r) => ({ itemIdentifier: r.messageId })) }
  }

  /** An unexpected error for one record fails that record only. */
  async function safely(record: SqsRecord, queue: RecordQueue): Promise<RecordOutcome> {
    try {
      return await handleRecord(record, queue)
    } catch (error) {
      logger.error({ err: error, message_id: record.messageId }, 'Unexpected error handling the record; reported failed')
      return 'failed'
    }
  }
}
