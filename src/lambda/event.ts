// The SQS event Lambda hands a function, and what the function answers (shapes of @types/aws-lambda).

/** One message attribute as Lambda delivers it (camelCase, unlike the SQS API). */
export interface SqsRecordMessageAttribute {
  stringValue?: string
  binaryValue?: string
  stringListValues?: string[]
  binaryListValues?: string[]
  dataType: string
}

/** One SQS record of a Lambda event. */
export interface SqsRecord {
  messageId: string
  receiptHandle: string
  body: string
  attributes: {
    ApproximateReceiveCount?: string
    SentTimestamp?: string
    SenderId?: string
    ApproximateFirstReceiveTimestamp?: string
    MessageGroupId?: string
    MessageDeduplicationId?: string
    SequenceNumber?: string
    [key: string]: string | undefined
  }
  messageAttributes: Record<string, SqsRecordMessageAttribute>
  md5OfBody?: string
  eventSource: string
  /** `arn:aws:sqs:<region>:<account>:<queue>` */
  eventSourceARN: string
  awsRegion?: string
}

/** The event of an SQS trigger. */
export interface SqsEvent {
  Records: SqsRecord[]
}

/** The partial batch response: Lambda deletes every record not listed (needs ReportBatchItemFailures on the trigger). */
export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>
}
