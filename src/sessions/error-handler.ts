// What a DynamoDB failure does to a request: the error handler decides, as in aws-sessionstore-dynamodb.
import type { PinoLike } from '../aws/index.js'

/** The store operation that failed. */
export type SessionOperation = 'get' | 'set' | 'touch' | 'destroy' | 'unlock'

/** What the error handler is told besides the error. The session id is left out on purpose: it is a credential. */
export interface SessionErrorContext {
  /** The operation that failed. */
  operation: SessionOperation
  /** The session table. */
  tableName: string
}

/**
 * Decides what a failed store operation does. Throw (the error or another) to fail the request; return to carry
 * on: a failed `get` then answers with a fresh, unsaved session, a failed `set`/`touch`/`destroy` is skipped.
 */
export type SessionErrorHandler = (error: Error, context: SessionErrorContext) => void

/** Errors the default handler always rethrows: they are bugs or misconfiguration, never a passing outage. */
const ALWAYS_RAISED = new Set([
  'FASTIFY_AWS_SESSION_TOO_LARGE',
  'FASTIFY_AWS_SESSION_TABLE_MISSING',
  'FASTIFY_AWS_SESSION_LOCK_TIMEOUT',
  'FASTIFY_AWS_SESSION_LOCK_LOST',
])

/**
 * The default handler: rethrows errors that mean a bug or misconfiguration (item too large, table missing, lock
 * timeout, lock lost), and every error when `raiseErrors`; otherwise logs the error and carries on, so a DynamoDB
 * outage answers without a session instead of failing every request. (The Ruby default handler writes to
 * `rack.errors` only when it has a Rack env, which it never has for a corrupt session id; this one always logs.)
 */
export function defaultErrorHandler(options: { raiseErrors: boolean; logger?: PinoLike | undefined }): SessionErrorHandler {
  return (error, context) => {
    const code = (error as { code?: unknown }).code
    if (options.raiseErrors || (typeof code === 'string' && ALWAYS_RAISED.has(code))) throw error
    options.logger?.error(
      { err: error, operation: context.operation, table: context.tableName },
      `DynamoDB session ${context.operation} failed; answering without the session`,
    )
  }
}
