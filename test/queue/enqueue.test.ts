import t, { type Test } from 'tap'
import { createHash } from 'node:crypto'
import { getQueueAdapter } from '../../src/jobs/index.js'
import { SqsQueue, useSqsQueue, MAX_DELAY_SECONDS } from '../../src/queue/index.js'
import { VERSION } from '../../src/aws/index.js'
import { startSqsFixture } from './sqs-fixture.js'
import { DedupOrderJob, GreetJob, OrderJob } from './jobs-fixture.js'
import { failBatchEntries } from './fault-injection.js'

const sqs = await startSqsFixture()
t.teardown(() => sqs.close())
const defaultUrl = await sqs.createQueue('enq-default')
const otherUrl = await sqs.createQueue('enq-other')
const ordersUrl = await sqs.createQueue('enq-orders.fifo')

function queueFor(t: Test, extra: Partial<ConstructorParameters<typeof SqsQueue>[0]> = {}): SqsQueue {
  const q = new SqsQueue({
    client: sqs.client,
    configLoad: { env: {}, cwd: t.testdir({}), code: { queues: { default: defaultUrl, other: otherUrl, orders: ordersUrl } } },
    ...extra,
  })
  t.teardown(() => q.close())
  return q
}

t.test('performLater (sync): body is the envelope, attributes name the class and version, providerJobId is the MessageId', async (t) => {
  const queue = useSqsQueue({ client: sqs.client, configLoad: { env: {}, cwd: t.testdir({}), code: { queues: { default: defaultUrl } } } })
  t.teardown(() => queue.close())
  t.equal(getQueueAdapter(), queue)
  const job = await GreetJob.performLater('world')
  t.type(job.providerJobId, 'string')
  t.equal(job.envelope.provider_job_id, job.providerJobId)
  const [m] = await sqs.receive(defaultUrl)
  t.equal(m?.MessageId, job.providerJobId)
  const body = JSON.parse(m!.Body!)
  t.match(body, { job_class: 'GreetJob', job_id: job.jobId, queue_name: 'default', arguments: ['world'], provider_job_id: null, scheduled_at: null })
  t.equal(m!.MessageAttributes?.aws_sqs_active_job_class?.StringValue, 'GreetJob')
  t.equal(m!.MessageAttributes?.aws_sqs_active_job_version?.StringValue, VERSION)
  await queue.close()
  t.equal(getQueueAdapter(), undefined, 'close() unsets the adapter')
  await t.rejects(GreetJob.performLater('x'), { code: 'FASTIFY_AWS_NO_QUEUE_ADAPTER' })
})

t.test('an unknown queue name is an error naming the queue and where to configure it', async (t) => {
  const queue = queueFor(t)
  await t.rejects(queue.enqueue(GreetJob.set({ queue: 'mailers' }).build('x')), {
    code: 'FASTIFY_AWS_UNKNOWN_QUEUE',
    message: /"mailers".*AWS_ACTIVE_JOB_SQS_MAILERS_URL/,
  })
})

t.test('short delays use DelaySeconds; longer ones send 900 s and keep scheduled_at (fake clock)', async (t) => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  const queue = queueFor(t, { now: () => now })
  const short = await queue.enqueue(GreetJob.set({ waitUntil: new Date(now + 30_000) }).build('short'))
  const long = await queue.enqueue(GreetJob.set({ waitUntil: new Date(now + 2 * 3600_000) }).build('long'))
  t.equal(short.scheduledAt?.getTime(), now + 30_000)
  t.equal(long.envelope.scheduled_at, '2026-01-01T02:00:00.000000000Z', 'scheduled_at is the real time, not the hop')
  const counts = await sqs.count(defaultUrl)
  t.equal(counts.delayed, 2, 'both wait in SQS (30 s and the first 900 s hop)')
  t.equal(MAX_DELAY_SECONDS, 900)
})

