// The cookie signing secret: required, and long enough to resist guessing.
import { SessionSecretError } from '../errors.js'

/** A cookie signer, as @fastify/session accepts instead of secrets. */
export interface SessionSigner {
  sign(value: string): string
  unsign(input: string): { valid: boolean; renew: boolean; value: string | null }
}

/** Shortest secret accepted, as @fastify/session requires for a string secret (we also require it of each array item). */
const MIN_SECRET_LENGTH = 32

/** Checks the signing secret(s): present, and every secret at least 32 characters. */
export function checkSecret(secret: string | readonly string[] | SessionSigner | undefined): string | string[] | SessionSigner {
  const howTo =
    'Set secret_key (AWS_DYNAMO_DB_SESSION_SECRET_KEY, or secret_key in config/aws_dynamo_db_session_store.yml) or pass `secret` to the plugin; generate one with `openssl rand -base64 48`.'
  if (secret === undefined || (Array.isArray(secret) && secret.length === 0)) {
    throw new SessionSecretError(`The session plugin needs a cookie signing secret. ${howTo}`)
  }
  if (typeof secret === 'object' && !Array.isArray(secret)) {
    const signer = secret as SessionSigner
    if (typeof signer.sign !== 'function' || typeof signer.unsign !== 'function') {
      throw new SessionSecretError(`The session secret must be a string, a list of strings, or a signer with sign() and unsign(). ${howTo}`)
    }
    return signer
  }
  const list: readonly unknown[] = typeof secret === 'string' ? [secret] : (secret as readonly unknown[])
  list.forEach((s, i) => {
    if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) {
      const which = list.length > 1 ? `Session secret #${i + 1}` : 'The session secret'
      const what = typeof s === 'string' ? `${s.length} characters long` : `not a string (${typeof s})`
      throw new SessionSecretError(`${which} is ${what}; it must be at least ${MIN_SECRET_LENGTH} characters. ${howTo}`)
    }
  })
  return typeof secret === 'string' ? secret : [...(list as string[])]
}
