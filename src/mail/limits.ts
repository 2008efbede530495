// SES's hard limits, checked before any call so a bad message fails fast and costs no request.
import type { SesApi } from './message.js'

/** Largest raw MIME message each API accepts, in bytes (SES v2 raw: 40 MB; SES v1 SendRawEmail: 10 MB). */
export const MAX_MESSAGE_BYTES: Readonly<Record<SesApi, number>> = {
  v2: 40 * 1024 * 1024,
  v1: 10 * 1024 * 1024,
}

/** Most recipients (To + Cc + Bcc, or the explicit envelope) one SES send accepts. */
export const MAX_RECIPIENTS = 50

/** Message tag names and values: ASCII letters, digits, `_` and `-`, under 256 characters. */
export const TAG_PATTERN = /^[A-Za-z0-9_-]{1,255}$/

/** Configuration set names: ASCII letters, digits, `_` and `-`, at most 64 characters. */
export const CONFIGURATION_SET_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
