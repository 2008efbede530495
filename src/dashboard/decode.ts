// A dead letter as a person reads it: the job it carries (class, arguments, executions, enqueued_at), or why its
// body is not a job, with the periodic task, the failure note and the attributes. Read, never run or evaluated.
import type { Message } from '@aws-sdk/client-sqs'
import { parseEnvelope, type JobEnvelope } from '../jobs/index.js'
import { FAILURE_ATTRIBUTE, SCHEDULED_ATTRIBUTES } from '../sqs/index.js'

/** One message attribute as text. */
export interface ShownAttribute {
  name: string
  type: string
  /** String and Number values as they are; Binary ones as their size. */
  value: string
}

/** A decoded dead letter. */
export interface DecodedMessage {
  messageId: string
  /** `job`: a job envelope; `periodic`: a cron.yaml task message; `unreadable`: anything else. */
  kind: 'job' | 'periodic' | 'unreadable'
  /** The envelope, when the body is a valid one. */
  envelope: JobEnvelope | undefined
  /** The body's `job_class`, even from an envelope that is otherwise invalid. */
  jobClass: string | undefined
  taskName: string | undefined
  /** Why the body is not a job envelope. */
  problem: string | undefined
  /** The poller's note of why the job failed, when it moved the message here. */
  failure: string | undefined
  receiveCount: number | undefined
  /** SentTimestamp, epoch ms. */
  sentAt: number | undefined
  /** The body as received. */
  body: string
  attributes: ShownAttribute[]
}

/** Decodes a received message (with its system and message attributes). */
export function decodeMessage(m: Message): DecodedMessage {
  const body = m.Body ?? ''
  const attrs = m.MessageAttributes ?? {}
  const taskName = attrs[SCHEDULED_ATTRIBUTES.taskName]?.StringValue
  let envelope: JobEnvelope | undefined
  let problem: string | undefined
  if (taskName === undefined) {
    try {
      envelope = parseEnvelope(body)
    } catch (err) {
      problem = (err as Error).message
    }
  }
  const sys = m.Attributes ?? {}
  return {
    messageId: m.MessageId ?? '',
    kind: taskName !== undefined ? 'periodic' : envelope !== undefined ? 'job' : 'unreadable',
    envelope,
    jobClass: envelope?.job_class ?? looseJobClass(body),
    taskName,
    problem,
    failure: attrs[FAILURE_ATTRIBUTE]?.StringValue,
    receiveCount: number(sys.ApproximateReceiveCount),
    sentAt: number(sys.SentTimestamp),
    body,
    attributes: Object.entries(attrs).map(([name, v]) => ({
      name,
      type: v.DataType ?? '?',
      value: v.StringValue ?? (v.BinaryValue !== undefined ? `(${v.BinaryValue.byteLength} bytes of binary)` : ''),
    })),
  }
}

/** The body pretty-printed when it is JSON, else as it is. */
export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2)
  } catch {
    return body
  }
}

/** `job_class` of a body that is JSON but not a valid envelope, so the list still says which job it was. */
function looseJobClass(body: string): string | undefined {
  try {
    const v = JSON.parse(body) as unknown
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, 'job_class')) {
      const c = (v as { job_class: unknown }).job_class
      return typeof c === 'string' ? c : undefined
    }
  } catch {
    // not JSON: no class to show
  }
  return undefined
}

function number(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  return Number.isFinite(n) ? n : undefined
}
