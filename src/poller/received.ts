// A received SQS message as the poller's events and handlers see it, and its DeliveryInfo for the job.
import type { Message } from '@aws-sdk/client-sqs'
import type { DeliveryInfo } from '../jobs/index.js'
import { setOwnKey } from '../jobs/own-key.js'

/** A message the poller received (the fields jobs and handlers need, without the SDK types). */
export interface ReceivedMessage {
  /** Queue name (the key of `queues:`). */
  queue: string
  queueUrl: string
  messageId: string
  receiptHandle: string
  body: string
  /** ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number
  /** FIFO queues: the message group. */
  groupId: string | undefined
  /** String and Number message attributes, as text. */
  attributes: Readonly<Record<string, string>>
  /** The SDK message, with every attribute as received. */
  raw: Message
}

/** Converts an SDK message. */
export function receivedMessage(queue: string, queueUrl: string, m: Message): ReceivedMessage {
  const attributes: Record<string, string> = {}
  const given = m.MessageAttributes
  if (given !== undefined) {
    for (const k in given) {
      const v = Object.hasOwn(given, k) ? given[k]!.StringValue : undefined
      if (v !== undefined) setOwnKey(attributes, k, v) // SQS allows an attribute named __proto__
    }
  }
  return {
    queue,
    queueUrl,
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    receiveCount: Math.max(1, Number(m.Attributes?.ApproximateReceiveCount ?? 1) || 1),
    groupId: m.Attributes?.MessageGroupId,
    attributes,
    raw: m,
  }
}

/** The DeliveryInfo the job's context gets (transport `poller`). */
export function deliveryOf(message: ReceivedMessage): DeliveryInfo {
  const a = message.raw.Attributes ?? {}
  const firstMs = a.ApproximateFirstReceiveTimestamp ? Number(a.ApproximateFirstReceiveTimestamp) : undefined
  const info: DeliveryInfo = {
    transport: 'poller',
    messageId: message.messageId,
    queue: message.queue,
    receiveCount: message.receiveCount,
    attributes: message.attributes,
  }
  if (firstMs !== undefined && Number.isFinite(firstMs)) {
    info.firstReceivedAtMs = firstMs
    info.firstReceivedAt = new Date(firstMs).toISOString()
  }
  if (a.SenderId) info.senderId = a.SenderId
  return info
}
