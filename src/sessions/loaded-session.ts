// What one request learnt when it loaded its session, carried from the store's `get` to its `set`.

/**
 * The state of a session as one request loaded it. The plugin attaches it to that request's session object
 * (under {@link kLoadedSession}, a symbol, so it is invisible to JSON, to @fastify/session's change detection and
 * to handlers); `set` reads it back to know what changed and which lock to release.
 */
export interface LoadedSession {
  sessionId: string
  /** The session as stored, serialized the way `set` serializes it, to tell an unchanged session. */
  data: string
  /** Epoch seconds. */
  createdAt: number
  /** Epoch seconds of the last write, to know when a touch is due. */
  updatedAt: number
  /** Owner id of the lock this request took, when locking. */
  lockOwner?: string
  /** Whether that lock is still held (a write or an unlock releases it). */
  lockHeld: boolean
}

/** What `get` reports to the plugin for the request it is serving (see {@link DynamoDbSessionStore}). */
export type LoadReport = { sessionId: string; loaded: LoadedSession } | { sessionId: string; failed: true }

/** Symbol under which the plugin attaches a {@link LoadedSession} to a request's session object. */
export const kLoadedSession: unique symbol = Symbol('fastify-aws.sessions.loaded')

/** Symbol of the store method that returns the report of the `get` whose callback is running right now. */
export const kCurrentLoad: unique symbol = Symbol('fastify-aws.sessions.currentLoad')

/** The {@link LoadedSession} attached to a session object, if it belongs to `sessionId`. */
export function loadedSessionOf(session: unknown, sessionId: string): LoadedSession | undefined {
  if (session === null || typeof session !== 'object') return undefined
  const loaded = (session as { [kLoadedSession]?: LoadedSession })[kLoadedSession]
  return loaded?.sessionId === sessionId ? loaded : undefined
}
