import t from 'tap'
import { DiscardJobError } from '../../src/errors.js'
import { backoffSeconds, decideFailure, errorMatches, type RetryPolicy } from '../../src/jobs/index.js'

class TimeoutError extends Error {
  override name = 'TimeoutError'
}
class SubTimeout extends TimeoutError {}
class FatalError extends Error {
  override name = 'FatalError'
}
const withCode = (code: string): Error => Object.assign(new Error('coded'), { code })

t.test('errorMatches: by class (instanceof), by name, by code', async (t) => {
  t.ok(errorMatches(new TimeoutError('x'), [TimeoutError]))
  t.ok(errorMatches(new SubTimeout('x'), [TimeoutError]), 'subclasses match')
  t.notOk(errorMatches(new TimeoutError('x'), [SubTimeout]))
  t.ok(errorMatches(new TimeoutError('x'), ['TimeoutError']), 'by name')
  t.ok(errorMatches(new TypeError('x'), ['TypeError']))
  t.ok(errorMatches(withCode('ECONNRESET'), ['ECONNRESET']), 'by code')
  t.notOk(errorMatches(withCode('ECONNRESET'), ['ETIMEDOUT', FatalError]))
  t.notOk(errorMatches(new Error('x'), undefined))
  t.notOk(errorMatches(new Error('x'), []))
  t.ok(errorMatches(new Error('x'), [Error]), 'Error matches everything')
})

t.test('decideFailure: no retry policy leaves the message to the queue', async (t) => {
  t.same(decideFailure(new Error('x'), 1, {}), { outcome: 'retry', delaySeconds: undefined })
  t.same(decideFailure(new Error('x'), 50, { retry: undefined }), { outcome: 'retry', delaySeconds: undefined })
})

t.test('decideFailure: attempts count the first run', async (t) => {
  const retry: RetryPolicy = { attempts: 3 }
  t.same(decideFailure(new Error('x'), 1, { retry }), { outcome: 'retry', delaySeconds: undefined })
  t.same(decideFailure(new Error('x'), 2, { retry }), { outcome: 'retry', delaySeconds: undefined })
  t.same(decideFailure(new Error('x'), 3, { retry }), { outcome: 'failed' })
  t.same(decideFailure(new Error('x'), 9, { retry }), { outcome: 'failed' })
  t.same(decideFailure(new Error('x'), 1, { retry: { attempts: 1 } }), { outcome: 'failed' }, 'attempts 1: no retry')
})

t.test('decideFailure: `on` limits which errors are retried; others fail at once', async (t) => {
  const retry: RetryPolicy = { attempts: 5, on: [TimeoutError, 'ECONNRESET'], backoff: { type: 'fixed', delay: 10 } }
  t.same(decideFailure(new SubTimeout('x'), 1, { retry }), { outcome: 'retry', delaySeconds: 10 })
  t.same(decideFailure(withCode('ECONNRESET'), 1, { retry }), { outcome: 'retry', delaySeconds: 10 })
  t.same(decideFailure(new FatalError('x'), 1, { retry }), { outcome: 'failed' })
})

t.test('discardOn and DiscardJobError win over retry', async (t) => {
  const policy = { retry: { attempts: 5 }, discardOn: [FatalError, 'EGONE'] }
  t.same(decideFailure(new FatalError('bad row'), 1, policy), { outcome: 'discarded', reason: 'FatalError: bad row' })
  t.same(decideFailure(Object.assign(new Error('gone'), { code: 'EGONE' }), 1, policy), { outcome: 'discarded', reason: 'Error: gone' })
  const d = decideFailure(new DiscardJobError('user deleted'), 1, {})
  t.same(d, { outcome: 'discarded', reason: 'Job discarded: user deleted' }, 'DiscardJobError discards without any policy')
  t.same(decideFailure(new DiscardJobError('x'), 1, { retry: { attempts: 9, on: [DiscardJobError] } }).outcome, 'discarded')
})

t.test('backoff: fixed, exponential, maxDelay, the SQS cap, whole seconds', async (t) => {
  const e = new Error('x')
  t.equal(backoffSeconds(undefined, 1, e), undefined)
  t.equal(backoffSeconds({ type: 'fixed', delay: 30 }, 1, e), 30)
  t.equal(backoffSeconds({ type: 'fixed', delay: 30 }, 7, e), 30)
  t.same([1, 2, 3, 4].map((a) => backoffSeconds({ type: 'exponential', delay: 5 }, a, e)), [5, 10, 20, 40])
  t.equal(backoffSeconds({ type: 'exponential', delay: 5, maxDelay: 60 }, 10, e), 60, 'maxDelay bounds it')
  t.equal(backoffSeconds({ type: 'exponential', delay: 5 }, 40, e), 43200, 'never beyond 12 h (SQS maximum)')
  t.equal(backoffSeconds({ type: 'fixed', delay: 50000, maxDelay: 99999 }, 1, e), 43200, 'maxDelay cannot lift the SQS cap')
  t.equal(backoffSeconds({ type: 'fixed', delay: 1.4 }, 1, e), 1, 'rounded to whole seconds')
  t.equal(backoffSeconds({ type: 'fixed', delay: -5 }, 1, e), 0, 'negative → 0')
})

t.test('backoff: jitter stays within [base, base * (1 + jitter)]', async (t) => {
  const e = new Error('x')
  const fixed = Array.from({ length: 500 }, () => backoffSeconds({ type: 'fixed', delay: 100, jitter: 0.5 }, 1, e)!)
  t.same(fixed.filter((v) => v < 100 || v > 150), [], 'fixed: all within [100, 150]')
  t.ok(new Set(fixed).size > 1, 'jitter varies the delay')
  const exp = Array.from({ length: 200 }, () => backoffSeconds({ type: 'exponential', delay: 10, jitter: 1 }, 3, e)!)
  t.same(exp.filter((v) => v < 40 || v > 80), [], 'exponential: all within [40, 80]')
  t.equal(backoffSeconds({ type: 'fixed', delay: 100, jitter: 0 }, 1, e), 100, 'jitter 0: exact')
})

t.test('backoff: a function gets the failed attempt and the error; its result is bounded', async (t) => {
  const seen: [number, string][] = []
  const fn = (attempt: number, error: Error): number => {
    seen.push([attempt, error.message])
    return attempt * 7
  }
  t.equal(backoffSeconds(fn, 3, new Error('boom')), 21)
  t.same(seen, [[3, 'boom']])
  t.equal(backoffSeconds(() => Number.NaN, 1, new Error('x')), 0, 'NaN → 0')
  t.equal(backoffSeconds(() => -3, 1, new Error('x')), 0)
  t.equal(backoffSeconds(() => 1e9, 1, new Error('x')), 43200)
  t.same(decideFailure(new Error('x'), 2, { retry: { attempts: 5, backoff: fn } }), { outcome: 'retry', delaySeconds: 14 })
})
