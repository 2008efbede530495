// What a DynamoDB failure does to a request: the error handler decides, as in aws-sessionstore-dynamodb.
import type { JobLogger } from '../jobs/index.js'

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
  'FASTIFY_AWS_SESSION_DATA',
  'FASTIFY_AWS_SESSION_TABLE_MISSING',
  'FASTIFY_AWS_SESSION_LOCK_TIMEOUT',
  'FASTIFY_AWS_SESSION_LOCK_LOST',
])

/** What carrying on after a failed operation means, for the log line. */
const CONSEQUENCE: Record<SessionOperation, string> = {
  get: 'Loading the session from DynamoDB failed; this request runs with an empty session and keeps its cookie',
  set: 'Saving the session to DynamoDB failed; the changes of this request are not stored',
  touch: 'Moving the session expiry in DynamoDB failed; it is tried again on a later request',
  destroy: 'Deleting the session from DynamoDB failed; it stays until it expires',
  unlock: 'Releasing the session lock failed; it is taken over after lock_expiry_time',
}

/** Client-fault errors that still mean "try later", not "fix your setup". */
const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded'])

/**
 * True when an error means a bug or misconfiguration rather than a passing outage: our own always-raised codes,
 * and AWS client faults (a rejected request, denied access, bad credentials) other than throttling.
 */
export function isConfigurationError(error: Error): boolean {
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && ALWAYS_RAISED.has(code)) return true
  const sdk = (error as { cause?: { $fault?: unknown; name?: unknown } }).cause
  return sdk?.$fault === 'client' && !THROTTLING.has(String(sdk.name))
}

/**
 * The default handler: rethrows errors that mean a bug or misconfiguration ({@link isConfigurationError}: item
 * too large or not JSON, table missing, lock timeout or lost, a request DynamoDB rejects, denied access), and every error when
 * `raiseErrors`; otherwise (network failures, 5xx, throttling) logs the error and carries on, so a DynamoDB outage
 * answers without a session instead of failing every request. (The Ruby default handler swallows every other
 * error, and writes it to `rack.errors` only when it has a Rack env; this one always logs.)
 */
export function defaultErrorHandler(options: { raiseErrors: boolean; logger?: JobLogger | undefined }): SessionErrorHandler {
  return (error, context) => {
    if (options.raiseErrors || isConfigurationError(error)) throw error
    options.logger?.error({ err: error, operation: context.operation, table: context.tableName }, CONSEQUENCE[context.operation])
  }
}
