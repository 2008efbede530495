// Turns an enqueue request into the SQS message to send: body, attributes, delay, FIFO fields, size check.
import type { MessageAttributeValue } from '@aws-sdk/client-sqs'
import { VERSION } from '../aws/index.js'
import { EnqueueError } from '../errors.js'
import type { EnqueueRequest } from '../jobs/index.js'
import type { QueueSettings } from './config.js'
import { deduplicationId, excludedKeysFor, messageGroupIdFor } from './fifo.js'
import { MAX_DELAY_SECONDS, remainingDelaySeconds } from '../sqs/index.js'

/** Message attribute naming the job class (read by Rails' aws-activejob-sqs too). */
export const JOB_CLASS_ATTRIBUTE = 'aws_sqs_active_job_class'
/** Message attribute with the sending library's version. */
export const JOB_VERSION_ATTRIBUTE = 'aws_sqs_active_job_version'

/** One job, ready to go on the wire. */
export interface OutgoingMessage {
  request: EnqueueRequest
  queue: QueueSettings
  body: string
  /** Shared by every message of the same job: read-only. */
  attributes: Readonly<Record<string, MessageAttributeValue>>
  /** Undefined: the queue's own DelaySeconds applies. */
  delaySeconds: number | undefined
  messageGroupId: string | undefined
  messageDeduplicationId: string | undefined
  /** Body plus attributes, as SQS counts them against its size limit. */
  bytes: number
}

/**
 * Builds the message of `request` for `queue` at time `nowMs`. Throws `EnqueueError` before anything is sent
 * for a delayed job on a FIFO queue and for a message over `maxBytes`.
 */
export function buildMessage(request: EnqueueRequest, queue: QueueSettings, nowMs: number, maxBytes: number): OutgoingMessage {
  const { envelope } = request
  const delay = remainingDelaySeconds(envelope.scheduled_at, nowMs)
  if (queue.fifo && delay > 0) {
    throw new EnqueueError(
      `${envelope.job_class} is scheduled ${delay} s ahead, but queue "${queue.name}" is FIFO and FIFO queues have no per-message delay. ` +
        'Enqueue it without wait/waitUntil (use a retry backoff instead), or use a standard queue.',
    )
  }
  const body = JSON.stringify(envelope)
  const { attributes, attributesBytes } = jobAttributes(envelope.job_class)
  const bytes = Buffer.byteLength(body) + attributesBytes
  if (bytes > maxBytes) {
    throw new EnqueueError(
      `${envelope.job_class} (job ${envelope.job_id}) is ${bytes} bytes with its attributes, over the ${maxBytes}-byte SQS message limit. ` +
        'Pass a reference (an S3 key, a database id) instead of the data itself.',
    )
  }
  return {
    request,
    queue,
    body,
    attributes,
    delaySeconds: delay > 0 ? Math.min(delay, MAX_DELAY_SECONDS) : undefined,
    messageGroupId: queue.fifo ? messageGroupIdFor(request, queue) : undefined,
    messageDeduplicationId: queue.fifo ? deduplicationId(envelope, excludedKeysFor(request, queue)) : undefined,
    bytes,
  }
}

/** A job's message attributes and their size, the same for every message of that job. */
interface JobAttributes {
  readonly attributes: Readonly<Record<string, MessageAttributeValue>>
  readonly attributesBytes: number
}

/** Made once per job name, not per message; frozen, since every message of the job shares them. */
const attributesByJob = new Map<string, JobAttributes>()

function jobAttributes(jobClass: string): JobAttributes {
  let cached = attributesByJob.get(jobClass)
  if (cached === undefined) {
    // Names come from the app's own job classes, so this stays small; the bound is only a guard.
    if (attributesByJob.size >= 1000) attributesByJob.clear()
    const attributes = Object.freeze({
      [JOB_CLASS_ATTRIBUTE]: Object.freeze({ DataType: 'String', StringValue: jobClass }),
      [JOB_VERSION_ATTRIBUTE]: Object.freeze({ DataType: 'String', StringValue: VERSION }),
    })
    cached = { attributes, attributesBytes: attributeBytes(attributes) }
    attributesByJob.set(jobClass, cached)
  }
  return cached
}

/** Bytes SQS counts for message attributes: each name, data type and value. */
export function attributeBytes(attributes: Readonly<Record<string, MessageAttributeValue>>): number {
  let n = 0
  for (const [name, a] of Object.entries(attributes)) {
    n += Buffer.byteLength(name) + Buffer.byteLength(a.DataType ?? '')
    if (a.StringValue !== undefined) n += Buffer.byteLength(a.StringValue)
    if (a.BinaryValue !== undefined) n += a.BinaryValue.byteLength
  }
  return n
}
