// The one concurrency counter: the poller and the sqsd daemon wait for slots before receiving; the EB worker takes
// one without waiting (429 when none is free); close waits until every slot is back.
import t from 'tap'
import { Slots } from '../../src/sqs/index.js'

t.test('tryTake takes a free slot without waiting; release gives it back', async (t) => {
  const slots = new Slots(2)
  t.ok(slots.tryTake())
  t.ok(slots.tryTake())
  t.notOk(slots.tryTake(), 'none free: the worker answers 429')
  t.same([slots.used, slots.free], [2, 0])
  slots.release()
  t.same([slots.used, slots.free], [1, 1])
  slots.release(5)
  t.equal(slots.free, 2, 'never more free than its size')
})

t.test('take waits for a free slot and takes up to max; an abort ends the wait with 0', async (t) => {
  const slots = new Slots(3)
  t.equal(await slots.take(10, new AbortController().signal), 3, 'all that are free, at most max')
  const waiting = slots.take(2, new AbortController().signal)
  slots.release(2)
  t.equal(await waiting, 2)
  const abort = new AbortController()
  const aborted = slots.take(1, abort.signal)
  abort.abort()
  t.equal(await aborted, 0)
  t.equal(await slots.take(1, abort.signal), 0, 'an aborted signal takes nothing')
})

t.test('idle resolves once every slot is back (or its signal aborts)', async (t) => {
  const slots = new Slots(2)
  await slots.idle()
  slots.tryTake()
  slots.tryTake()
  let idle = false
  const done = slots.idle().then(() => (idle = true))
  slots.release()
  await new Promise((r) => setImmediate(r))
  t.notOk(idle, 'one slot still taken')
  slots.release()
  await done
  t.ok(idle)
  slots.tryTake()
  const abort = new AbortController()
  const stopped = slots.idle(abort.signal)
  abort.abort()
  await stopped
  t.equal(slots.used, 1, 'an aborted wait leaves the slot taken')
})

t.test('fill waits (at most ms) until enough slots are free', async (t) => {
  const slots = new Slots(4)
  slots.tryTake()
  slots.tryTake()
  const filling = slots.fill(3, 60_000, new AbortController().signal)
  slots.release()
  await filling
  t.equal(slots.free, 3)
  await slots.fill(4, 0, new AbortController().signal)
  t.equal(slots.free, 3, 'no wait when ms is 0')
})
