// What a caller hands to `mailer.send()`: the nodemailer field names people already know, plus SES options.

/** One address: `'Ann <ann@example.com>'`, `'ann@example.com'` or `{ name: 'Ann', address: 'ann@example.com' }`. */
export type MailAddress = string | { readonly name?: string; readonly address: string }

/** One address, a comma-separated string of them, or a list. */
export type MailAddresses = MailAddress | readonly MailAddress[]

/**
 * A file carried in the message. Content is given inline (no file paths or URLs: the mailer never reads the
 * disk or the network on a message's behalf, and the size check is exact before anything is built).
 */
export interface MailAttachment {
  /** Name shown to the recipient; also used to guess `contentType`. */
  readonly filename?: string
  /** The bytes, or text (decoded with `encoding`, default utf-8). */
  readonly content: string | Uint8Array
  /** How a string `content` is encoded: `base64` for binary data carried as text. */
  readonly encoding?: 'utf8' | 'base64' | 'hex' | 'latin1'
  /** MIME type; guessed from `filename` when unset. */
  readonly contentType?: string
  /** `attachment` (default) or `inline`. */
  readonly contentDisposition?: 'attachment' | 'inline'
  /** Content-ID, to embed an image in the html as `<img src="cid:...">`. */
  readonly cid?: string
}

/** Custom headers: a name → value map (a list value repeats the header) or a list of `{ key, value }`. */
export type MailHeaders =
  | Readonly<Record<string, string | readonly string[]>>
  | readonly { readonly key: string; readonly value: string }[]

/** SES list management: the contact list and, optionally, the topic this mail belongs to. */
export interface ListManagementOptions {
  readonly contactListName: string
  readonly topicName?: string
}

/**
 * Per-send SES options. Each can also come from its `X-SES-*` header (which is then removed from the MIME);
 * a value given here wins over the header, and `tags` are merged by name (mailer < header < message).
 */
export interface SesSendOptions {
  /** Configuration set (`X-SES-CONFIGURATION-SET`). */
  readonly configurationSet?: string
  /** Message tags for event publishing (`X-SES-MESSAGE-TAGS: name=value, name2=value2`). */
  readonly tags?: Readonly<Record<string, string>>
  /** Sending authorization: identity allowed to use the From address (`X-SES-FROM-ARN`). */
  readonly fromArn?: string
  /** Sending authorization: identity allowed to use the envelope sender (`X-SES-SOURCE-ARN`). */
  readonly sourceArn?: string
  /** Sending authorization: identity allowed to use the Return-Path / feedback address (`X-SES-RETURN-PATH-ARN`). */
  readonly returnPathArn?: string
  /** Subscription management (`X-SES-LIST-MANAGEMENT-OPTIONS: contactList; topic=topicName`). SES v2 only. */
  readonly listManagement?: ListManagementOptions
}

/** An explicit SMTP envelope, when it must differ from the headers. */
export interface MailEnvelope {
  /** Envelope sender (SES v1 `Source`, SES v2 `FromEmailAddress`). */
  readonly from?: MailAddress
  /** The only recipients that receive the mail, whatever To/Cc/Bcc say. */
  readonly to?: MailAddresses
}

/** A mail to send. `from` falls back to the mailer's `from`; at least one recipient is required. */
export interface MailMessage extends SesSendOptions {
  readonly from?: MailAddress
  /** The mailbox actually sending on behalf of `from` (Sender header). */
  readonly sender?: MailAddress
  readonly to?: MailAddresses
  readonly cc?: MailAddresses
  /** Receive the mail but never appear in its headers. */
  readonly bcc?: MailAddresses
  readonly replyTo?: MailAddresses
  readonly inReplyTo?: string
  readonly references?: string | readonly string[]
  readonly subject?: string
  /** Plain-text body. */
  readonly text?: string
  /** HTML body (sent as multipart/alternative with `text` when both are set). */
  readonly html?: string
  readonly attachments?: readonly MailAttachment[]
  /** Extra headers. Address and MIME structure headers are set from the fields above and refused here. */
  readonly headers?: MailHeaders
  readonly envelope?: MailEnvelope
}

/** What a successful send returns. */
export interface SentMail {
  /** The SES MessageId (SES also sets the Message-ID header to `<id@...amazonses.com>`). */
  readonly messageId: string
  /** Which API sent it. */
  readonly api: SesApi
  /** Who SES was told to deliver to, and the envelope sender if one was given. */
  readonly envelope: { readonly from: string; readonly to: readonly string[] }
  /** Size of the raw MIME message in bytes. */
  readonly size: number
}

/** `v2`: SESv2 SendEmail with raw content (default). `v1`: SES SendRawEmail. */
export type SesApi = 'v2' | 'v1'
