// What the poller learns about each queue at start-up: its visibility timeout and its dead-letter queue.
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs'

/** A queue's attributes that change how the poller treats its messages. */
export interface QueueInfo {
  /** The queue's VisibilityTimeout in seconds (SQS default 30). */
  visibilityTimeout: number
  /** The dead-letter queue of the RedrivePolicy, if any. */
  deadLetter: { arn: string; url: string; maxReceiveCount: number } | undefined
}

/** Reads VisibilityTimeout and RedrivePolicy; resolves the dead-letter queue's URL from its ARN. */
export async function readQueueInfo(client: SQSClient, queueUrl: string): Promise<QueueInfo> {
  const res = await named(
    'GetQueueAttributes',
    client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'] })),
  )
  const a = res.Attributes ?? {}
  const visibilityTimeout = Number(a.VisibilityTimeout ?? 30)
  let deadLetter: QueueInfo['deadLetter']
  if (a.RedrivePolicy) {
    let policy: { deadLetterTargetArn?: string; maxReceiveCount?: number | string } = {}
    try {
      policy = JSON.parse(a.RedrivePolicy) as typeof policy
    } catch {
      // Unreadable policy: treated as no dead-letter queue (the poller warns about that at start-up).
    }
    const arn = policy.deadLetterTargetArn
    if (arn) {
      // arn:aws:sqs:<region>:<account>:<name>
      const [, , , , account, name] = arn.split(':')
      if (name) {
        const url = (await named('GetQueueUrl', client.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account })))).QueueUrl
        if (url) deadLetter = { arn, url, maxReceiveCount: Number(policy.maxReceiveCount ?? 0) }
      }
    }
  }
  return { visibilityTimeout: Number.isFinite(visibilityTimeout) ? visibilityTimeout : 30, deadLetter }
}

/** Which call a failure came from, for messages: set as `operation` on the error (an own property, nothing else). */
async function named<T>(operation: string, call: Promise<T>): Promise<T> {
  try {
    return await call
  } catch (err) {
    if (err !== null && typeof err === 'object') Object.defineProperty(err, 'operation', { value: operation, configurable: true })
    throw err
  }
}

/** The SQS call a {@link readQueueInfo} failure came from. */
export function failedOperation(err: unknown): string {
  const op = err !== null && typeof err === 'object' ? (err as { operation?: unknown }).operation : undefined
  return typeof op === 'string' ? op : 'GetQueueAttributes'
}
