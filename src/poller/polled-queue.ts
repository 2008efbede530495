// One polled queue at run time: its settings, what its attributes say, and its batched writes.
import type { SQSClient } from '@aws-sdk/client-sqs'
import type { JobLogger } from '../jobs/index.js'
import type { QueueSettings } from '../queue/index.js'
import { QueueWrites, readQueueInfo, type QueueInfo } from '../sqs/index.js'
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
): Promise<PolledQueue> {
  const info = await readQueueInfo(client, settings.url)
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
