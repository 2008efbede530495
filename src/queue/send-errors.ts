// How SQS send failures become our errors (QueueSendError, with the SQS code and the cause).
import { QueueSendError } from '../errors.js'

/** Wraps an SDK error from sending job `jobId` as a `QueueSendError` (`cause` keeps the original). */
export function sendError(jobId: string, error: unknown): Error {
  const e = error as Error & { name?: string }
  const err = new QueueSendError(jobId, e?.name ?? 'Error', e?.message ?? String(error))
  ;(err as Error & { cause?: unknown }).cause = error
  return err
}

/** A `QueueSendError` for one failed SendMessageBatch entry. */
export function entryError(jobId: string, code: string | undefined, message: string | undefined, senderFault: boolean | undefined): Error {
  const err = new QueueSendError(jobId, code ?? 'Unknown', message ?? 'no message')
  return Object.assign(err, { sqsCode: code, senderFault: senderFault === true })
}
