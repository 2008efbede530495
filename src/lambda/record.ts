// Reading a Lambda SQS record: its queue (from the ARN), its DeliveryInfo, and whether it is FIFO.
import { LambdaEventError } from '../errors.js'
import type { DeliveryInfo } from '../jobs/index.js'
import type { SqsRecord } from './event.js'

/** Where a record came from. */
export interface RecordQueue {
  name: string
  region: string
  account: string
  /** The queue URL rebuilt from the ARN (for re-sends and visibility changes). */
  url: string
  fifo: boolean
}

/** Parses `eventSourceARN`; an ARN that is not an SQS queue's is a `LambdaEventError`. */
export function queueOfRecord(record: SqsRecord): RecordQueue {
  const parts = typeof record.eventSourceARN === 'string' ? record.eventSourceARN.split(':') : []
  const [arn, partition, service, region, account, name] = parts
  if (parts.length !== 6 || arn !== 'arn' || service !== 'sqs' || !region || !account || !name || !partition) {
    throw new LambdaEventError(`record ${record.messageId} has eventSourceARN ${JSON.stringify(record.eventSourceARN)}, not arn:aws:sqs:<region>:<account>:<queue>`)
  }
  const suffix = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com'
  return { name, region, account, url: `https://sqs.${region}.${suffix}/${account}/${name}`, fifo: name.endsWith('.fifo') }
}

/** The DeliveryInfo a job run from Lambda sees (transport `lambda`). */
export function deliveryOfRecord(record: SqsRecord, queue: RecordQueue): DeliveryInfo {
  const a = record.attributes ?? {}
  const attributes: Record<string, string> = {}
  for (const [k, v] of Object.entries(record.messageAttributes ?? {})) {
    if (typeof v?.stringValue === 'string') attributes[k] = v.stringValue
  }
  const info: DeliveryInfo = {
    transport: 'lambda',
    messageId: record.messageId,
    queue: queue.name,
    receiveCount: Math.max(1, Number(a.ApproximateReceiveCount ?? 1) || 1),
    attributes,
  }
  const first = Number(a.ApproximateFirstReceiveTimestamp)
  if (a.ApproximateFirstReceiveTimestamp && Number.isFinite(first)) {
    info.firstReceivedAtMs = first
    info.firstReceivedAt = new Date(first).toISOString()
  }
  if (a.SenderId) info.senderId = a.SenderId
  return info
}
