// Every check a message needs, in one pass, before any SES call: a bad message costs nothing and sends nothing.
import { MailMessageError, MailTooLargeError } from '../errors.js'
import { parseAddresses, parseMailbox } from './addresses.js'
import { composeMime, toComposerAttachments } from './compose.js'
import { buildEnvelope, type Envelope } from './envelope.js'
import { MAX_MESSAGE_BYTES } from './limits.js'
import type { MailAddress, MailMessage, SesApi } from './message.js'
import { resolveSesOptions, type ResolvedSesOptions, type SesDefaults } from './send-options.js'
import { splitHeaders, type HeaderLine } from './ses-headers.js'

/** A message ready for SES: raw MIME, envelope and request options. */
export interface PreparedMail {
  readonly raw: Buffer
  readonly envelope: Envelope
  readonly options: ResolvedSesOptions
}

/** Mailer-wide defaults applied to every message. */
export interface MessageDefaults extends SesDefaults {
  /** Sender when a message has no `from`. */
  readonly from?: MailAddress
}

/**
 * Checks a message and builds its MIME for `api`. Throws {@link MailMessageError} (no sender, no recipient,
 * an invalid address, header, tag or attachment) or {@link MailTooLargeError} (over the API's size limit).
 */
export async function prepareMail(message: MailMessage, defaults: MessageDefaults, api: SesApi): Promise<PreparedMail> {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    throw new MailMessageError('the message must be an object.')
  }
  const from = parseMailbox(message.from ?? defaults.from, message.from !== undefined ? 'from' : "the mailer's from")
  if (!from) throw new MailMessageError("the message has no sender: set message.from or the mailer's from option.")
  const sender = parseMailbox(message.sender, 'sender')
  const to = parseAddresses(message.to, 'to')
  const cc = parseAddresses(message.cc, 'cc')
  const bcc = parseAddresses(message.bcc, 'bcc')
  const replyTo = parseAddresses(message.replyTo, 'replyTo')
  const envelope = buildEnvelope({ from, sender, to, cc, bcc }, message.envelope)

  const headers = splitHeaders(message.headers)
  const options = resolveSesOptions(message, headers.ses, defaults)
  if (api === 'v2' && options.fromArn && options.sourceArn && options.fromArn !== options.sourceArn) {
    // SES v2 has one sending-authorization ARN for the sender; two different ones cannot both be honoured.
    throw new MailMessageError('SES v2 takes one identity ARN: fromArn and sourceArn differ. Give one, or use api v1.')
  }
  const mimeHeaders: HeaderLine[] = [...headers.mime]
  // SendRawEmail has no list-management parameter: SES reads this header from the MIME instead.
  if (api === 'v1' && options.listManagement) mimeHeaders.push(listManagementHeader(options.listManagement))

  for (const field of ['subject', 'text', 'html', 'inReplyTo'] as const) {
    if (message[field] !== undefined && typeof message[field] !== 'string') {
      throw new MailMessageError(`${field} must be a string.`)
    }
  }
  const raw = await composeMime({
    from,
    sender,
    to,
    cc,
    replyTo,
    inReplyTo: message.inReplyTo,
    references: message.references,
    subject: message.subject,
    text: message.text,
    html: message.html,
    attachments: toComposerAttachments(message.attachments),
    headers: mimeHeaders,
  })
  const limit = MAX_MESSAGE_BYTES[api]
  if (raw.length > limit) throw new MailTooLargeError(raw.length, api === 'v2' ? 'SES v2' : 'SES v1 SendRawEmail', limit)
  return { raw, envelope, options }
}

function listManagementHeader(list: NonNullable<ResolvedSesOptions['listManagement']>): HeaderLine {
  const value = list.topicName === undefined ? list.contactListName : `${list.contactListName}; topic=${list.topicName}`
  return { key: 'X-SES-LIST-MANAGEMENT-OPTIONS', value }
}
