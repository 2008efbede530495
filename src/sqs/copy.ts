// Copies of a received message: back to its queue to wait out the rest of its delay (a job that arrived before its
// scheduled_at), or to the dead-letter queue. Every consumer (poller, Lambda handler, EB worker) sends them this way.
import { SendMessageCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs'
import { MAX_DELAY_SECONDS } from './delay.js'

/** Attribute added to dead-lettered messages: why the job failed. */
export const FAILURE_ATTRIBUTE = 'fastify_aws_failure'

/** A message attribute as a transport carries it: the SDK's PascalCase or Lambda's camelCase record form. */
export type AnyMessageAttribute =
  | MessageAttributeValue
  | { dataType: string; stringValue?: string | undefined; binaryValue?: string | undefined }

/**
 * The message attributes to send with a copy: String/Number values as they are, Binary values as bytes (Lambda
 * records carry them base64-encoded). Attributes without a value are left out.
 */
export function copyAttributes(attributes: Readonly<Record<string, AnyMessageAttribute>> | undefined): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {}
  if (attributes === undefined) return out
  for (const [name, a] of Object.entries(attributes)) {
    if ('DataType' in a) {
      if (a.StringValue !== undefined) out[name] = { DataType: a.DataType, StringValue: a.StringValue }
      else if (a.BinaryValue !== undefined) out[name] = { DataType: a.DataType, BinaryValue: a.BinaryValue }
    } else if (typeof a.stringValue === 'string') out[name] = { DataType: a.dataType, StringValue: a.stringValue }
    else if (typeof a.binaryValue === 'string') out[name] = { DataType: a.dataType, BinaryValue: Buffer.from(a.binaryValue, 'base64') }
  }
  return out
}

/** What a copy is made of. */
export interface MessageCopy {
  body: string
  attributes?: Readonly<Record<string, AnyMessageAttribute>> | undefined
}

/**
 * Sends a copy of a message to `queueUrl` to wait min(`remainingSeconds`, 900) s more. The caller deletes (or, on
 * the EB worker, acknowledges) the original only after this resolved, so a failure leaves the job in its queue.
 */
export async function sendBackToWait(client: SQSClient, queueUrl: string, message: MessageCopy, remainingSeconds: number): Promise<void> {
  await client.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: message.body,
      MessageAttributes: copyAttributes(message.attributes),
      DelaySeconds: Math.min(remainingSeconds, MAX_DELAY_SECONDS),
    }),
  )
}

/**
 * Sends a copy to the dead-letter queue with a `fastify_aws_failure` attribute (the error, cut to 256 characters).
 * A FIFO dead-letter queue gets the message's group (else `dead-letter`) and its id as the deduplication id.
 */
export async function moveToDeadLetter(
  client: SQSClient,
  deadLetterUrl: string,
  message: MessageCopy & { messageId: string; groupId?: string | undefined },
  error: Error,
): Promise<void> {
  const fifo = deadLetterUrl.endsWith('.fifo')
  await client.send(
    new SendMessageCommand({
      QueueUrl: deadLetterUrl,
      MessageBody: message.body,
      MessageAttributes: {
        ...copyAttributes(message.attributes),
        [FAILURE_ATTRIBUTE]: { DataType: 'String', StringValue: `${error.name}: ${error.message}`.slice(0, 256) },
      },
      ...(fifo ? { MessageGroupId: message.groupId ?? 'dead-letter', MessageDeduplicationId: message.messageId } : {}),
    }),
  )
}
