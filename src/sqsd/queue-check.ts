// The daemon's start-up check of its queue: it exists, takes periodic tasks only if standard, and has the
// redrive policy that makes MaxRetries mean something.
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs'
import type { JobLogger } from '../jobs/index.js'
import { DevConfigError, SqsdQueueUnreadableError } from '../errors.js'
import { queueNameOf } from './headers.js'

/** What the daemon is about to do with the queue. */
export interface QueueCheck {
  maxRetries: number
  /** True when cron.yaml tasks will be sent to it. */
  periodicTasks: boolean
}

/**
 * Reads the queue's attributes. A queue that cannot be read throws {@link SqsdQueueUnreadableError}, a FIFO queue
 * with periodic tasks {@link DevConfigError}; a missing redrive policy, or one whose maxReceiveCount is not MaxRetries, is a warning.
 */
export async function checkWorkerQueue(sqs: SQSClient, queueUrl: string, check: QueueCheck, log: JobLogger): Promise<void> {
  let attrs: Record<string, string>
  try {
    const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy', 'FifoQueue'] }))
    attrs = out.Attributes ?? {}
  } catch (err) {
    const e = err as Error
    throw new SqsdQueueUnreadableError(queueUrl, `${e.name}: ${e.message}`, { cause: err })
  }
  if (attrs.FifoQueue === 'true' && check.periodicTasks) {
    throw new DevConfigError(
      `Queue ${queueNameOf(queueUrl)} is FIFO; Elastic Beanstalk runs no periodic tasks on FIFO worker queues. Drop --cron or use a standard queue.`,
    )
  }
  if (attrs.RedrivePolicy === undefined) {
    log.warn('the queue has no redrive policy: a message the app never accepts is retried until SQS drops it (RetentionPeriod)')
    return
  }
  const max = Number((JSON.parse(attrs.RedrivePolicy) as { maxReceiveCount?: number | string }).maxReceiveCount)
  if (max !== check.maxRetries) {
    log.warn(
      { queueMaxReceiveCount: max, maxRetries: check.maxRetries },
      "MaxRetries differs from the queue's redrive policy; the queue's maxReceiveCount decides when a message goes to the dead-letter queue",
    )
  }
}
