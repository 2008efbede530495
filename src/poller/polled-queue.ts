// One polled queue at run time: its settings, what its attributes say, and its batched writes.
import type { SQSClient } from '@aws-sdk/client-sqs'
import type { JobLogger } from '../jobs/index.js'
import type { QueueSettings } from '../queue/index.js'
import { setTimeout as sleep } from 'node:timers/promises'
import { failedOperation, isRetryableSqsError, QueueWrites, readQueueInfo, sqsFailure, type QueueInfo } from '../sqs/index.js'
import type { PollerOptions } from './options.js'
import type { ReceivedMessage } from './received.js'

/** One polled queue at run time. */
export interface PolledQueue {
  settings: QueueSettings
  info: QueueInfo
  /** Effective visibility timeout (configured, else the queue's). */
  visibilityTimeout: number
  maxMessages: number
  writes: QueueWrites
  /** FIFO: messages waiting behind their group's running message, by group id. */
  groups: Map<string, ReceivedMessage[]>
}

/**
 * Reads the queue's attributes (visibility timeout, dead-letter queue) and sets up its writes; warns when it has no
 * dead-letter queue, where a message that can never run would come back until its retention period ends.
 */
export async function openQueue(
  client: SQSClient,
  settings: QueueSettings,
  options: Pick<PollerOptions, 'visibilityTimeout' | 'maxMessages'>,
  logger: JobLogger,
  startup: StartupRetry,
): Promise<PolledQueue> {
  const info = await readWithRetries(client, settings, logger, startup)
  const configured = options.visibilityTimeout ?? settings.visibilityTimeout
  if (!info.deadLetter) {
    logger.warn(
      { queue: settings.name, queue_url: settings.url },
      `Queue ${settings.name} has no dead-letter queue (RedrivePolicy): a message that always fails, cannot be parsed or names an unknown job is received again and again until its retention period ends. Add a RedrivePolicy.`,
    )
  }
  return {
    settings,
    info,
    visibilityTimeout: configured ?? info.visibilityTimeout,
    maxMessages: options.maxMessages ?? settings.maxMessages,
    writes: new QueueWrites(client, settings.url),
    groups: new Map(),
  }
}

/** How long start-up calls are retried, and the signal that ends the wait (stop()). */
export interface StartupRetry {
  timeoutSeconds: number
  signal: AbortSignal
}

/**
 * Reads the queue's attributes, retrying failures that may pass (SQS unreachable, throttled, 5xx) with backoff until
 * `timeoutSeconds` have gone by; each failure is logged with the call and the queue. The last one, or one that
 * cannot pass (no such queue, access denied), rejects with an error naming the call, the queue and the cause.
 */
async function readWithRetries(client: SQSClient, settings: QueueSettings, logger: JobLogger, startup: StartupRetry): Promise<QueueInfo> {
  const deadline = Date.now() + startup.timeoutSeconds * 1000
  for (let attempt = 1; ; attempt++) {
    try {
      return await readQueueInfo(client, settings.url)
    } catch (error) {
      const failure = sqsFailure(failedOperation(error), settings.name, error)
      const waitMs = Math.min(10_000, 500 * 2 ** (attempt - 1))
      if (!isRetryableSqsError(error) || Date.now() + waitMs > deadline || startup.signal.aborted) {
        const why = isRetryableSqsError(error) ? ` Gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} (startup_timeout ${startup.timeoutSeconds} s): is SQS reachable from here (endpoint, network, region)?` : ''
        throw Object.assign(failure, { message: `${failure.message}.${why}` })
      }
      logger.warn(
        { err: error, queue: settings.name, queue_url: settings.url, attempt, retry_in_ms: waitMs },
        `${failure.message}; retrying in ${Math.round(waitMs / 100) / 10} s (start-up)`,
      )
      await sleep(waitMs, undefined, { signal: startup.signal }).catch(() => undefined)
    }
  }
}
