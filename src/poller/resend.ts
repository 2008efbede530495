// Copies a received message to a queue: back to its own queue with a delay (early jobs), or to the dead-letter queue.
import { SendMessageCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs'
import { MAX_DELAY_SECONDS } from '../queue/index.js'
import type { ReceivedMessage } from './received.js'

/** Attribute added to dead-lettered messages: why the job failed. */
export const FAILURE_ATTRIBUTE = 'fastify_aws_failure'

/**
 * Sends a copy of `m` to `queueUrl` to wait min(remaining, 900) s more. The caller deletes the original
 * only after this resolved, so a failure leaves the job in the queue (it comes back early again).
 */
export async function resendLater(client: SQSClient, queueUrl: string, m: ReceivedMessage, remainingSeconds: number): Promise<void> {
  await client.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: m.body,
      MessageAttributes: copyAttributes(m),
      DelaySeconds: Math.min(remainingSeconds, MAX_DELAY_SECONDS),
    }),
  )
}

/** Sends `m` to the dead-letter queue with a `fastify_aws_failure` attribute (the error, cut to 256 characters). */
export async function moveToDeadLetter(client: SQSClient, deadLetterUrl: string, m: ReceivedMessage, error: Error): Promise<void> {
  const fifo = deadLetterUrl.endsWith('.fifo')
  await client.send(
    new SendMessageCommand({
      QueueUrl: deadLetterUrl,
      MessageBody: m.body,
      MessageAttributes: {
        ...copyAttributes(m),
        [FAILURE_ATTRIBUTE]: { DataType: 'String', StringValue: `${error.name}: ${error.message}`.slice(0, 256) },
      },
      ...(fifo ? { MessageGroupId: m.groupId ?? 'dead-letter', MessageDeduplicationId: m.messageId } : {}),
    }),
  )
}

function copyAttributes(m: ReceivedMessage): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {}
  for (const [k, v] of Object.entries(m.raw.MessageAttributes ?? {})) {
    out[k] = { DataType: v.DataType, ...(v.StringValue !== undefined ? { StringValue: v.StringValue } : {}), ...(v.BinaryValue !== undefined ? { BinaryValue: v.BinaryValue } : {}) }
  }
  return out
}
