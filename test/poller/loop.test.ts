import t from 'tap'
import { Job, JobRegistry, type RetryPolicy } from '../../src/jobs/index.js'
import { FAILURE_ATTRIBUTE, type FailedEvent } from '../../src/poller/index.js'
import { startSqsFixture } from '../queue/sqs-fixture.js'
import { pollerFor, queueFor, until } from './poller-fixture.js'

const sqs = await startSqsFixture()
t.teardown(() => sqs.close())

const performed: Array<{ job: string; arg: unknown; attempt: number; receiveCount: number | undefined }> = []

class RecordJob extends Job {
  static override readonly jobName = 'RecordJob'
  async perform(arg: string): Promise<void> {
    performed.push({ job: 'RecordJob', arg, attempt: this.context.attempt, receiveCount: this.context.delivery.receiveCount })
  }
}
class AlwaysFailsJob extends Job {
  static override readonly jobName = 'AlwaysFailsJob'
  async perform(arg: string): Promise<void> {
    performed.push({ job: 'AlwaysFailsJob', arg, attempt: this.context.attempt, receiveCount: this.context.delivery.receiveCount })
    throw new Error(`boom ${arg}`)
  }
}
class LimitedJob extends Job {
  static override readonly jobName = 'LimitedJob'
  static override retry: RetryPolicy = { attempts: 2, backoff: { type: 'fixed', delay: 0 } }
  async perform(arg: string): Promise<void> {
    performed.push({ job: 'LimitedJob', arg, attempt: this.context.attempt, receiveCount: this.context.delivery.receiveCount })
    throw new Error(`limited ${arg}`)
  }
}
class SkipJob extends Job {
  static override readonly jobName = 'SkipJob'
  static override discardOn = ['SkipMe']
  async perform(): Promise<void> {
    throw Object.assign(new Error('skip'), { name: 'SkipMe' })
  }
}
const registry = new JobRegistry().register(RecordJob, AlwaysFailsJob, LimitedJob, SkipJob)

t.test('enqueue → poll → perform → deleted; discardOn deletes', async (t) => {
  performed.length = 0
  const url = await sqs.createQueue('loop-basic')
  const queue = queueFor(t, sqs, { default: url })
  const poller = pollerFor(t, sqs, { default: url }, { registry, concurrency: 4 })
  const completed: string[] = []
  const discarded: string[] = []
  poller.on('completed', (run) => completed.push(run.jobId))
  poller.on('discarded', (run) => discarded.push(run.jobId))
  await poller.start()
  const results = await queue.enqueueAll(Array.from({ length: 30 }, (_, i) => RecordJob.build(`job-${i}`)))
  const skip = await queue.enqueue(SkipJob.build())
  await until('30 completed and 1 discarded', () => completed.length === 30 && discarded.length === 1)
  t.same(new Set(performed.map((p) => p.arg)), new Set(results.map((_, i) => `job-${i}`)))
  t.same(discarded, [skip.jobId])
  t.same(await sqs.count(url), { visible: 0, inFlight: 0, delayed: 0 }, 'every message was deleted')
  t.match(poller.stats, { completed: 30, discarded: 1, received: 31, running: 0 })
  t.ok(performed.every((p) => p.receiveCount === 1 && p.attempt === 1))
})

t.test('failure without a policy: redelivered with a higher receive count, then the redrive policy moves it to the DLQ', async (t) => {
  performed.length = 0
  const { url, dlqUrl } = await sqs.createQueueWithDlq('loop-redrive', 2, { VisibilityTimeout: '1' })
  const queue = queueFor(t, sqs, { default: url })
  const poller = pollerFor(t, sqs, { default: url }, { registry, concurrency: 2, heartbeatSeconds: false })
  const retrying: number[] = []
  poller.on('retrying', (_run, m) => retrying.push(m.receiveCount))
  await poller.start()
  await queue.enqueue(AlwaysFailsJob.build('x'))
  await until('the message reached the DLQ', async () => (await sqs.count(dlqUrl)).visible === 1)
  t.same(performed.map((p) => p.receiveCount), [1, 2], 'ran once per receive, receive count rising')
  t.same(performed.map((p) => p.attempt), [1, 2], 'attempt follows the receive count')
  t.same(retrying, [1, 2])
  const [dead] = await sqs.receive(dlqUrl)
  t.equal(JSON.parse(dead!.Body!).job_class, 'AlwaysFailsJob')
})

