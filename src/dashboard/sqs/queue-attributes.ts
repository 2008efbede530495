// What SQS says about one queue: its counts, FIFO or not, and where its redrive policy sends dead letters.
// Beside the SQS layer's readQueueInfo (what a consumer needs at start-up: visibility timeout, dead-letter URL), this
// reads every attribute in one call for display: the counts, the ARN, FIFO, and a redrive policy that may be broken.
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs'

/** Approximate message counts, as GetQueueAttributes reports them. */
export interface QueueCounts {
  /** ApproximateNumberOfMessages: ready to be received. */
  visible: number
  /** ApproximateNumberOfMessagesNotVisible: received, not yet deleted. */
  inFlight: number
  /** ApproximateNumberOfMessagesDelayed: sent with a delay that has not passed. */
  delayed: number
}

/** One queue's attributes that the dashboard shows. */
export interface QueueAttributes {
  url: string
  arn: string | undefined
  fifo: boolean
  counts: QueueCounts
  visibilityTimeout: number | undefined
  /** The RedrivePolicy, when the queue has one that can be read. */
  redrive: { deadLetterArn: string; maxReceiveCount: number } | undefined
}

/** Reads every attribute of `url` (one GetQueueAttributes call). */
export async function readQueueAttributes(sqs: SQSClient, url: string, signal?: AbortSignal): Promise<QueueAttributes> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }), signal ? { abortSignal: signal } : {})
  const a = out.Attributes ?? {}
  return {
    url,
    arn: a.QueueArn,
    fifo: a.FifoQueue === 'true' || url.endsWith('.fifo'),
    counts: {
      visible: count(a.ApproximateNumberOfMessages),
      inFlight: count(a.ApproximateNumberOfMessagesNotVisible),
      delayed: count(a.ApproximateNumberOfMessagesDelayed),
    },
    visibilityTimeout: a.VisibilityTimeout === undefined ? undefined : count(a.VisibilityTimeout),
    redrive: redrivePolicy(a.RedrivePolicy),
  }
}

/** The dead-letter target and maxReceiveCount of a RedrivePolicy attribute; undefined when absent or unreadable. */
export function redrivePolicy(text: string | undefined): QueueAttributes['redrive'] {
  if (text === undefined || text === '') return undefined
  try {
    const policy = JSON.parse(text) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown }
    if (typeof policy.deadLetterTargetArn !== 'string' || policy.deadLetterTargetArn === '') return undefined
    return { deadLetterArn: policy.deadLetterTargetArn, maxReceiveCount: Number(policy.maxReceiveCount ?? 0) || 0 }
  } catch {
    return undefined
  }
}

/** Name and account of an SQS queue ARN (`arn:aws:sqs:<region>:<account>:<name>`); undefined for anything else. */
export function parseQueueArn(arn: string): { region: string; account: string; name: string } | undefined {
  const parts = arn.split(':')
  if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'sqs' || !parts[5]) return undefined
  return { region: parts[3]!, account: parts[4]!, name: parts[5] }
}

/** The URL of the queue an ARN names (GetQueueUrl with its account), or undefined when the ARN is not an SQS queue's. */
export async function queueUrlOfArn(sqs: SQSClient, arn: string, signal?: AbortSignal): Promise<string | undefined> {
  const parsed = parseQueueArn(arn)
  if (parsed === undefined) return undefined
  const out = await sqs.send(
    new GetQueueUrlCommand({ QueueName: parsed.name, QueueOwnerAWSAccountId: parsed.account }),
    signal ? { abortSignal: signal } : {},
  )
  return out.QueueUrl
}

/** The queue name of a queue URL: its last path segment. */
export function queueNameOfUrl(url: string): string {
  const path = url.replace(/[?#].*$/, '').replace(/\/+$/, '')
  return path.slice(path.lastIndexOf('/') + 1)
}

function count(text: string | undefined): number {
  const n = Number(text ?? 0)
  return Number.isFinite(n) && n >= 0 ? n : 0
}