t.test('FIFO: group id from set(), the job, the queue; dedup id = SHA-256 of the envelope minus excluded keys', async (t) => {
  const queue = queueFor(t)
  const a = await queue.enqueue(OrderJob.build(1))
  const b = await queue.enqueue(OrderJob.set({ messageGroupId: 'vip' }).build(2))
  const c = await queue.enqueue(DedupOrderJob.build(3))
  const again = await queue.enqueue(DedupOrderJob.build(3))
  t.equal(again.providerJobId, c.providerJobId, 'same arguments, enqueued_at excluded → SQS deduplicates')
  const seen = new Map<string, { group?: string; dedup?: string; body: string }>()
  for (let i = 0; i < 5 && seen.size < 3; i++) {
    for (const m of await sqs.receive(ordersUrl, 0, 30)) {
      seen.set(m.MessageId!, { group: m.Attributes?.MessageGroupId, dedup: m.Attributes?.MessageDeduplicationId, body: m.Body! })
    }
  }
  t.equal(seen.size, 3, 'the duplicate was not delivered')
  t.equal(seen.get(a.providerJobId!)?.group, 'order-group', "the job's messageGroupId")
  t.equal(seen.get(b.providerJobId!)?.group, 'vip', 'set({ messageGroupId }) wins')
  t.equal(seen.get(c.providerJobId!)?.group, 'ActiveJobSqsGroup', 'the default group')
  const envelope = JSON.parse(seen.get(a.providerJobId!)!.body) as Record<string, unknown>
  delete envelope.job_id
  t.equal(seen.get(a.providerJobId!)?.dedup, createHash('sha256').update(JSON.stringify(envelope)).digest('hex'))
})

t.test('FIFO: a delay is a clear error and nothing is sent; async mode stays synchronous', async (t) => {
  const queue = queueFor(t, { async: true })
  const before = await sqs.count(ordersUrl)
  await t.rejects(queue.enqueue(OrderJob.set({ wait: 60 }).build(9)), { code: 'FASTIFY_AWS_ENQUEUE', message: /queue "orders" is FIFO/ })
  await t.rejects(queue.enqueueAll([OrderJob.build(10), OrderJob.set({ wait: 5 }).build(11)]), { code: 'FASTIFY_AWS_ENQUEUE' })
  t.same(await sqs.count(ordersUrl), before, 'nothing was sent, not even the valid job of the batch')
  const job = await queue.enqueue(OrderJob.build(12))
  t.type(job.providerJobId, 'string', 'FIFO enqueue in async mode waited for SQS')
})

t.test('a body over the size limit is an error before anything is sent', async (t) => {
  const queue = queueFor(t)
  await t.rejects(queue.enqueue(GreetJob.build('x'.repeat(1_048_576))), { code: 'FASTIFY_AWS_ENQUEUE', message: /bytes.*1048576-byte SQS message limit/ })
})

t.test('async: returns at once, batches the tick, flush() waits; errors reach the handler with the job', async (t) => {
  const before = (await sqs.count(otherUrl)).visible
  const errors: Array<{ error: Error; jobId: string }> = []
  const logged: unknown[] = []
  const logger = { child: () => logger, debug() {}, info() {}, warn() {}, error: (o: unknown) => void logged.push(o) }
  const queue = queueFor(t, { async: true, logger, onAsyncError: (error, request) => void errors.push({ error, jobId: request.envelope.job_id }) })
  const jobs = await Promise.all(Array.from({ length: 15 }, (_, i) => queue.enqueue(GreetJob.set({ queue: 'other' }).build(`a${i}`))))
  t.ok(jobs.every((j) => j.providerJobId === null), 'no MessageId yet')
  t.equal(queue.pending, 15)
  await queue.flush()
  t.equal(queue.pending, 0)
  t.equal((await sqs.count(otherUrl)).visible - before, 15)

  const remove = failBatchEntries(sqs.client, 'SendMessageBatchCommand', (e) => (e.MessageBody?.includes('"doomed"') ? { code: 'InvalidParameterValue', senderFault: true } : undefined))
  t.teardown(remove)
  const doomed = await queue.enqueue(GreetJob.set({ queue: 'other' }).build('doomed'))
  await queue.enqueue(GreetJob.set({ queue: 'other' }).build('fine'))
  await queue.flush()
  t.equal(errors.length, 1)
  t.equal(errors[0]?.jobId, doomed.jobId)
  t.match(errors[0]?.error, { code: 'FASTIFY_AWS_QUEUE_SEND', sqsCode: 'InvalidParameterValue', senderFault: true })
  t.equal(logged.length, 1, 'the failure was logged too')
  await queue.close()
  await t.rejects(queue.enqueue(GreetJob.build('late')), { code: 'FASTIFY_AWS_QUEUE_CLOSED' })
})

