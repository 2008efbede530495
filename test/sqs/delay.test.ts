// How long an early job still has to wait, in whole seconds rounded up (never early), 0 when due.
import t from 'tap'
import { MAX_DELAY_SECONDS, remainingDelaySeconds } from '../../src/sqs/index.js'

t.test('remaining seconds until scheduled_at', async (t) => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0)
  t.equal(remainingDelaySeconds(null, now), 0, 'unscheduled')
  t.equal(remainingDelaySeconds('not a date', now), 0, 'unreadable: run now rather than never')
  t.equal(remainingDelaySeconds('2026-01-01T11:59:00Z', now), 0, 'due')
  t.equal(remainingDelaySeconds('2026-01-01T12:00:00Z', now), 0, 'exactly now')
  t.equal(remainingDelaySeconds('2026-01-01T12:00:00.001Z', now), 1, 'a millisecond is a whole second')
  t.equal(remainingDelaySeconds('2026-01-01T14:00:00Z', now), 7200, 'beyond SQS limit: the caller hops')
  t.equal(MAX_DELAY_SECONDS, 900)
})
