// Which SQS failures the producer, the poller's batched writes and the daemon try again: throttling, server faults
// and requests that never got an answer; not the caller's own mistakes.
import t from 'tap'
import { isRetryableSqsError } from '../../src/sqs/index.js'

const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name }, extra)

t.test('throttling, server faults and unanswered requests are retryable', async (t) => {
  for (const name of ['ThrottlingException', 'RequestThrottled', 'ServiceUnavailable', 'InternalError', 'KmsThrottled', 'TimeoutError']) {
    t.ok(isRetryableSqsError(named(name)), name)
  }
  t.ok(isRetryableSqsError({ code: 'Throttling' }), 'by code')
  t.ok(isRetryableSqsError(named('Weird', { $retryable: { throttling: true } })), "the SDK's $retryable")
  t.ok(isRetryableSqsError(named('Weird', { $fault: 'server' })), 'a server fault')
  t.ok(isRetryableSqsError(named('Weird', { $metadata: { httpStatusCode: 503 } })), '5xx')
  t.ok(isRetryableSqsError(named('Weird', { $metadata: { httpStatusCode: 429 } })), '429')
  for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']) t.ok(isRetryableSqsError(Object.assign(new Error(code), { code })), code)
})

t.test("the caller's mistakes and aborts are not", async (t) => {
  t.notOk(isRetryableSqsError(named('QueueDoesNotExist', { $fault: 'client', $metadata: { httpStatusCode: 400 } })))
  t.notOk(isRetryableSqsError(named('InvalidParameterValue', { $metadata: { httpStatusCode: 400 } })))
  t.notOk(isRetryableSqsError(named('AccessDenied', { $metadata: { httpStatusCode: 403 } })))
  t.notOk(isRetryableSqsError(named('AbortError')), 'aborted on purpose')
  t.notOk(isRetryableSqsError(new Error('no code')))
  t.notOk(isRetryableSqsError(undefined), 'throw undefined')
  t.notOk(isRetryableSqsError(null))
})
