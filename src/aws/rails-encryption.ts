// Rails' ActiveSupport::MessageEncryptor as ActiveSupport::EncryptedFile uses it: AES-128-GCM, a random 12-byte IV,
// no additional data, written as base64(ciphertext)--base64(iv)--base64(auth_tag) (strict base64, no line breaks).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { MarshalStringError, marshalString, unmarshalString } from './rails-marshal.js'

const CIPHER = 'aes-128-gcm'
const KEY_BYTES = 16
const IV_BYTES = 12
const TAG_BYTES = 16

/** How the plaintext was serialized: Ruby's Marshal (every Rails version's default) or JSON (a JSON message serializer). */
export type RailsSerializer = 'marshal' | 'json'

/** Why a message could not be opened; the caller turns it into an error naming the file. */
export type OpenFailure =
  | { kind: 'format'; reason: string }
  | { kind: 'decrypt' }
  | { kind: 'serialization'; reason: string }

/** The result of {@link openRailsMessage}. */
export type Opened = { ok: true; text: string; serializer: RailsSerializer } | ({ ok: false } & OpenFailure)

/** A key as Rails writes it (`config/master.key`, `RAILS_MASTER_KEY`): 32 hex characters, surrounding blanks ignored. */
export function parseRailsKey(text: string): { ok: true; key: Buffer } | { ok: false; reason: string } {
  const hex = text.trim()
  if (hex.length !== KEY_BYTES * 2) {
    return { ok: false, reason: `it has ${hex.length} characters where Rails' aes-128-gcm key has ${KEY_BYTES * 2} hexadecimal ones` }
  }
  if (!/^[0-9a-fA-F]+$/.test(hex)) return { ok: false, reason: 'it holds characters other than hexadecimal digits' }
  return { ok: true, key: Buffer.from(hex, 'hex') }
}

/** A new random key in Rails' form (`SecureRandom.hex(16)`). */
export function generateRailsKey(): string {
  return randomBytes(KEY_BYTES).toString('hex')
}

/** Decrypts and deserializes an encrypted credentials file's content. Never throws on bad input: says why instead. */
export function openRailsMessage(message: string, key: Buffer): Opened {
  const parts = message.trim().split('--')
  if (parts.length !== 3) {
    return { ok: false, kind: 'format', reason: `expected base64(data)--base64(iv)--base64(auth_tag) (aes-128-gcm), found ${parts.length} part${parts.length === 1 ? '' : 's'}` }
  }
  const [data, iv, tag] = parts.map(strictBase64) as [Buffer | undefined, Buffer | undefined, Buffer | undefined]
  if (data === undefined || iv === undefined || tag === undefined) return { ok: false, kind: 'format', reason: 'a part is not base64' }
  if (iv.length !== IV_BYTES) return { ok: false, kind: 'format', reason: `its IV has ${iv.length} bytes, not ${IV_BYTES}` }
  if (tag.length !== TAG_BYTES) return { ok: false, kind: 'format', reason: `its authentication tag has ${tag.length} bytes, not ${TAG_BYTES}` }
  let plain: Buffer
  try {
    const decipher = createDecipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES })
    decipher.setAuthTag(tag)
    plain = Buffer.concat([decipher.update(data), decipher.final()])
  } catch {
    return { ok: false, kind: 'decrypt' }
  }
  return deserialize(plain)
}

/** Serializes `text` as Rails does (Marshal unless told JSON) and encrypts it with a new random IV. */
export function sealRailsMessage(text: string, key: Buffer, serializer: RailsSerializer = 'marshal'): string {
  const plain = serializer === 'json' ? Buffer.from(JSON.stringify(text), 'utf8') : marshalString(text)
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES })
  const data = Buffer.concat([cipher.update(plain), cipher.final()])
  return `${data.toString('base64')}--${iv.toString('base64')}--${cipher.getAuthTag().toString('base64')}`
}

function deserialize(plain: Buffer): Opened {
  if (plain[0] === 0x04 && plain[1] === 0x08) {
    try {
      return { ok: true, text: unmarshalString(plain), serializer: 'marshal' }
    } catch (err) {
      if (err instanceof MarshalStringError) return { ok: false, kind: 'serialization', reason: `its Marshal content is not a String: ${err.message}` }
      throw err
    }
  }
  let value: unknown
  try {
    value = JSON.parse(plain.toString('utf8'))
  } catch {
    // JSON.parse's message quotes the input: it must not reach an error message.
    return { ok: false, kind: 'serialization', reason: 'its content is neither a Marshal-wrapped String (rails credentials:edit) nor a JSON string' }
  }
  if (typeof value !== 'string') {
    return { ok: false, kind: 'serialization', reason: `its JSON content is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}, not a string of YAML` }
  }
  return { ok: true, text: value, serializer: 'json' }
}

/** Ruby's `Base64.strict_decode64`: only the standard alphabet, padded, no line breaks. */
function strictBase64(text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined
  return Buffer.from(text, 'base64')
}
