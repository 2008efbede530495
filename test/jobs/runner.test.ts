import diagnosticsChannel, { tracingChannel } from 'node:diagnostics_channel'
import { Writable } from 'node:stream'
import pino from 'pino'
import t from 'tap'
import { DiscardJobError } from '../../src/errors.js'
import {
  Job,
  JobRegistry,
  buildEnvelope,
  jobPerformChannel,
  jobRunChannel,
  performJob,
  prepareJob,
  runJob,
  type JobContext,
  type JobPerformEvent,
  type JobRunEvent,
} from '../../src/jobs/index.js'

/** A pino logger writing JSON lines into an array (a real destination stream, not a mock logger). */
function capture(level: pino.LevelWithSilent = 'trace') {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>)
      cb()
    },
  })
  return { logger: pino({ level }, stream), lines }
}

let lastContext: JobContext | undefined
let lastArgs: unknown[] = []

class EchoJob extends Job {
  static override readonly jobName = 'EchoJob'
  static override queueName = 'echo'
  async perform(...args: unknown[]): Promise<unknown> {
    lastContext = this.context
    lastArgs = args
    this.context.log.info({ inside: true }, 'performing')
    return { echoed: args.length }
  }
}

class FailingJob extends Job {
  static override readonly jobName = 'FailingJob'
  static override retry = { attempts: 3, backoff: { type: 'fixed' as const, delay: 30 } }
  static override discardOn = ['GoneError']
  async perform(kind: string): Promise<void> {
    if (kind === 'gone') throw Object.assign(new Error('record gone'), { name: 'GoneError' })
    if (kind === 'discard') throw new DiscardJobError('not needed')
    if (kind === 'string') throw 'a thrown string' // a non-Error throw on purpose
    throw new Error(`failure ${kind}`)
  }
}

class SyncThrowJob extends Job {
  static override readonly jobName = 'SyncThrowJob'
  perform(): void {
    throw new Error('sync throw')
  }
}

const registry = new JobRegistry().register(EchoJob, FailingJob, SyncThrowJob)
const body = (jobClass: string, args: unknown[] = [], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ...buildEnvelope({ jobClass, queueName: 'q1', args }), ...extra })

t.test('success: one log line with every field; perform gets its arguments and result comes back', async (t) => {
  const { logger, lines } = capture()
  const at = new Date('2025-01-01T00:00:00Z')
  const run = await runJob(body('EchoJob', ['a', { at }]), { registry, logger, delivery: { transport: 'poller', receiveCount: 1 } })
  t.equal(run.outcome, 'succeeded')
  t.same(run.result, { echoed: 2 })
  t.equal(run.jobClass, 'EchoJob')
  t.equal(run.queueName, 'q1')
  t.equal(run.attempt, 1)
  t.type(run.durationMs, 'number')
  t.equal(run.error, undefined)
  t.same(lastArgs, ['a', { at }])
  t.type((lastArgs[1] as { at: unknown }).at, Date)

  const runLines = lines.filter((l) => 'outcome' in l)
  t.equal(runLines.length, 1, 'exactly one run line')
  const line = runLines[0]!
  t.match(line, { level: 30, job_class: 'EchoJob', job_id: run.jobId, queue_name: 'q1', outcome: 'succeeded', attempt: 1 })
  t.type(line.duration_ms, 'number')
  t.notOk('err' in line)
  t.equal(line.msg, 'Job EchoJob succeeded')

  const inside = lines.find((l) => l.inside === true)
  t.match(inside, { job_class: 'EchoJob', job_id: run.jobId }, "the job's own logger is bound to its class and id")
})

t.test('the run line is valid JSON with each key once', async (t) => {
  const raw: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      raw.push(chunk.toString('utf8'))
      cb()
    },
  })
  await runJob(body('EchoJob'), { registry, logger: pino(stream), delivery: { transport: 'poller' } })
  const line = raw.find((l) => l.includes('"outcome"'))!
  t.equal(line.match(/"job_class":/g)?.length, 1, 'job_class once')
  t.equal(line.match(/"job_id":/g)?.length, 1, 'job_id once')
})

