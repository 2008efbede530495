// The worker queue and its dead-letter queue, as EB creates them for a worker environment.
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type CreateQueueCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs'

/** The two queues of a worker environment. */
export interface WorkerQueues {
  queueUrl: string
  deadLetterQueueUrl: string
}

/** How to create them. */
export interface WorkerQueueOptions {
  /** Worker queue name; the dead-letter queue is `<name>-dead-letter`. */
  name: string
  /** Receives before SQS moves a message to the dead-letter queue (RedrivePolicy maxReceiveCount = MaxRetries). */
  maxRetries: number
  /** Queue default visibility timeout, seconds (the daemon sets its own on each receive anyway). */
  visibilityTimeout: number
  /** Seconds SQS keeps a message (RetentionPeriod). */
  retentionPeriod: number
}

/**
 * Creates (or finds, CreateQueue being idempotent for equal attributes) the dead-letter queue, then the
 * worker queue with a RedrivePolicy pointing at it.
 */
export async function createWorkerQueues(sqs: SQSClient, o: WorkerQueueOptions): Promise<WorkerQueues> {
  const retention = String(o.retentionPeriod)
  const deadLetterQueueUrl = await createOrFind(sqs, {
    QueueName: `${o.name}-dead-letter`,
    Attributes: { MessageRetentionPeriod: '1209600' },
  })
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['QueueArn'] }),
  )
  const queueUrl = await createOrFind(sqs, {
    QueueName: o.name,
    Attributes: {
      VisibilityTimeout: String(o.visibilityTimeout),
      MessageRetentionPeriod: retention,
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: o.maxRetries }),
    },
  })
  return { queueUrl, deadLetterQueueUrl }
}

// A queue left by an earlier run with other attributes (say another MaxRetries) is used as it is: the daemon
// warns at start when its redrive policy differs from MaxRetries.
async function createOrFind(sqs: SQSClient, input: CreateQueueCommandInput): Promise<string> {
  try {
    return (await sqs.send(new CreateQueueCommand(input))).QueueUrl!
  } catch (err) {
    if ((err as Error).name !== 'QueueNameExists') throw err
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: input.QueueName }))).QueueUrl!
  }
}
