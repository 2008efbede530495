// Poller test helpers: a poller on the fixture's fauxqs, waiting for conditions, and recording jobs.
import type { Test } from 'tap'
import { Poller, type PollerOptions } from '../../src/poller/index.js'
import { SqsQueue } from '../../src/queue/index.js'
import type { SqsFixture } from '../queue/sqs-fixture.js'

/** A poller on `queues` (name → URL) that the test's teardown stops. */
export function pollerFor(t: Test, sqs: SqsFixture, queues: Record<string, string>, options: PollerOptions = {}): Poller {
  const poller = new Poller({ client: sqs.client, configLoad: { env: {}, cwd: t.testdir({}), code: { queues } }, ...options })
  t.teardown(() => poller.stop(0))
  return poller
}

/** A queue adapter on the same queues, closed by teardown. */
export function queueFor(t: Test, sqs: SqsFixture, queues: Record<string, string>, now?: () => number): SqsQueue {
  const queue = new SqsQueue({ client: sqs.client, configLoad: { env: {}, cwd: t.testdir({}), code: { queues } }, ...(now ? { now } : {}) })
  t.teardown(() => queue.close())
  return queue
}

/** Resolves once `check` returns true; rejects after `timeoutMs` with `what` (a safety net, not a timing assertion). */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}