t.test('failure with retry policy: warn line with err and retry_in_s, then error line when attempts run out', async (t) => {
  const { logger, lines } = capture()
  const first = await runJob(body('FailingJob', ['boom']), { registry, logger, delivery: { transport: 'poller', receiveCount: 1 } })
  t.match(first, { outcome: 'retry', delaySeconds: 30, attempt: 1 })
  t.match(first.error, { message: 'failure boom' })
  const last = await runJob(body('FailingJob', ['boom']), { registry, logger, delivery: { transport: 'poller', receiveCount: 3 } })
  t.match(last, { outcome: 'failed', attempt: 3 })

  const [warn, error] = lines.filter((l) => 'outcome' in l)
  t.match(warn, { level: 40, outcome: 'retry', retry_in_s: 30, attempt: 1, err: { message: 'failure boom', type: 'Error' } })
  t.equal(warn!.msg, 'Job FailingJob failed, will retry')
  t.match(error, { level: 50, outcome: 'failed', attempt: 3, err: { message: 'failure boom' } })
  t.match((error!.err as { stack: string }).stack, /failure boom/)
})

t.test('the run line follows the logger level: at warn, a success writes nothing and a failure still writes its line', async (t) => {
  const { logger, lines } = capture('warn')
  await runJob(body('EchoJob'), { registry, logger, delivery: { transport: 'poller' } })
  t.same(lines, [], 'no info line built or written')
  await runJob(body('FailingJob', ['boom']), { registry, logger, delivery: { transport: 'poller', receiveCount: 1 } })
  t.match(lines, [{ level: 40, outcome: 'retry' }])
  // A logger without isLevelEnabled (any object of JobLogger's shape) still gets every line.
  const calls: string[] = []
  const plain = { child: () => plain, debug: () => {}, info: (_: unknown, msg?: string) => void calls.push(`info ${msg}`), warn: () => {}, error: () => {} }
  await runJob(body('EchoJob'), { registry, logger: plain, delivery: { transport: 'poller' } })
  t.same(calls, ['info performing', 'info Job EchoJob succeeded'])
})

t.test('attempt = executions + receiveCount (receive count at least 1)', async (t) => {
  const cases: [number, number | undefined, number][] = [
    [0, undefined, 1],
    [0, 1, 1],
    [0, 4, 4],
    [2, 1, 3],
    [2, 2, 4],
    [0, 0, 1],
    [1, Number.NaN, 2],
    [0, 2.5, 1],
    [0, -3, 1],
  ]
  for (const [executions, receiveCount, attempt] of cases) {
    const run = await runJob(body('EchoJob', [], { executions }), {
      registry,
      delivery: { transport: 'poller', ...(receiveCount === undefined ? {} : { receiveCount }) },
    })
    t.equal(run.attempt, attempt, `executions ${executions} + receiveCount ${receiveCount}`)
    t.equal(lastContext?.attempt, attempt)
  }
  const rails = await runJob(body('FailingJob', ['x'], { executions: 2 }), { registry, delivery: { transport: 'lambda', receiveCount: 1 } })
  t.equal(rails.outcome, 'failed', 'a Rails retry that already ran twice has no attempt left of 3')
})

t.test('discard: by discardOn and by DiscardJobError, logged at info with the reason', async (t) => {
  const { logger, lines } = capture()
  const gone = await runJob(body('FailingJob', ['gone']), { registry, logger, delivery: { transport: 'sqsd' } })
  t.match(gone, { outcome: 'discarded', reason: 'GoneError: record gone' })
  t.ok(gone.error)
  const discard = await runJob(body('FailingJob', ['discard']), { registry, logger, delivery: { transport: 'sqsd' } })
  t.match(discard, { outcome: 'discarded', reason: 'Job discarded: not needed' })
  const [a, b] = lines.filter((l) => 'outcome' in l)
  t.match(a, { level: 30, outcome: 'discarded', reason: 'GoneError: record gone' })
  t.match(b, { level: 30, outcome: 'discarded', msg: 'Job FailingJob discarded' })
})

t.test('non-Error throws and synchronous throws are failures, never rejections', async (t) => {
  const s = await runJob(body('FailingJob', ['string']), { registry, delivery: { transport: 'poller' } })
  t.equal(s.outcome, 'retry')
  t.type(s.error, Error)
  t.equal(s.error?.message, 'a thrown string')
  const sync = await runJob(body('SyncThrowJob'), { registry, delivery: { transport: 'poller' } })
  t.match(sync, { outcome: 'retry', error: { message: 'sync throw' } }, 'no policy: back to the queue')
})

