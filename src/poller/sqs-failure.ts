// Wraps a failed SQS call of the poller as a PollerSqsError naming the operation and the queue.
import { PollerSqsError } from '../errors.js'

/** A `PollerSqsError` for `operation` on `queue`; `cause` keeps the original error. */
export function sqsFailure(operation: string, queue: string, error: unknown, messageId?: string): Error {
  const e = error as { name?: string; code?: string; message?: string }
  const what = `${e.code ?? e.name ?? 'Error'}: ${e.message ?? String(error)}`
  const err = new PollerSqsError(`${operation} on queue ${queue}${messageId ? ` (message ${messageId})` : ''}`, what)
  return Object.assign(err, { cause: error, queue, messageId })
}
