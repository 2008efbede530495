// The raw MIME message, built by nodemailer's MailComposer (header encoding, folding, multipart layout are its
// job, well tested); we only hand it checked values.
import MailComposer from 'nodemailer/lib/mail-composer'
import type { MailComposerAttachment } from 'nodemailer/lib/mail-composer'
import { MailMessageError } from '../errors.js'
import type { Mailbox } from './addresses.js'
import type { HeaderLine } from './ses-headers.js'
import type { MailAttachment } from './message.js'

/** Everything the MIME is built from, already checked. Bcc is not here: it must never reach the headers. */
export interface MimeParts {
  from: Mailbox
  sender?: Mailbox | undefined
  to: readonly Mailbox[]
  cc: readonly Mailbox[]
  replyTo: readonly Mailbox[]
  inReplyTo?: string | undefined
  references?: string | readonly string[] | undefined
  subject?: string | undefined
  text?: string | undefined
  html?: string | undefined
  attachments: readonly MailComposerAttachment[]
  headers: readonly HeaderLine[]
}

/** Builds the raw RFC 5322 message with CRLF line ends. MailComposer never reads files or URLs here. */
export async function composeMime(parts: MimeParts): Promise<Buffer> {
  const composer = new MailComposer({
    from: parts.from,
    ...(parts.sender ? { sender: parts.sender } : {}),
    ...(parts.to.length ? { to: [...parts.to] } : {}),
    ...(parts.cc.length ? { cc: [...parts.cc] } : {}),
    ...(parts.replyTo.length ? { replyTo: [...parts.replyTo] } : {}),
    ...(parts.inReplyTo !== undefined ? { inReplyTo: parts.inReplyTo } : {}),
    ...(parts.references !== undefined ? { references: typeof parts.references === 'string' ? parts.references : [...parts.references] } : {}),
    ...(parts.subject !== undefined ? { subject: parts.subject } : {}),
    ...(parts.text !== undefined ? { text: parts.text } : {}),
    ...(parts.html !== undefined ? { html: parts.html } : {}),
    attachments: [...parts.attachments],
    headers: parts.headers.map((h) => ({ key: h.key, value: h.value })),
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: 'windows',
  })
  return composer.compile().build()
}

const ENCODINGS = new Set(['utf8', 'base64', 'hex', 'latin1'])
const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/

/** Checks attachments and turns them into MailComposer's shape (content only: no `path`, no `href`). */
export function toComposerAttachments(attachments: readonly MailAttachment[] | undefined): MailComposerAttachment[] {
  if (attachments === undefined || attachments === null) return []
  if (!Array.isArray(attachments)) throw new MailMessageError('attachments must be a list.')
  return attachments.map((a: MailAttachment, i) => {
    const where = `attachments[${i}]`
    if (a === null || typeof a !== 'object') throw new MailMessageError(`${where} must be an object with content.`)
    const out: MailComposerAttachment = { content: attachmentContent(a, where) }
    if (a.filename !== undefined) out.filename = text(a.filename, `${where}.filename`)
    if (a.contentType !== undefined) out.contentType = text(a.contentType, `${where}.contentType`)
    if (a.cid !== undefined) out.cid = text(a.cid, `${where}.cid`)
    if (a.contentDisposition !== undefined) {
      if (a.contentDisposition !== 'attachment' && a.contentDisposition !== 'inline') {
        throw new MailMessageError(`${where}.contentDisposition must be "attachment" or "inline".`)
      }
      out.contentDisposition = a.contentDisposition
    }
    return out
  })
}

function attachmentContent(a: MailAttachment, where: string): Buffer | string {
  if ('path' in a || 'href' in a) {
    throw new MailMessageError(`${where}: give the bytes in content (read the file yourself); path and href are not read.`)
  }
  if (a.content instanceof Uint8Array) return Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength)
  if (typeof a.content !== 'string') throw new MailMessageError(`${where}.content must be a string or bytes (Buffer/Uint8Array).`)
  const encoding = a.encoding ?? 'utf8'
  if (!ENCODINGS.has(encoding)) throw new MailMessageError(`${where}.encoding must be one of ${[...ENCODINGS].join(', ')}.`)
  if (encoding === 'base64' && !BASE64.test(a.content)) throw new MailMessageError(`${where}.content is not valid base64.`)
  if (encoding === 'hex' && !/^(?:[0-9a-fA-F]{2})*$/.test(a.content)) throw new MailMessageError(`${where}.content is not valid hex.`)
  return encoding === 'utf8' ? a.content : Buffer.from(a.content, encoding)
}

function text(v: unknown, where: string): string {
  if (typeof v !== 'string' || /[\r\n]/.test(v)) throw new MailMessageError(`${where} must be a one-line string.`)
  return v
}
