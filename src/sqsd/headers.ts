// The request aws-sqsd makes for one SQS message: target path, headers and body, as the real daemon builds them.
import type { Message } from '@aws-sdk/client-sqs'
import { SCHEDULED_ATTRIBUTES } from '../sqs/index.js'

/** The User-Agent the daemon sends; the worker guard only checks the `aws-sqsd` prefix. */
export const SQSD_USER_AGENT = 'aws-sqsd/2.4'

const RESERVED_PREFIX = 'beanstalk.sqsd.'
// Header values Node accepts: tab, visible ASCII and Latin-1; anything else (newlines, emoji) would throw.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/** One POST the daemon will make. */
export interface SqsdRequest {
  /** Path (with query) to POST to: HttpPath for jobs, the cron entry's `url` for periodic tasks. */
  path: string
  headers: Record<string, string>
  /** Empty for periodic tasks, as the real daemon sends. */
  body: string
  /** The cron.yaml `name` when this is a periodic task. */
  taskName: string | undefined
  /** Attributes left out of the headers, with why (binary, duplicate, unsendable characters). */
  skipped: { name: string; reason: string }[]
}

/**
 * Builds the request for `message` (received with all system and message attributes). Header names are
 * the canonical case of the EB docs; HTTP makes them case-insensitive.
 */
export function sqsdRequest(message: Message, queueName: string, httpPath: string, mimeType: string): SqsdRequest {
  const sys = message.Attributes ?? {}
  const headers: Record<string, string> = {
    'Content-Type': mimeType,
    'User-Agent': SQSD_USER_AGENT,
    'X-Aws-Sqsd-Msgid': message.MessageId ?? '',
    'X-Aws-Sqsd-Queue': queueName,
    'X-Aws-Sqsd-First-Received-At': isoSeconds(epochMs(sys.ApproximateFirstReceiveTimestamp) ?? Date.now()),
    'X-Aws-Sqsd-Receive-Count': sys.ApproximateReceiveCount ?? '1',
  }
  const sentAt = epochMs(sys.SentTimestamp)
  if (sentAt !== undefined) headers['X-Aws-Sqsd-Sent-At'] = isoSeconds(sentAt)
  if (sys.SenderId !== undefined) headers['X-Aws-Sqsd-Sender-Id'] = sys.SenderId

  const skipped: SqsdRequest['skipped'] = []
  const taken = new Set(Object.keys(headers).map((h) => h.toLowerCase()))
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (name.startsWith(RESERVED_PREFIX)) continue
    const type = value.DataType ?? ''
    if (!type.startsWith('String') && !type.startsWith('Number')) {
      skipped.push({ name, reason: `unsupported data type ${type}` })
      continue
    }
    const header = `X-Aws-Sqsd-Attr-${name}`
    const text = value.StringValue ?? ''
    if (taken.has(header.toLowerCase())) {
      skipped.push({ name, reason: 'duplicate header name (names differ only in case)' })
    } else if (!HEADER_VALUE.test(text)) {
      skipped.push({ name, reason: 'the value has characters an HTTP header cannot carry' })
    } else {
      headers[header] = text
      taken.add(header.toLowerCase())
    }
  }

  const task = scheduledTask(message)
  if (task === undefined) return { path: httpPath, headers, body: message.Body ?? '', taskName: undefined, skipped }
  headers['X-Aws-Sqsd-Taskname'] = task.name
  headers['X-Aws-Sqsd-Scheduled-At'] = task.scheduledAt
  return { path: task.path, headers, body: '', taskName: task.name, skipped }
}

/** The periodic task a message carries (EB's `beanstalk.sqsd.*` attributes), or undefined for a job message. */
export function scheduledTask(message: Message): { name: string; path: string; scheduledAt: string } | undefined {
  const attrs = message.MessageAttributes ?? {}
  const name = attrs[SCHEDULED_ATTRIBUTES.taskName]?.StringValue
  if (name === undefined) return undefined
  const path = attrs[SCHEDULED_ATTRIBUTES.path]?.StringValue ?? '/'
  const raw = attrs[SCHEDULED_ATTRIBUTES.scheduledTime]?.StringValue
  const time = raw === undefined ? Number.NaN : Date.parse(raw)
  return { name, path, scheduledAt: isoSeconds(Number.isNaN(time) ? Date.now() : time) }
}

/** The queue name of a queue URL (its last path segment), as the real daemon sends in `X-Aws-Sqsd-Queue`. */
export function queueNameOf(queueUrl: string): string {
  const path = queueUrl.replace(/[?#].*$/, '').replace(/\/+$/, '')
  return path.slice(path.lastIndexOf('/') + 1)
}

/** `2014-10-21T11:01:06Z`: UTC, whole seconds, as Ruby's `Time#iso8601` writes it. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

function epochMs(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined
  return Number(text)
}
