// The record Lambda's SQS trigger hands a function for a received message: the SDK's PascalCase, camelCased.
import type { Message } from '@aws-sdk/client-sqs'
import type { SqsRecord } from '../../src/lambda/index.js'

/** A Lambda SQS event record for `message`, received from the queue whose ARN is `queueArn`. */
export function lambdaRecord(message: Message, queueArn: string, region = 'us-east-1'): SqsRecord {
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body!,
    attributes: { ...(message.Attributes as Record<string, string>) },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, { stringValue: v.StringValue, dataType: v.DataType! }]),
    ),
    md5OfBody: message.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  } as SqsRecord
}
