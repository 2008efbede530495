// When a session item expires: the `expire_at` written for DynamoDB TTL, and the check every read makes.
import type { CookieExpiry } from './session-data.js'

/** Idle lifetime when nothing else bounds a session (no max_stale, no max_age, no cookie max age or expiry):
 * one day, as connect-redis and connect-dynamodb do. */
export const DEFAULT_IDLE_SECONDS = 24 * 60 * 60

/** The options that bound a session's life, in seconds. */
export interface ExpiryPolicy {
  maxAge?: number | undefined
  maxStale?: number | undefined
  touchAfter: number
}

/** The timestamps of a stored session, in epoch seconds. */
export interface ItemTimes {
  createdAt: number
  updatedAt: number
  expireAt: number
}

/**
 * The `expire_at` (integer epoch seconds) to write at `nowMs`: the earliest of the session's bounds, never "now"
 * (the Ruby store writes now + 0 when max_stale is unset, so TTL would reap live sessions).
 *
 * Idle bounds (max_stale, the cookie's max age) get `touchAfter` added: an unchanged session is written at most
 * once per `touchAfter`, while the browser's cookie is renewed on every response, so without the margin an active
 * user's session could expire up to `touchAfter` before their cookie. An idle session therefore lives between
 * its idle bound and that plus `touchAfter`.
 */
export function expireAtFor(policy: ExpiryPolicy, nowMs: number, createdAt: number, cookie: CookieExpiry): number {
  const nowS = nowMs / 1000
  const bounds: number[] = []
  if (cookie.maxAgeMs !== undefined) bounds.push(nowS + cookie.maxAgeMs / 1000 + policy.touchAfter)
  if (cookie.expiresMs !== undefined) bounds.push(cookie.expiresMs / 1000)
  if (policy.maxStale !== undefined) bounds.push(nowS + policy.maxStale + policy.touchAfter)
  if (policy.maxAge !== undefined) bounds.push(createdAt + policy.maxAge)
  if (bounds.length === 0) bounds.push(nowS + DEFAULT_IDLE_SECONDS + policy.touchAfter)
  return Math.ceil(Math.min(...bounds))
}

/**
 * True when a stored session must be treated as gone at `nowMs`. TTL deletes lazily (up to days later), so every
 * read checks `expire_at` itself; it also applies the current max_age / max_stale to items written under older
 * settings, so tightening them takes effect at once.
 */
export function isExpired(policy: ExpiryPolicy, times: ItemTimes, nowMs: number): boolean {
  const nowS = nowMs / 1000
  if (nowS >= times.expireAt) return true
  if (policy.maxAge !== undefined && nowS >= times.createdAt + policy.maxAge) return true
  if (policy.maxStale !== undefined && nowS >= times.updatedAt + policy.maxStale + policy.touchAfter) return true
  return false
}