t.test('attempts exhausted on a queue with a DLQ: moved there explicitly (send, then delete) with the reason', async (t) => {
  performed.length = 0
  const { url, dlqUrl } = await sqs.createQueueWithDlq('loop-attempts', 10, { VisibilityTimeout: '30' })
  const queue = queueFor(t, sqs, { default: url })
  const poller = pollerFor(t, sqs, { default: url }, { registry })
  const failed: FailedEvent[] = []
  poller.on('failed', (e) => failed.push(e))
  await poller.start()
  await queue.enqueue(LimitedJob.build('y'))
  await until('failed event', () => failed.length === 1)
  t.same(performed.map((p) => p.attempt), [1, 2], 'backoff 0 made it visible at once; 2 attempts in all')
  t.match(failed[0], { action: 'dead-lettered', permanent: false, run: { outcome: 'failed', attempt: 2 } })
  t.same(await sqs.count(url), { visible: 0, inFlight: 0, delayed: 0 }, 'deleted from the source queue')
  const [dead] = await sqs.receive(dlqUrl)
  t.match(dead?.MessageAttributes?.[FAILURE_ATTRIBUTE]?.StringValue, /limited y/)
  t.equal(dead?.MessageAttributes?.aws_sqs_active_job_class?.StringValue, 'LimitedJob', 'original attributes kept')
})

t.test('unparseable bodies and unknown jobs are never deleted silently; a handler may choose', async (t) => {
  const { url, dlqUrl } = await sqs.createQueueWithDlq('loop-permanent', 1, { VisibilityTimeout: '1' })
  const noDlqUrl = await sqs.createQueue('loop-no-dlq')
  const warnings: string[] = []
  const logger = { child: () => logger, debug() {}, info() {}, error() {}, warn: (_o: unknown, msg?: string) => void warnings.push(msg ?? '') }
  const poller = pollerFor(t, sqs, { default: url, other: noDlqUrl }, { registry, logger })
  const failed: FailedEvent[] = []
  poller.on('failed', (e) => failed.push(e))
  await poller.start()
  t.ok(warnings.some((w) => /Queue other has no dead-letter queue/.test(w)), 'warned at start-up about the queue without DLQ')
  t.notOk(warnings.some((w) => /Queue default has no/.test(w)))
  const { SendMessageCommand } = await import('@aws-sdk/client-sqs')
  await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'not json' }))
  await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ job_class: 'NoSuchJob', arguments: [] }) }))
  await until('both in the DLQ through the redrive policy', async () => (await sqs.count(dlqUrl)).visible === 2)
  t.ok(failed.length >= 2)
  t.ok(failed.every((f) => f.permanent && f.action === 'left'))
  t.match(failed.map((f) => (f.error as Error & { code?: string }).code).sort(), ['FASTIFY_AWS_MALFORMED_MESSAGE', 'FASTIFY_AWS_UNKNOWN_JOB'])
  await poller.stop()

  // A fresh queue: the stopped poller's aborted long poll may still hold a message sent to its queues now.
  const handlerUrl = await sqs.createQueue('loop-handler')
  const seen: string[] = []
  const deleting = pollerFor(t, sqs, { other: handlerUrl }, {
    registry,
    onPermanentFailure: (error, m) => {
      seen.push(`${(error as Error & { code?: string }).code}:${m.messageId}`)
      return 'delete'
    },
  })
  const deleted: FailedEvent[] = []
  deleting.on('failed', (e) => deleted.push(e))
  await deleting.start()
  await sqs.client.send(new SendMessageCommand({ QueueUrl: handlerUrl, MessageBody: '{"job_class": 42}' }))
  await until('handler chose delete', () => deleted.length === 1)
  t.match(deleted[0], { action: 'deleted', permanent: true })
  t.match(seen[0], /^FASTIFY_AWS_MALFORMED_MESSAGE:/)
  t.same(await sqs.count(handlerUrl), { visible: 0, inFlight: 0, delayed: 0 })
})

