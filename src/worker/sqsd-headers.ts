// Reads the sqsd request headers into the job's delivery metadata.
import type { IncomingHttpHeaders } from 'node:http'
import type { DeliveryInfo } from '../jobs/index.js'
import { setOwnKey } from '../jobs/own-key.js'

const ATTR = 'x-aws-sqsd-attr-'

/**
 * True for the User-Agent of EB's SQS daemon (`aws-sqsd`, `aws-sqsd/2.4`): what marks a request as sqsd's, for the
 * guard ({@link isSqsdRequest}) and for the route constraint that sends it to the worker route.
 */
export function isSqsdUserAgent(userAgent: unknown): boolean {
  return typeof userAgent === 'string' && userAgent.startsWith('aws-sqsd')
}

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** sqsd's own form, whole seconds in UTC: what toISOString would give, checked without building a Date per message. */
const WHOLE_SECONDS_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/

function toIso(text: string, ms: number): string {
  // Date.parse rolls "02-30" over into March and "24:00" into the next day: the text is only kept when the time it
  // parsed to has the same day and hour (reading those back costs nothing next to toISOString's formatting).
  if (!WHOLE_SECONDS_UTC.test(text)) return new Date(ms).toISOString()
  const parsed = new Date(ms)
  const same = parsed.getUTCDate() === twoDigits(text, 8) && parsed.getUTCHours() === twoDigits(text, 11)
  return same ? `${text.slice(0, 19)}.000Z` : parsed.toISOString()
}

function twoDigits(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48
}

/** Delivery metadata from sqsd headers (names are case-insensitive; Node gives them lower-cased). */
export function deliveryFromHeaders(headers: IncomingHttpHeaders): DeliveryInfo {
  const taskName = one(headers, 'x-aws-sqsd-taskname')?.trim() || undefined
  const info: DeliveryInfo = { transport: taskName ? 'periodic' : 'sqsd' }
  const messageId = one(headers, 'x-aws-sqsd-msgid')
  if (messageId) info.messageId = messageId
  const queue = one(headers, 'x-aws-sqsd-queue')
  if (queue) info.queue = queue
  const count = one(headers, 'x-aws-sqsd-receive-count')
  if (count && /^\d+$/.test(count)) info.receiveCount = Number(count)
  const first = one(headers, 'x-aws-sqsd-first-received-at')
  if (first) {
    const ms = Date.parse(first)
    info.firstReceivedAt = Number.isNaN(ms) ? first : toIso(first, ms)
    if (!Number.isNaN(ms)) info.firstReceivedAtMs = ms
  }
  const sender = one(headers, 'x-aws-sqsd-sender-id')
  if (sender) info.senderId = sender
  if (taskName) {
    info.taskName = taskName
    const scheduled = one(headers, 'x-aws-sqsd-scheduled-at')
    if (scheduled) info.scheduledAt = scheduled
  }
  let attributes: Record<string, string> | undefined
  for (const name in headers) {
    if (!name.startsWith(ATTR)) continue
    const value = headers[name]
    if (value === undefined) continue
    setOwnKey((attributes ??= {}), name.slice(ATTR.length), Array.isArray(value) ? value.join(',') : value) // SQS allows __proto__
  }
  if (attributes) info.attributes = attributes
  return info
}
