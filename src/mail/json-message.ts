// A message as plain JSON, to travel as a job argument: bytes become base64, X-SES-* headers become fields.
import { MailMessageError } from '../errors.js'
import type { MailAddress, MailAddresses, MailMessage } from './message.js'
import { resolveSesOptions, type SesDefaults } from './send-options.js'
import { splitHeaders } from './ses-headers.js'

/** A JSON-safe address (`{ name, address }` objects pass through unchanged). */
export type JsonAddress = string | { name?: string; address: string }

/** A JSON-safe attachment: the bytes are base64 text. */
export interface JsonAttachment {
  filename?: string
  content: string
  encoding: 'base64' | 'utf8'
  contentType?: string
  contentDisposition?: 'attachment' | 'inline'
  cid?: string
}

/** A {@link MailMessage} that `JSON.stringify` carries without loss (the argument of the delivery job). */
export interface JsonMailMessage {
  from?: JsonAddress
  sender?: JsonAddress
  to?: JsonAddress[]
  cc?: JsonAddress[]
  bcc?: JsonAddress[]
  replyTo?: JsonAddress[]
  inReplyTo?: string
  references?: string[]
  subject?: string
  text?: string
  html?: string
  attachments?: JsonAttachment[]
  headers?: { key: string; value: string }[]
  envelope?: { from?: JsonAddress; to?: JsonAddress[] }
  configurationSet?: string
  tags?: Record<string, string>
  fromArn?: string
  sourceArn?: string
  returnPathArn?: string
  listManagement?: { contactListName: string; topicName?: string }
}

/**
 * The JSON form of a message, with the mailer's defaults (`from`, configuration set, tags) and its X-SES-*
 * headers resolved now, so the job later sends exactly what `send` would have sent at enqueue time.
 */
export function toJsonMessage(message: MailMessage, defaults: SesDefaults & { from?: MailAddress }): JsonMailMessage {
  const headers = splitHeaders(message.headers)
  const ses = resolveSesOptions(message, headers.ses, defaults)
  const out: JsonMailMessage = {}
  const from = message.from ?? defaults.from
  if (from !== undefined) out.from = address(from)
  if (message.sender !== undefined) out.sender = address(message.sender)
  for (const field of ['to', 'cc', 'bcc', 'replyTo'] as const) {
    const v = message[field]
    if (v !== undefined) out[field] = addresses(v)
  }
  if (message.inReplyTo !== undefined) out.inReplyTo = message.inReplyTo
  if (message.references !== undefined) out.references = typeof message.references === 'string' ? [message.references] : [...message.references]
  if (message.subject !== undefined) out.subject = message.subject
  if (message.text !== undefined) out.text = message.text
  if (message.html !== undefined) out.html = message.html
  if (message.attachments?.length) {
    out.attachments = message.attachments.map((a) => {
      const j: JsonAttachment =
        a.content instanceof Uint8Array
          ? { content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength).toString('base64'), encoding: 'base64' }
          : a.encoding === undefined || a.encoding === 'utf8'
            ? { content: a.content, encoding: 'utf8' }
            : { content: Buffer.from(a.content, a.encoding).toString('base64'), encoding: 'base64' }
      if (a.filename !== undefined) j.filename = a.filename
      if (a.contentType !== undefined) j.contentType = a.contentType
      if (a.contentDisposition !== undefined) j.contentDisposition = a.contentDisposition
      if (a.cid !== undefined) j.cid = a.cid
      return j
    })
  }
  if (headers.mime.length) out.headers = headers.mime.map((h) => ({ key: h.key, value: h.value }))
  if (message.envelope !== undefined) {
    out.envelope = {}
    if (message.envelope.from !== undefined) out.envelope.from = address(message.envelope.from)
    if (message.envelope.to !== undefined) out.envelope.to = addresses(message.envelope.to)
  }
  if (ses.configurationSet !== undefined) out.configurationSet = ses.configurationSet
  if (Object.keys(ses.tags).length) out.tags = { ...ses.tags }
  if (ses.fromArn !== undefined) out.fromArn = ses.fromArn
  if (ses.sourceArn !== undefined) out.sourceArn = ses.sourceArn
  if (ses.returnPathArn !== undefined) out.returnPathArn = ses.returnPathArn
  if (ses.listManagement !== undefined) out.listManagement = { ...ses.listManagement }
  return out
}

/**
 * Reads a job argument back into a message. It is plain data from a queue: anything not shaped like a
 * {@link JsonMailMessage} is rejected by the same checks `send` applies (addresses, headers, attachments).
 */
export function fromJsonMessage(json: unknown): MailMessage {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new MailMessageError('the delivery job argument is not a message object.')
  }
  // Only known keys are copied; nothing from the message is used as a property path.
  const j = json as Record<string, unknown>
  const known: (keyof JsonMailMessage)[] = [
    'from', 'sender', 'to', 'cc', 'bcc', 'replyTo', 'inReplyTo', 'references', 'subject', 'text', 'html', 'attachments',
    'headers', 'envelope', 'configurationSet', 'tags', 'fromArn', 'sourceArn', 'returnPathArn', 'listManagement',
  ]
  const unknown = Object.keys(j).filter((k) => !(known as string[]).includes(k))
  if (unknown.length) throw new MailMessageError(`the delivery job argument has unknown fields: ${unknown.join(', ')}.`)
  const out: Record<string, unknown> = {}
  for (const k of known) if (j[k] !== undefined) out[k] = j[k]
  return out as MailMessage
}

function address(a: MailAddress): JsonAddress {
  return typeof a === 'string' ? a : a.name !== undefined ? { name: a.name, address: a.address } : { address: a.address }
}

function addresses(v: MailAddresses): JsonAddress[] {
  return (Array.isArray(v) ? v : [v as MailAddress]).map(address)
}