t.test('an SQS error never stops the poller; it is reported as an error event', async (t) => {
  const url = await sqs.createQueue('loop-errors')
  const queue = queueFor(t, sqs, { default: url })
  const poller = pollerFor(t, sqs, { default: url }, { registry })
  const errors: Error[] = []
  poller.on('error', (e) => errors.push(e))
  const { failCalls } = await import('../queue/fault-injection.js')
  await poller.start()
  const remove = failCalls(sqs.client, 'ReceiveMessageCommand', 1, () => Object.assign(new Error('slow down'), { name: 'RequestThrottled', $metadata: { httpStatusCode: 400 } }))
  t.teardown(remove)
  const completed: string[] = []
  poller.on('completed', (run) => completed.push(run.jobId))
  const job = await queue.enqueue(RecordJob.build('after-error'))
  await until('a receive failed and the job still completed', () => completed.includes(job.jobId) && errors.length === 1)
  t.match(errors[0], { code: 'FASTIFY_AWS_POLLER_SQS', message: /ReceiveMessage on queue default.*RequestThrottled/ })
  const second = await queue.enqueue(RecordJob.build('later'))
  await until('the poller kept polling', () => completed.includes(second.jobId))
})

t.test('bad options are precise errors', async (t) => {
  const url = await sqs.createQueue('loop-options')
  t.throws(() => pollerFor(t, sqs, { default: url }, { concurrency: 0 }), { code: 'FASTIFY_AWS_POLLER_CONFIG', message: /concurrency/ })
  t.throws(() => pollerFor(t, sqs, { default: url }, { maxMessages: 11 }), { message: /maxMessages must be a whole number from 1 to 10, got 11/ })
  const p = pollerFor(t, sqs, { default: url }, { queues: ['nope'] })
  await t.rejects(p.start(), { code: 'FASTIFY_AWS_UNKNOWN_QUEUE', message: /"nope"/ })
})

t.test('a throwing event listener is reported, and neither stops the poller nor loses the message', async (t) => {
  const url = await sqs.createQueue('loop-listener', { VisibilityTimeout: '1' })
  const queue = queueFor(t, sqs, { default: url })
  const poller = pollerFor(t, sqs, { default: url }, { registry, heartbeatSeconds: false })
  const errors: Error[] = []
  poller.on('error', (e) => errors.push(e))
  let throwOnce = true
  poller.on('active', () => {
    if (throwOnce) {
      throwOnce = false
      throw new Error('listener bug')
    }
  })
  const completed: string[] = []
  poller.on('completed', (run) => completed.push(run.jobId))
  await poller.start()
  const job = await queue.enqueue(RecordJob.build('listener'))
  await until('completed on redelivery', () => completed.includes(job.jobId))
  t.match(errors[0], { message: 'listener bug' })
  t.equal(poller.stats.running, 0)
})

t.test("a throwing 'completed' listener is reported; the message stays deleted and later jobs still complete", async (t) => {
  const url = await sqs.createQueue('loop-completed-listener', { VisibilityTimeout: '1' })
  const queue = queueFor(t, sqs, { default: url })
  const poller = pollerFor(t, sqs, { default: url }, { registry, heartbeatSeconds: false })
  const errors: Error[] = []
  poller.on('error', (e) => errors.push(e))
  const completed: string[] = []
  poller.on('completed', (run) => {
    completed.push(run.jobId)
    if (completed.length === 1) throw new Error('completed listener bug')
  })
  await poller.start()
  const first = await queue.enqueue(RecordJob.build('first'))
  await until('the first completed', () => completed.length === 1)
  const second = await queue.enqueue(RecordJob.build('second'))
  await until('the second completed', () => completed.length === 2)
  t.same(completed, [first.jobId, second.jobId], 'each job completed once: the throw did not undo the delete')
  t.match(errors, [{ message: 'completed listener bug' }])
  await until('both deleted', async () => (await sqs.count(url)).inFlight === 0)
  t.same(await sqs.count(url), { visible: 0, inFlight: 0, delayed: 0 })
})
