// The `data` attribute: the session's own fields as JSON, plus the cookie settings that belong to this session.

/** The cookie settings worth keeping with a session: its own max age, or its absolute expiry. */
export interface StoredCookie {
  /** Milliseconds, as @fastify/session and express-session keep it; null for a browser-session cookie. */
  originalMaxAge: number | null
  /** ISO date of an absolute expiry, kept only when there is no max age. */
  expires?: string
}

/** A session as the store hands it to @fastify/session: plain JSON fields plus `cookie`. */
export type StoredSessionData = Record<string, unknown> & { cookie?: StoredCookie }

/** The cookie facts the expiry computation needs, read from whatever cookie object a session has. */
export interface CookieExpiry {
  /** Milliseconds the cookie lives after each response (rolling), if it has a max age. */
  maxAgeMs?: number
  /** Epoch milliseconds of an absolute expiry, if it has one and no max age. */
  expiresMs?: number
}

/**
 * Serializes a session for the `data` attribute. Every own enumerable field but `cookie` is kept as JSON (so a
 * Date comes back as its ISO string, as with any JSON store). Of the cookie only the max age, or an absolute
 * expiry, is kept: the rolling `expires` changes on every response and is recomputed from the max age when the
 * session is loaded, and the other cookie settings come from the plugin's configuration, so changing them
 * there applies to existing sessions too.
 */
export function serializeSession(session: object): string {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(session)) {
    if (key !== 'cookie') out[key] = (session as Record<string, unknown>)[key]
  }
  const cookie = storedCookie((session as { cookie?: unknown }).cookie)
  if (cookie !== undefined) out.cookie = cookie
  return JSON.stringify(out)
}

/** Parses a `data` attribute; undefined when it is not a JSON object (a corrupt item reads as no session). */
export function deserializeSession(json: string): StoredSessionData | undefined {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return undefined
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  return value as StoredSessionData
}

/** The expiry facts of a session's cookie (a @fastify/session Cookie, an express-session cookie, or stored JSON). */
export function cookieExpiry(cookie: unknown): CookieExpiry {
  const stored = storedCookie(cookie)
  if (stored === undefined) return {}
  if (stored.originalMaxAge !== null) return { maxAgeMs: stored.originalMaxAge }
  if (stored.expires !== undefined) return { expiresMs: Date.parse(stored.expires) }
  return {}
}

function storedCookie(cookie: unknown): StoredCookie | undefined {
  if (cookie === null || typeof cookie !== 'object') return undefined
  const c = cookie as { originalMaxAge?: unknown; expires?: unknown }
  if (typeof c.originalMaxAge === 'number' && Number.isFinite(c.originalMaxAge) && c.originalMaxAge > 0) {
    return { originalMaxAge: c.originalMaxAge }
  }
  const expires = c.expires instanceof Date ? c.expires : typeof c.expires === 'string' ? new Date(c.expires) : undefined
  if (expires !== undefined && !Number.isNaN(expires.getTime())) return { originalMaxAge: null, expires: expires.toISOString() }
  return undefined
}
