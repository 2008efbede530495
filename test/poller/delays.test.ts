import t from 'tap'
import { Job, JobRegistry } from '../../src/jobs/index.js'
import type { DelayedEvent } from '../../src/poller/index.js'
import { startSqsFixture } from '../queue/sqs-fixture.js'
import { failCalls } from '../queue/fault-injection.js'
import { pollerFor, queueFor, until } from './poller-fixture.js'

const sqs = await startSqsFixture()
t.teardown(() => sqs.close())

const performed: string[] = []
class LaterJob extends Job {
  static override readonly jobName = 'LaterJob'
  async perform(name: string): Promise<void> {
    performed.push(name)
  }
}
const registry = new JobRegistry().register(LaterJob)

t.test('a short delay waits in SQS (DelaySeconds), then runs', async (t) => {
  performed.length = 0
  const url = await sqs.createQueue('delay-short')
  const queue = queueFor(t, sqs, { default: url })
  await queue.enqueue(LaterJob.set({ wait: 1 }).build('short'))
  t.match(await sqs.count(url), { visible: 0, delayed: 1 }, 'invisible at first')
  const poller = pollerFor(t, sqs, { default: url }, { registry })
  await poller.start()
  await until('performed', () => performed.includes('short'))
})

t.test('> 900 s: a consumer that receives the job early re-sends it for the rest (at most 900 s a hop) and deletes the early copy', async (t) => {
  performed.length = 0
  const url = await sqs.createQueue('delay-long')
  const realNow = Date.now()
  const scheduled = realNow + 3600_000
  // The producer's clock says the job is due, so the message is visible at once: a stand-in for the last
  // 900 s hop having passed while the consumer's clock says an hour is left.
  const producer = queueFor(t, sqs, { default: url }, () => scheduled)
  const job = await producer.enqueue(LaterJob.set({ waitUntil: new Date(scheduled) }).build('hour'))
  let consumerNow = realNow
  const poller = pollerFor(t, sqs, { default: url }, { registry, now: () => consumerNow })
  const delayed: DelayedEvent[] = []
  poller.on('delayed', (e) => delayed.push(e))
  await poller.start()
  await until('re-sent', () => delayed.length === 1)
  t.equal(delayed[0]?.jobId, job.jobId)
  t.equal(delayed[0]?.remainingSeconds, 3600)
  await until('early copy deleted, one copy waiting', async () => {
    const c = await sqs.count(url)
    return c.visible === 0 && c.inFlight === 0 && c.delayed === 1
  })
  t.same(performed, [], 'not run early')
  await poller.stop()

  // Nearly due: the hop is 1 s; then the clock has passed scheduled_at and the job runs, once.
  const url2 = await sqs.createQueue('delay-long-2')
  const producer2 = queueFor(t, sqs, { default: url2 }, () => scheduled)
  await producer2.enqueue(LaterJob.set({ waitUntil: new Date(scheduled) }).build('soon'))
  consumerNow = scheduled - 1000
  const poller2 = pollerFor(t, sqs, { default: url2 }, { registry, now: () => consumerNow })
  const delayed2: DelayedEvent[] = []
  poller2.on('delayed', (e) => {
    delayed2.push(e)
    consumerNow = scheduled + 1000
  })
  await poller2.start()
  await until('performed after the last hop', () => performed.includes('soon'))
  t.equal(delayed2.length, 1)
  t.equal(delayed2[0]?.remainingSeconds, 1)
  t.same(performed, ['soon'])
})

t.test('the early copy is deleted only after the re-send succeeded', async (t) => {
  performed.length = 0
  const url = await sqs.createQueue('delay-resend-fails', { VisibilityTimeout: '1' })
  const scheduled = Date.now() + 3600_000
  const producer = queueFor(t, sqs, { default: url }, () => scheduled)
  await producer.enqueue(LaterJob.set({ waitUntil: new Date(scheduled) }).build('kept'))
  const poller = pollerFor(t, sqs, { default: url }, { registry, now: () => scheduled - 600_000, heartbeatSeconds: false })
  const errors: Error[] = []
  const delayed: DelayedEvent[] = []
  poller.on('error', (e) => errors.push(e))
  poller.on('delayed', (e) => delayed.push(e))
  const remove = failCalls(sqs.client, 'SendMessageCommand', 1, () => Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }))
  t.teardown(remove)
  await poller.start()
  await until('the re-send failed once, then succeeded on the redelivery', () => delayed.length === 1)
  t.match(errors[0], { code: 'FASTIFY_AWS_POLLER_SQS', message: /SendMessage \(re-schedule\)/ })
  t.equal(delayed[0]?.message.receiveCount, 2, 'the early copy stayed and came back')
  await until('one copy left, delayed', async () => {
    const c = await sqs.count(url)
    return c.visible === 0 && c.inFlight === 0 && c.delayed === 1
  })
})
