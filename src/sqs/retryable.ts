// Which SQS failures are worth another try: throttling, server faults and requests that never got an answer.

const RETRYABLE_CODES = new Set([
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'RequestThrottled',
  'ThrottlingException',
  'Throttling',
  'KmsThrottled',
  'RequestTimeout',
  'TimeoutError',
])

/** True for throttling, 5xx and network errors: the same call may succeed later. */
export function isRetryableSqsError(error: unknown): boolean {
  // `throw undefined` (or null) reaches catch blocks too: nothing to go on, so not worth another try.
  const e = (error ?? {}) as { name?: string; code?: string; $retryable?: unknown; $fault?: string; $metadata?: { httpStatusCode?: number } }
  if (e.$retryable) return true
  if (e.name && RETRYABLE_CODES.has(e.name)) return true
  if (e.code && RETRYABLE_CODES.has(e.code)) return true
  if (e.$fault === 'server') return true
  const status = e.$metadata?.httpStatusCode
  if (status !== undefined) return status >= 500 || status === 429
  // No HTTP status at all: the request never got an answer (connection refused/reset, socket timeout).
  if (e.name === 'AbortError') return false
  return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(e.code ?? '')
}
