// Wraps a failed SQS call as an error naming the operation, the queue and the message (the poller reports every
// failed receive, delete, visibility change and re-send this way; the error keeps the poller's code for now).
import { PollerSqsError } from '../errors.js'

/** A `PollerSqsError` for `operation` on `queue`; `cause` keeps the original error. */
export function sqsFailure(operation: string, queue: string, error: unknown, messageId?: string): Error {
  const e = (error ?? {}) as { name?: string; code?: string; message?: string }
  const what = `${e.code ?? e.name ?? 'Error'}: ${e.message ?? String(error)}`
  const err = new PollerSqsError(`${operation} on queue ${queue}${messageId ? ` (message ${messageId})` : ''}`, what)
  return Object.assign(err, { cause: error, queue, messageId })
}
