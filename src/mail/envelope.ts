// Who SES delivers to and who it says sent it: an explicit envelope wins over the headers, as in the Ruby gem.
import { MailMessageError } from '../errors.js'
import { parseAddresses, parseMailbox, type Mailbox } from './addresses.js'
import { MAX_RECIPIENTS } from './limits.js'
import type { MailEnvelope } from './message.js'

/** The envelope of one send. */
export interface Envelope {
  /** Envelope sender address: the explicit one, else Sender, else From. */
  readonly from: string
  /** True when the caller set `envelope.from` (SES v2 then gets it as FromEmailAddress). */
  readonly explicitFrom: boolean
  /** Every recipient once (case-insensitive), in order of appearance. */
  readonly to: string[]
}

/** The parsed address fields an envelope is computed from. */
export interface AddressFields {
  readonly from: Mailbox
  readonly sender: Mailbox | undefined
  readonly to: readonly Mailbox[]
  readonly cc: readonly Mailbox[]
  readonly bcc: readonly Mailbox[]
}

/**
 * The envelope: recipients are `envelope.to` when given, else To + Cc + Bcc (Bcc is delivered this way, since
 * it never appears in the headers). No recipient, or more than SES accepts in one send, is an error.
 */
export function buildEnvelope(fields: AddressFields, explicit: MailEnvelope | undefined): Envelope {
  if (explicit !== undefined && (explicit === null || typeof explicit !== 'object')) {
    throw new MailMessageError('envelope must be an object { from?, to? }.')
  }
  const explicitFrom = parseMailbox(explicit?.from, 'envelope.from')
  const recipients =
    explicit?.to !== undefined ? parseAddresses(explicit.to, 'envelope.to') : [...fields.to, ...fields.cc, ...fields.bcc]
  const seen = new Set<string>()
  const to: string[] = []
  for (const r of recipients) {
    const key = r.address.toLowerCase()
    if (!seen.has(key)) {
      seen.add(key)
      to.push(r.address)
    }
  }
  if (to.length === 0) {
    throw new MailMessageError(
      explicit?.to !== undefined ? 'envelope.to has no recipient.' : 'the message has no recipient: set to, cc or bcc.',
    )
  }
  if (to.length > MAX_RECIPIENTS) {
    throw new MailMessageError(`the message has ${to.length} recipients; SES accepts at most ${MAX_RECIPIENTS} per send. Split it.`)
  }
  return {
    from: (explicitFrom ?? fields.sender ?? fields.from).address,
    explicitFrom: explicitFrom !== undefined,
    to,
  }
}