t.test('context: fields from the envelope and the delivery, the signal passed', async (t) => {
  const controller = new AbortController()
  const delivery = {
    transport: 'sqsd' as const,
    messageId: 'msg-1',
    queue: 'worker-queue',
    receiveCount: 2,
    firstReceivedAt: '2026-01-01T00:00:00Z',
    firstReceivedAtMs: 1767225600000,
    senderId: '123456789012',
    attributes: { tenant: 'acme' },
  }
  const envelope = {
    ...buildEnvelope({ jobClass: 'EchoJob', queueName: 'reports', args: [], priority: 3, scheduledAt: new Date('2026-01-01T00:05:00Z') }),
    executions: 1,
    locale: 'de',
    timezone: 'Europe/Berlin',
  }
  await runJob(envelope, { registry, signal: controller.signal, delivery })
  const c = lastContext!
  t.match(c, {
    jobId: envelope.job_id,
    providerJobId: 'msg-1',
    queueName: 'reports',
    priority: 3,
    attempt: 3,
    enqueuedAt: envelope.enqueued_at,
    scheduledAt: '2026-01-01T00:05:00.000000000Z',
    locale: 'de',
    timezone: 'Europe/Berlin',
  })
  t.equal(c.delivery, delivery)
  t.equal(c.signal, controller.signal, 'the given AbortSignal')
  t.type(c.log.info, 'function')

  await runJob({ ...envelope, provider_job_id: 'from-envelope' }, { registry, delivery })
  t.equal(lastContext!.providerJobId, 'from-envelope', "the envelope's provider_job_id wins")
  await runJob(body('EchoJob'), { registry, delivery: { transport: 'poller' } })
  t.equal(lastContext!.signal.aborted, false, 'a signal is always there')
  t.equal(lastContext!.providerJobId, null)
})

t.test('context outside a run is an error', async (t) => {
  t.throws(() => new EchoJob().context, { code: 'FASTIFY_AWS_JOB_CONTEXT', message: 'Job context is only available while the job runs' })
})

t.test('prepareJob: malformed, unknown and unsupported messages throw before anything runs', async (t) => {
  t.throws(() => prepareJob('nope', registry), { code: 'FASTIFY_AWS_MALFORMED_MESSAGE' })
  t.throws(() => prepareJob(body('NotRegistered'), registry), { code: 'FASTIFY_AWS_UNKNOWN_JOB' })
  t.throws(() => prepareJob(body('__proto__'), registry), { code: 'FASTIFY_AWS_UNKNOWN_JOB' })
  t.throws(() => prepareJob(body('EchoJob', [], { arguments: [{ _aj_globalid: 'gid://x' }] }), registry), {
    code: 'FASTIFY_AWS_UNSUPPORTED_ARGUMENT',
  })
  await t.rejects(runJob('{}', { registry, delivery: { transport: 'poller' } }), { code: 'FASTIFY_AWS_MALFORMED_MESSAGE' })
  const prepared = prepareJob(Buffer.from(body('EchoJob', [1])), registry)
  t.equal(prepared.job, EchoJob)
  t.same(prepared.args, [1])
  t.match(await performJob(prepared, { delivery: { transport: 'poller' } }), { outcome: 'succeeded' })
})

t.test('the fastify-aws:job:perform tracing channel publishes start/end/asyncEnd, and error on failure', async (t) => {
  const events: [string, JobPerformEvent][] = []
  const handlers = {
    start: (m: unknown) => events.push(['start', { ...(m as JobPerformEvent) }]),
    end: (m: unknown) => events.push(['end', { ...(m as JobPerformEvent) }]),
    asyncStart: (m: unknown) => events.push(['asyncStart', { ...(m as JobPerformEvent) }]),
    asyncEnd: (m: unknown) => events.push(['asyncEnd', { ...(m as JobPerformEvent) }]),
    error: (m: unknown) => events.push(['error', { ...(m as JobPerformEvent) }]),
  }
  const channel = tracingChannel('fastify-aws:job:perform')
  channel.subscribe(handlers)
  t.teardown(() => channel.unsubscribe(handlers))
  t.ok(jobPerformChannel.hasSubscribers)

  const ok = await runJob(body('EchoJob', [1]), { registry, delivery: { transport: 'lambda', receiveCount: 1 } })
  const names = events.map(([n]) => n)
  t.same(names.filter((n) => n !== 'end' && n !== 'asyncStart'), ['start', 'asyncEnd'])
  t.ok(names.includes('end'))
  const start = events[0]![1]
  t.match(start, { jobClass: 'EchoJob', jobId: ok.jobId, queueName: 'q1', attempt: 1, delivery: { transport: 'lambda' } })
  const asyncEnd = events.find(([n]) => n === 'asyncEnd')![1]
  t.same(asyncEnd.result, { echoed: 1 })

  events.length = 0
  await runJob(body('FailingJob', ['x']), { registry, delivery: { transport: 'lambda' } })
  const error = events.find(([n]) => n === 'error')
  t.ok(error, 'error published')
  t.match(error![1].error, { message: 'failure x' })
  t.ok(events.some(([n]) => n === 'asyncEnd'))

  events.length = 0
  await runJob(body('SyncThrowJob'), { registry, delivery: { transport: 'lambda' } })
  t.ok(events.some(([n]) => n === 'error'), 'a synchronous throw is published as error too')
})

