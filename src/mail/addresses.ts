// Parses and checks every address before the MIME is built: MailComposer silently drops what it cannot parse,
// and a dropped recipient is a lost mail.
import addressparser from 'nodemailer/lib/addressparser'
import { toASCII } from 'nodemailer/lib/punycode'
import { MailMessageError } from '../errors.js'
import type { MailAddress, MailAddresses } from './message.js'

/** A checked mailbox. `address` is 7-bit ASCII (an internationalized domain is punycoded), as SES requires. */
export interface Mailbox {
  readonly name: string
  readonly address: string
}

// RFC 5322 dot-atom: SES has no SMTPUTF8, so the local part must be ASCII.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/
// CR/LF would let a value smuggle in another address (addressparser reads "a@x\r\nBcc: b@y" as b@y).
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const CONTROL = /[\u0000-\u001f\u007f]/

/**
 * The mailboxes of one field (`to`, `cc`, ...), in order. Groups are flattened. Anything that is not a
 * deliverable address throws {@link MailMessageError} naming the field and the value.
 */
export function parseAddresses(value: MailAddresses | undefined, field: string): Mailbox[] {
  if (value === undefined || value === null) return []
  const list: readonly MailAddress[] = Array.isArray(value) ? value : [value as MailAddress]
  const out: Mailbox[] = []
  list.forEach((item, i) => {
    const where = Array.isArray(value) ? `${field}[${i}]` : field
    out.push(...parseOne(item, where))
  })
  return out
}

/** Exactly one mailbox (for `from`, `sender`, `envelope.from`), or undefined when unset. */
export function parseMailbox(value: MailAddress | undefined, field: string): Mailbox | undefined {
  const boxes = parseAddresses(value, field)
  if (boxes.length > 1) throw new MailMessageError(`${field} must be one address, got ${boxes.length}.`)
  return boxes[0]
}

function parseOne(item: MailAddress, where: string): Mailbox[] {
  if (typeof item === 'string') {
    if (CONTROL.test(item)) throw new MailMessageError(`${where} contains a control character (CR/LF?): ${JSON.stringify(item)}.`)
    const parsed = addressparser(item, { flatten: true })
    if (parsed.length === 0 && item.trim() !== '') throw invalid(where, item)
    return parsed.map((p) => mailbox(p.name, p.address, where, item))
  }
  if (item === null || typeof item !== 'object' || typeof item.address !== 'string') {
    throw new MailMessageError(`${where} must be an address string or { name?, address }, got ${describe(item)}.`)
  }
  const name = item.name ?? ''
  if (typeof name !== 'string' || CONTROL.test(name)) {
    throw new MailMessageError(`${where}.name must be a string without control characters, got ${describe(name)}.`)
  }
  if (CONTROL.test(item.address)) throw invalid(where, item.address)
  return [mailbox(name, item.address.trim(), where, item.address)]
}

function mailbox(name: string, address: string, where: string, original: string): Mailbox {
  const at = address.lastIndexOf('@')
  if (at <= 0 || at === address.length - 1) throw invalid(where, original)
  const local = address.slice(0, at)
  let domain: string
  try {
    domain = toASCII(address.slice(at + 1)).toLowerCase()
  } catch {
    throw invalid(where, original)
  }
  const labels = domain.split('.')
  const valid =
    local.length <= 64 &&
    LOCAL_PART.test(local) &&
    domain.length <= 253 &&
    labels.length >= 2 &&
    labels.every((l) => DOMAIN_LABEL.test(l)) &&
    !/^\d+$/.test(labels[labels.length - 1]!)
  if (!valid) throw invalid(where, original)
  return { name, address: `${local}@${domain}` }
}

function invalid(where: string, value: string): Error {
  return new MailMessageError(
    `${where} is not a valid email address: ${JSON.stringify(value)} (expected local@domain.tld; the local part must be ASCII).`,
  )
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`
}
