// Pessimistic locking (enable_locking): a request takes the session's lock as it reads it, and releases it as it
// writes, so concurrent requests on one session run one after another and no update is lost.
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { SessionLockTimeoutError } from '../errors.js'
import type { StoredItem } from './item.js'
import type { SessionTable } from './session-table.js'

/** Lock timing, in the Ruby store's units. */
export interface LockPolicy {
  /** Milliseconds after which a held lock counts as abandoned (its request crashed or hung) and may be taken. */
  expiryMs: number
  /** Milliseconds between attempts. */
  retryDelayMs: number
  /** Seconds to wait in all before failing with {@link SessionLockTimeoutError}. */
  maxWaitS: number
}

/** A held lock and the item read with it. */
export interface HeldLock {
  owner: string
  item: StoredItem
}

/** A random id naming the request that holds a lock. */
export function newLockOwner(): string {
  return randomBytes(12).toString('base64url')
}

/**
 * Takes the lock of a session and reads it in the same UpdateItem. Undefined when the session does not exist.
 *
 * Differences from the Ruby store: the lock update never creates an item (Ruby leaves items holding only a
 * lock behind for unknown ids); the lock is owned by a random id rather than identified by its timestamp;
 * taking over an abandoned lock is conditional on it still being the same lock, so two waiters cannot both
 * take it; and the lock state is re-read on every attempt rather than once.
 */
export async function lockAndRead(
  table: SessionTable,
  sessionId: string,
  policy: LockPolicy,
  now: () => number = Date.now,
): Promise<HeldLock | undefined> {
  const owner = newLockOwner()
  const deadline = now() + policy.maxWaitS * 1000
  let stealFrom: string | undefined
  let retriedAtOnce = false
  for (;;) {
    const item = await table.lock(sessionId, owner, now(), stealFrom)
    if (item !== 'conflict') return { owner, item }
    stealFrom = undefined
    const state = await table.lockState(sessionId)
    if (!state.exists) return undefined
    if (state.lockedAt !== undefined && state.owner !== undefined && state.lockedAt * 1000 + policy.expiryMs <= now()) {
      stealFrom = state.owner
      continue
    }
    // Released between the two calls: try again at once, but only once in a row, so a lock this store cannot
    // read (another tool's) is waited for rather than spun on.
    if (state.lockedAt === undefined && !retriedAtOnce) {
      retriedAtOnce = true
      continue
    }
    retriedAtOnce = false
    if (now() + policy.retryDelayMs > deadline) throw new SessionLockTimeoutError(policy.maxWaitS)
    await sleep(policy.retryDelayMs)
  }
}
