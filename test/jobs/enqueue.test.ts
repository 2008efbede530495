import t from 'tap'
import {
  Job,
  getQueueAdapter,
  jobRequest,
  setQueueAdapter,
  type EnqueueRequest,
  type EnqueuedJob,
  type JobQueueAdapter,
} from '../../src/jobs/index.js'

class ReportJob extends Job {
  static override readonly jobName = 'ReportJob'
  static override queueName = 'reports'
  static override priority = 7
  async perform(name: string, pages: number): Promise<void> {
    void name
    void pages
  }
}

/** A queue adapter that records what it was asked to send. */
function recorder(): JobQueueAdapter & { requests: EnqueueRequest[] } {
  const requests: EnqueueRequest[] = []
  return {
    requests,
    async enqueue(request: EnqueueRequest): Promise<EnqueuedJob> {
      requests.push(request)
      return {
        jobId: request.envelope.job_id,
        jobClass: request.envelope.job_class,
        queueName: request.envelope.queue_name,
        providerJobId: `msg-${requests.length}`,
        scheduledAt: request.envelope.scheduled_at ? new Date(request.envelope.scheduled_at) : null,
        envelope: request.envelope,
      }
    },
  }
}

t.beforeEach(() => {
  setQueueAdapter(undefined)
})
t.teardown(() => {
  setQueueAdapter(undefined)
})

t.test('performLater without an adapter is a clear error', async (t) => {
  const err = (await ReportJob.performLater('monthly', 2).catch((e: unknown) => e)) as Error & { code: string }
  t.equal(err.code, 'FASTIFY_AWS_NO_QUEUE_ADAPTER')
  t.match(err.message, /Cannot enqueue ReportJob: no queue is configured/)
  t.match(err.message, /useSqsQueue\(\)/)
  await t.rejects(ReportJob.set({ wait: 5 }).performLater('x', 1), { message: /no queue is configured/ })
})

t.test('setQueueAdapter returns the previous adapter; getQueueAdapter reads it', async (t) => {
  const a = recorder()
  const b = recorder()
  t.equal(setQueueAdapter(a), undefined)
  t.equal(getQueueAdapter(), a)
  t.equal(setQueueAdapter(b), a)
  t.equal(setQueueAdapter(undefined), b)
  t.equal(getQueueAdapter(), undefined)
})

t.test("performLater: the job's queue, priority and checked arguments reach the adapter", async (t) => {
  const q = recorder()
  setQueueAdapter(q)
  const sent = await ReportJob.performLater('monthly', 2)
  t.equal(q.requests.length, 1)
  const [req] = q.requests
  t.equal(req!.job, ReportJob)
  t.same(req!.options, {})
  t.match(req!.envelope, {
    job_class: 'ReportJob',
    queue_name: 'reports',
    priority: 7,
    arguments: ['monthly', 2],
    scheduled_at: null,
    executions: 0,
  })
  t.match(sent, { jobClass: 'ReportJob', queueName: 'reports', providerJobId: 'msg-1', scheduledAt: null, jobId: req!.envelope.job_id })
})

t.test('set(...): queue, priority, wait → scheduled_at, waitUntil wins, options passed on', async (t) => {
  const q = recorder()
  setQueueAdapter(q)
  const before = Date.now()
  await ReportJob.set({ queue: 'urgent', priority: 1, wait: 60, messageGroupId: 'g1' }).performLater('x', 1)
  const after = Date.now()
  const r = q.requests[0]!
  t.equal(r.envelope.queue_name, 'urgent')
  t.equal(r.envelope.priority, 1)
  const scheduled = Date.parse(r.envelope.scheduled_at!)
  t.ok(scheduled >= Math.floor(before / 1000) * 1000 + 60_000 && scheduled <= after + 60_000, 'now + 60 s')
  t.match(r.envelope.scheduled_at, /\.\d{9}Z$/)
  t.same(r.options, { queue: 'urgent', priority: 1, wait: 60, messageGroupId: 'g1' })

  const until = new Date('2030-01-01T00:00:00Z')
  await ReportJob.set({ wait: 60, waitUntil: until }).performLater('x', 1)
  t.equal(q.requests[1]!.envelope.scheduled_at, '2030-01-01T00:00:00.000000000Z', 'waitUntil wins over wait')

  await ReportJob.set({ wait: 0 }).performLater('x', 1)
  t.equal(q.requests[2]!.envelope.scheduled_at, null, 'wait 0: not scheduled')
})

t.test('jobRequest is deterministic given now', async (t) => {
  const now = new Date('2026-01-01T00:00:00Z')
  const r = jobRequest(ReportJob, ['a', 1], { wait: 90 }, now)
  t.equal(r.envelope.scheduled_at, '2026-01-01T00:01:30.000000000Z')
  t.equal(r.envelope.enqueued_at, '2026-01-01T00:00:00.000000000Z')
})

t.test('bad wait / waitUntil are refused before anything is sent', async (t) => {
  const q = recorder()
  setQueueAdapter(q)
  for (const wait of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => ReportJob.set({ wait }).build('x', 1), { code: 'FASTIFY_AWS_ENQUEUE_OPTION', message: /wait must be a number of seconds >= 0/ }, String(wait))
  }
  t.throws(() => ReportJob.set({ waitUntil: new Date('nope') }).build('x', 1), { message: /waitUntil is an invalid Date/ })
  t.throws(() => ReportJob.set({ priority: 1.5 }).build('x', 1), { code: 'FASTIFY_AWS_ENQUEUE_OPTION', message: /priority must be a whole number/ })
  t.equal(ReportJob.set({ priority: -3 }).build('x', 1).envelope.priority, -3, 'negative priorities are integers too')
  await t.rejects(ReportJob.set({ wait: -5 }).performLater('x', 1), { code: 'FASTIFY_AWS_ENQUEUE_OPTION' })
  t.equal(q.requests.length, 0)
})

t.test('un-JSON-able arguments are rejected at enqueue, nothing is sent', async (t) => {
  const q = recorder()
  setQueueAdapter(q)
  await t.rejects(ReportJob.performLater('x', 10n as unknown as number), {
    code: 'FASTIFY_AWS_UNSUPPORTED_ARGUMENT',
    message: /arguments\[1\]: a BigInt/,
  })
  t.throws(() => ReportJob.build('x', Number.NaN), { code: 'FASTIFY_AWS_UNSUPPORTED_ARGUMENT', message: /arguments\[1\]/ })
  t.equal(q.requests.length, 0)
})

t.test('build and set().build make requests without sending', async (t) => {
  const q = recorder()
  setQueueAdapter(q)
  const r = ReportJob.build('weekly', 3)
  t.equal(r.job, ReportJob)
  t.same(r.envelope.arguments, ['weekly', 3])
  t.equal(r.envelope.queue_name, 'reports')
  const s = ReportJob.set({ queue: 'other', waitUntil: new Date('2030-01-01T00:00:00Z') }).build('w', 1)
  t.equal(s.envelope.queue_name, 'other')
  t.equal(s.envelope.scheduled_at, '2030-01-01T00:00:00.000000000Z')
  t.equal(q.requests.length, 0, 'build never sends')
})

t.test("an adapter's failure is the caller's rejection", async (t) => {
  setQueueAdapter({
    enqueue: async () => {
      throw new Error('SQS down')
    },
  })
  await t.rejects(ReportJob.performLater('x', 1), { message: 'SQS down' })
})
