// X-SES-* headers become SES request parameters and leave the MIME: SES v2 SendEmail ignores some of them
// in raw content (aws-actionmailer-ses #8/#11), and a parameter is what SES documents as authoritative.
import { MailMessageError } from '../errors.js'
import type { ListManagementOptions, MailHeaders } from './message.js'

/** The SES options found in a message's headers. */
export interface SesHeaderValues {
  configurationSet?: string
  tags?: Record<string, string>
  fromArn?: string
  sourceArn?: string
  returnPathArn?: string
  listManagement?: ListManagementOptions
}

/** One header line for the MIME. */
export interface HeaderLine {
  readonly key: string
  readonly value: string
}

/** Headers split into SES options and what stays in the MIME. */
export interface SplitHeaders {
  readonly ses: SesHeaderValues
  readonly mime: HeaderLine[]
}

type SesKey = keyof SesHeaderValues
const SES_HEADERS: ReadonlyMap<string, SesKey> = new Map<string, SesKey>([
  ['x-ses-configuration-set', 'configurationSet'],
  ['x-ses-message-tags', 'tags'],
  ['x-ses-from-arn', 'fromArn'],
  ['x-ses-source-arn', 'sourceArn'],
  ['x-ses-return-path-arn', 'returnPathArn'],
  ['x-ses-list-management-options', 'listManagement'],
])

/** Headers set from message fields; a copy in `headers` would be silently overridden (or would bypass checks). */
const FIELD_HEADERS: ReadonlyMap<string, string> = new Map([
  ['from', 'from'],
  ['sender', 'sender'],
  ['to', 'to'],
  ['cc', 'cc'],
  ['bcc', 'bcc'],
  ['reply-to', 'replyTo'],
  ['subject', 'subject'],
  ['in-reply-to', 'inReplyTo'],
  ['references', 'references'],
])
/** Structure headers MailComposer owns. */
const MIME_HEADERS = new Set(['content-type', 'content-transfer-encoding', 'mime-version'])

// RFC 5322 field name: printable ASCII except ':'.
const FIELD_NAME = /^[!-9;-~]+$/

/**
 * Splits custom headers: known `X-SES-*` ones are parsed into SES options (and removed), the rest stay.
 * An unknown `X-SES-*` name (a typo would silently drop a configuration set), a repeated `X-SES-*` header,
 * a bad name or value, or a header that belongs in a message field throws {@link MailMessageError}.
 */
export function splitHeaders(headers: MailHeaders | undefined): SplitHeaders {
  const ses: SesHeaderValues = {}
  const mime: HeaderLine[] = []
  for (const { key, value } of headerLines(headers)) {
    const lower = key.toLowerCase()
    const sesKey = SES_HEADERS.get(lower)
    if (sesKey !== undefined) {
      if (ses[sesKey] !== undefined) throw new MailMessageError(`header ${key} is given more than once.`)
      assign(ses, sesKey, key, value.trim())
      continue
    }
    if (lower.startsWith('x-ses-')) {
      throw new MailMessageError(`unknown SES header ${key}. Known: ${[...SES_HEADERS.keys()].map(upper).join(', ')}.`)
    }
    const field = FIELD_HEADERS.get(lower)
    if (field !== undefined) throw new MailMessageError(`set message.${field} instead of a ${key} header.`)
    if (MIME_HEADERS.has(lower)) throw new MailMessageError(`header ${key} is set by the MIME composer and cannot be given.`)
    mime.push({ key, value })
  }
  return { ses, mime }
}

function headerLines(headers: MailHeaders | undefined): HeaderLine[] {
  if (headers === undefined || headers === null) return []
  if (typeof headers !== 'object') throw new MailMessageError('headers must be an object or a list of { key, value }.')
  const lines: HeaderLine[] = []
  if (Array.isArray(headers)) {
    headers.forEach((h: unknown, i) => {
      const line = h as Partial<HeaderLine> | null
      if (line === null || typeof line !== 'object') throw new MailMessageError(`headers[${i}] must be { key, value }.`)
      lines.push(checked(line.key, line.value, `headers[${i}]`))
    })
    return lines
  }
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (Array.isArray(value)) value.forEach((v: unknown) => lines.push(checked(key, v, `headers[${JSON.stringify(key)}]`)))
    else if (value !== undefined) lines.push(checked(key, value, `headers[${JSON.stringify(key)}]`))
  }
  return lines
}

function checked(key: unknown, value: unknown, where: string): HeaderLine {
  if (typeof key !== 'string' || !FIELD_NAME.test(key)) {
    throw new MailMessageError(`${where}: header name ${JSON.stringify(key)} is not valid (printable ASCII, no spaces or colons).`)
  }
  if (typeof value !== 'string') throw new MailMessageError(`${where}: header ${key} must have a string value, got ${typeof value}.`)
  return { key, value }
}

function assign(ses: SesHeaderValues, sesKey: SesKey, key: string, value: string): void {
  if (value === '') throw new MailMessageError(`header ${key} is empty.`)
  switch (sesKey) {
    case 'tags':
      ses.tags = parseTagHeader(key, value)
      return
    case 'listManagement':
      ses.listManagement = parseListManagementHeader(key, value)
      return
    default:
      ses[sesKey] = value
  }
}

/** `name=value, name2=value2` (the format SES documents for X-SES-MESSAGE-TAGS). */
function parseTagHeader(key: string, value: string): Record<string, string> {
  const tags: Record<string, string> = Object.create(null) as Record<string, string>
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=')
    const name = eq < 0 ? '' : pair.slice(0, eq).trim()
    if (name === '') throw new MailMessageError(`header ${key} must read "name=value, name2=value2", got ${JSON.stringify(value)}.`)
    if (Object.hasOwn(tags, name)) throw new MailMessageError(`header ${key} names tag ${JSON.stringify(name)} twice.`)
    tags[name] = pair.slice(eq + 1).trim()
  }
  return tags
}

/** `contactListName; topic=topicName` (the topic part is optional). */
function parseListManagementHeader(key: string, value: string): ListManagementOptions {
  const [list, ...params] = value.split(';').map((p) => p.trim())
  if (!list) throw new MailMessageError(`header ${key} must read "contactListName; topic=topicName", got ${JSON.stringify(value)}.`)
  let topicName: string | undefined
  for (const p of params) {
    const m = /^topic\s*=\s*(.+)$/i.exec(p)
    if (!m || topicName !== undefined) {
      throw new MailMessageError(`header ${key} must read "contactListName; topic=topicName", got ${JSON.stringify(value)}.`)
    }
    topicName = m[1]!.trim()
  }
  return topicName === undefined ? { contactListName: list } : { contactListName: list, topicName }
}

function upper(name: string): string {
  return name.toUpperCase()
}