t.test('enqueueAll: groups by queue, batches of 10, retries retryable entries, reports the rest per job', async (t) => {
  const queue = queueFor(t, { batch: { retryBaseMs: 1 } })
  const beforeDefault = (await sqs.count(defaultUrl)).visible
  const beforeOther = (await sqs.count(otherUrl)).visible
  let batchCalls = 0
  const flaky = new Set<string>()
  const remove = failBatchEntries(sqs.client, 'SendMessageBatchCommand', (e, call) => {
    if (call > batchCalls) batchCalls = call
    const body = e.MessageBody ?? ''
    if (body.includes('"never"')) return { code: 'InvalidMessageContents', senderFault: true }
    if (body.includes('"flaky') && !flaky.has(body)) {
      flaky.add(body)
      return { code: 'InternalError', senderFault: false }
    }
    return undefined
  })
  t.teardown(remove)
  const requests = [
    ...Array.from({ length: 13 }, (_, i) => GreetJob.build(i === 4 ? 'flaky-1' : i === 7 ? 'never' : `d${i}`)),
    ...Array.from({ length: 12 }, (_, i) => GreetJob.set({ queue: 'other' }).build(i === 11 ? 'flaky-2' : `o${i}`)),
  ]
  const results = await queue.enqueueAll(requests)
  t.equal(results.length, 25)
  t.same(results.map((r) => r.request), requests, 'results are in request order')
  const failed = results.filter((r) => !r.ok)
  t.equal(failed.length, 1, 'only the permanently rejected entry failed')
  t.match(failed[0], { ok: false, error: { code: 'FASTIFY_AWS_QUEUE_SEND', sqsCode: 'InvalidMessageContents' } })
  t.equal(failed[0]?.request, requests[7])
  t.ok(results.filter((r) => r.ok).every((r) => r.ok && typeof r.job.providerJobId === 'string'))
  t.equal((await sqs.count(defaultUrl)).visible - beforeDefault, 12)
  t.equal((await sqs.count(otherUrl)).visible - beforeOther, 12)
  t.equal(batchCalls, 4 + 2, '2 + 2 batches of <= 10, plus one retry per queue for the flaky entries')
})

t.test('the Fastify plugin decorates jobQueue, sets the adapter, flushes and unsets it on close, leaves a given client open', async (t) => {
  const Fastify = (await import('fastify')).default
  const { fastifyAwsQueue } = await import('../../src/queue/index.js')
  const app = Fastify()
  await app.register(fastifyAwsQueue, { client: sqs.client, async: true, configLoad: { env: {}, cwd: t.testdir({}), code: { queues: { default: defaultUrl } } } })
  t.equal(getQueueAdapter(), app.jobQueue)
  const before = (await sqs.count(defaultUrl)).visible
  await GreetJob.performLater('from a route')
  await app.close()
  t.equal(getQueueAdapter(), undefined)
  t.equal((await sqs.count(defaultUrl)).visible - before, 1, 'the async send finished before close resolved')
  t.ok(await sqs.count(defaultUrl), 'the given client still works')
})