t.test('the fastify-aws:job:run channel publishes every decided run, with its delivery, constructor failures included', async (t) => {
  class CtorThrowsJob extends Job {
    static override readonly jobName = 'CtorThrowsJob'
    constructor() {
      super()
      throw new Error('no instance')
    }
    async perform(): Promise<void> {}
  }
  const registry = new JobRegistry().register(EchoJob, FailingJob, CtorThrowsJob)
  const kept: JobRunEvent[] = []
  const keep = (m: unknown) => void kept.push(m as JobRunEvent)
  diagnosticsChannel.subscribe('fastify-aws:job:run', keep)
  t.teardown(() => diagnosticsChannel.unsubscribe('fastify-aws:job:run', keep))
  t.ok(jobRunChannel.hasSubscribers)
  t.notOk(jobPerformChannel.hasSubscribers, 'perform is not wrapped for a run subscriber')

  const delivery = { transport: 'poller' as const, receiveCount: 1, messageId: 'm-1' }
  const ok = await runJob(body('EchoJob', [1]), { registry, delivery })
  const retried = await runJob(body('FailingJob', ['x']), { registry, delivery })
  const discarded = await runJob(body('FailingJob', ['gone']), { registry, delivery })
  const failed = await runJob(body('FailingJob', ['x']), { registry, delivery: { ...delivery, receiveCount: 3 } })
  const unbuilt = await runJob(body('CtorThrowsJob'), { registry, delivery })
  t.same(kept.map((e) => e.run), [ok, retried, discarded, failed, unbuilt], 'the very JobRun each call returned')
  t.same(kept.map((e) => e.run.outcome), ['succeeded', 'retry', 'discarded', 'failed', 'retry'])
  t.same(kept[0]!.delivery, delivery)
  t.match(kept[4]!.run.error, { message: 'no instance' })
})

t.test('performNow runs inline: result, rejection, discard', async (t) => {
  t.same(await EchoJob.performNow('x', 'y'), { echoed: 2 })
  t.same(lastArgs, ['x', 'y'])
  t.equal(lastContext?.delivery.transport, 'inline')
  t.equal(lastContext?.queueName, 'echo', "the job's own queue")
  await t.rejects(FailingJob.performNow('boom'), { message: 'failure boom' })
  t.equal(await FailingJob.performNow('discard'), undefined, 'a discarded run resolves')
})

t.test('a job whose constructor throws is a failed run, not a rejection', async (t) => {
  class BadCtorJob extends Job {
    static override readonly jobName = 'BadCtorJob'
    static override retry = { attempts: 2 }
    constructor() {
      super()
      throw new Error('cannot build')
    }
    async perform(): Promise<void> {}
  }
  const r = new JobRegistry().register(BadCtorJob)
  const { logger, lines } = capture()
  const run = await runJob(body('BadCtorJob'), { registry: r, logger, delivery: { transport: 'poller', receiveCount: 2 } })
  t.match(run, { outcome: 'failed', attempt: 2, error: { message: 'cannot build' } })
  t.match(lines.filter((l) => 'outcome' in l), [{ outcome: 'failed', err: { message: 'cannot build' } }], 'logged once')
})

t.test('a retry policy that throws is logged and leaves the message to the queue, never a rejection', async (t) => {
  class BuggyBackoffJob extends Job {
    static override readonly jobName = 'BuggyBackoffJob'
    static override retry = {
      attempts: 5,
      backoff: (): number => {
        throw new Error('bug in backoff')
      },
    }
    async perform(): Promise<void> {
      throw new Error('job failed')
    }
  }
  const r = new JobRegistry().register(BuggyBackoffJob)
  const { logger, lines } = capture()
  const run = await runJob(body('BuggyBackoffJob'), { registry: r, logger, delivery: { transport: 'poller' } })
  t.match(run, { outcome: 'retry', delaySeconds: undefined, error: { message: 'job failed' } })
  t.ok(lines.some((l) => (l.err as { message?: string } | undefined)?.message === 'bug in backoff' && l.level === 50), 'the policy fault is logged')
})
