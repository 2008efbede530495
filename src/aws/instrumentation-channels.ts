// The diagnostics_channel surface of AWS SDK operations: channel names, the payload, and the subscriber checks
// that keep publishing free when nobody listens.
import diagnosticsChannel, { type Channel, type TracingChannel } from 'node:diagnostics_channel'

/** Name of the TracingChannel every operation is traced on: `tracing:aws-sdk:operation:{start,end,asyncStart,asyncEnd,error}`. */
export const AWS_SDK_OPERATION_TRACING_CHANNEL = 'aws-sdk:operation'

/**
 * One AWS SDK operation, as published on `<Operation>.<ServiceId>.aws` and on the `aws-sdk:operation`
 * TracingChannel. The same object travels through every event of one operation: the fields that only a
 * finished operation knows (`output` or `error`, `requestId`, `attempts`, `duration`, ...) are `undefined`
 * in `start`/`end` and set before `error`/`asyncStart`/`asyncEnd` and the per-operation channel fire.
 */
export interface AwsSdkOperationEvent {
  /** The per-operation channel name, `<Operation>.<ServiceId>.aws`, e.g. `SendMessage.SQS.aws`. */
  readonly name: string
  /** The service's `serviceId` from its API model, e.g. `SQS`, `DynamoDB`, `SESv2`, `S3`. */
  readonly serviceId: string
  /** The API operation name, e.g. `SendMessage`, `PutItem`. */
  readonly operation: string
  /** The SDK client class name, e.g. `SQSClient`. */
  readonly clientName: string
  /** The SDK command class name, e.g. `SendMessageCommand`. */
  readonly commandName: string
  /** The command input as the application passed it (not filtered: it may hold secrets and message bodies). */
  readonly input: unknown
  /** `Date.now()` when the operation started. */
  readonly startedAt: number
  /** The command output (with `$metadata`) once the operation succeeded. */
  output: unknown
  /** Same as `output`: the name Node's TracingChannel conventions (`tracePromise`) use for a result. */
  result: unknown
  /** The error the operation ended with: a service exception (`name`, `$fault`, `$metadata`) or a network error. */
  error: unknown
  /** The AWS request id of the last attempt (`x-amzn-RequestId`), when the service answered. */
  requestId: string | undefined
  /** HTTP status of the last attempt, when the service answered. */
  httpStatusCode: number | undefined
  /** Attempts made, retries included (from the SDK's retry middleware). */
  attempts: number | undefined
  /** Milliseconds the retry strategy waited between attempts. */
  totalRetryDelay: number | undefined
  /** Milliseconds from start to settlement, measured with `performance.now()`; covers retries, signing and the network. */
  duration: number | undefined
}

/** The TracingChannel all operations are traced on. */
export const awsSdkOperationTracingChannel: TracingChannel<unknown, AwsSdkOperationEvent> =
  diagnosticsChannel.tracingChannel<unknown, AwsSdkOperationEvent>(AWS_SDK_OPERATION_TRACING_CHANNEL)

/** The per-operation channel name, `<Operation>.<ServiceId>.aws` (the Ruby event name, with the SDK's own operation casing). */
export function awsSdkOperationChannelName(operation: string, serviceId: string): string {
  return `${operation}.${serviceId}.aws`
}

// Channels are looked up once per name and kept: `channel()` is a hash lookup behind a WeakRef, and holding the
// object also protects subscribers made through it from Node 20's channel garbage collection.
const operationChannels = new Map<string, Channel>()

/** The plain channel of one operation of one service. */
export function awsSdkOperationChannel(operation: string, serviceId: string): Channel {
  const name = awsSdkOperationChannelName(operation, serviceId)
  let ch = operationChannels.get(name)
  if (ch === undefined) {
    ch = diagnosticsChannel.channel(name)
    operationChannels.set(name, ch)
  }
  return ch
}

/** True when anything listens to any event of the TracingChannel (a subscriber or a bound store). */
export function tracingHasSubscribers(): boolean {
  const tc = awsSdkOperationTracingChannel
  return (
    tc.start.hasSubscribers ||
    tc.end.hasSubscribers ||
    tc.asyncStart.hasSubscribers ||
    tc.asyncEnd.hasSubscribers ||
    tc.error.hasSubscribers
  )
}
