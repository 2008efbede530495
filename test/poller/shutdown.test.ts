import t from 'tap'
import { Job, JobRegistry } from '../../src/jobs/index.js'
import { startSqsFixture } from '../queue/sqs-fixture.js'
import { failBatchEntries } from '../queue/fault-injection.js'
import { pollerFor, queueFor, until } from './poller-fixture.js'

const sqs = await startSqsFixture()
t.teardown(() => sqs.close())

let release: () => void = () => {}
let gate = new Promise<void>((r) => (release = r))
const started: string[] = []
const aborted: string[] = []
const abortReasons: unknown[] = []
class GatedJob extends Job {
  static override readonly jobName = 'GatedJob'
  async perform(name: string): Promise<void> {
    started.push(name)
    const signal = this.context.signal
    await Promise.race([gate, new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }))])
    if (signal.aborted) {
      aborted.push(name)
      abortReasons.push(signal.reason)
      throw signal.reason as Error
    }
  }
}
const quick: string[] = []
class QuickJob extends Job {
  static override readonly jobName = 'QuickJob'
  async perform(name: string): Promise<void> {
    quick.push(name)
  }
}
const registry = new JobRegistry().register(GatedJob, QuickJob)

t.test('stop(): running jobs that finish within the timeout are deleted; the long poll is aborted', async (t) => {
  started.length = 0
  gate = new Promise<void>((r) => (release = r))
  const url = await sqs.createQueue('stop-graceful', { VisibilityTimeout: '60' })
  const queue = queueFor(t, sqs, { default: url })
  const poller = pollerFor(t, sqs, { default: url }, { registry, concurrency: 5 })
  await poller.start()
  await queue.enqueueAll(['a', 'b', 'c'].map((n) => GatedJob.build(n)))
  await until('3 running', () => started.length === 3)
  const stopping = poller.stop(30)
  setTimeout(() => release(), 50)
  await stopping
  t.same(await sqs.count(url), { visible: 0, inFlight: 0, delayed: 0 }, 'all three finished and were deleted')
  t.match(poller.stats, { completed: 3, running: 0 })
})

t.test('stop(): after the timeout, jobs are aborted and their messages are visible again at once', async (t) => {
  started.length = 0
  aborted.length = 0
  gate = new Promise<void>((r) => (release = r))
  const url = await sqs.createQueue('stop-timeout', { VisibilityTimeout: '600' })
  const queue = queueFor(t, sqs, { default: url })
  const poller = pollerFor(t, sqs, { default: url }, { registry, concurrency: 5 })
  await poller.start()
  await queue.enqueueAll(['x', 'y'].map((n) => GatedJob.build(n)))
  await until('2 running', () => started.length === 2)
  // Watch the visibility changes: fauxqs (like SQS) may hand a message made visible right after the
  // long poll was aborted to that abandoned poll, so the queue counts alone cannot show "visible at once".
  const released: Array<{ ReceiptHandle?: string; VisibilityTimeout?: number }> = []
  sqs.client.middlewareStack.add(
    (next, context) => async (args) => {
      if ((context as { commandName?: string }).commandName === 'ChangeMessageVisibilityBatchCommand') {
        released.push(...((args.input as { Entries?: typeof released }).Entries ?? []))
      }
      return next(args)
    },
    { step: 'initialize', name: 'watch-visibility' },
  )
  t.teardown(() => sqs.client.middlewareStack.remove('watch-visibility'))
  await poller.stop(0)
  t.same(aborted.sort(), ['x', 'y'], "each job's AbortSignal fired")
  t.match(abortReasons, [{ code: 'FASTIFY_AWS_JOB_ABORTED', message: 'The poller is shutting down' }, { code: 'FASTIFY_AWS_JOB_ABORTED' }])
  t.same(released.map((e) => e.VisibilityTimeout), [0, 0], 'both messages made visible at once, not after the 600 s timeout')
  const c = await sqs.count(url)
  t.equal(c.visible + c.inFlight, 2, 'neither was deleted')
  release()
})

t.test('DeleteMessageBatch partial failures: retryable entries are retried, the rest reported', async (t) => {
  quick.length = 0
  const url = await sqs.createQueue('stop-delete-faults', { VisibilityTimeout: '1' })
  const queue = queueFor(t, sqs, { default: url })
  const failedOnce = new Set<string>()
  let permanent = 0
  const remove = failBatchEntries(sqs.client, 'DeleteMessageBatchCommand', (e) => {
    const key = e.ReceiptHandle ?? ''
    if (!failedOnce.has(key)) {
      failedOnce.add(key)
      // One entry in every ~3 fails for good the first time it is seen, the others fail once with InternalError.
      if (failedOnce.size % 3 === 0 && permanent < 2) {
        permanent++
        return { code: 'ReceiptHandleIsInvalid', senderFault: true }
      }
      return { code: 'InternalError', senderFault: false }
    }
    return undefined
  })
  t.teardown(remove)
  const poller = pollerFor(t, sqs, { default: url }, { registry, concurrency: 10, heartbeatSeconds: false })
  const errors: Error[] = []
  poller.on('error', (e) => errors.push(e))
  await poller.start()
  const names = Array.from({ length: 20 }, (_, i) => `q${i}`)
  await queue.enqueueAll(names.map((n) => QuickJob.build(n)))
  await until('queue empty', async () => {
    const c = await sqs.count(url)
    return c.visible + c.inFlight + c.delayed === 0
  })
  t.same(new Set(quick), new Set(names), 'every job ran')
  t.equal(errors.length, 2, 'the two permanent delete failures were reported')
  t.match(errors[0], { code: 'FASTIFY_AWS_POLLER_SQS', message: /DeleteMessage.*ReceiptHandleIsInvalid/ })
  t.equal(quick.length, 22, 'the two whose delete failed for good ran again (at least once), nothing was lost')
})
