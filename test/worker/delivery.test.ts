// What a job receives from an sqsd POST: the sqsd metadata, the body whatever its Content-Type, and Rails' envelopes.
import t from 'tap'
import { LogController } from 'fastify'
import { request } from 'undici'
import { Job, JobRegistry } from '../../src/jobs/index.js'
import { isSqsdRequest } from '../../src/worker/index.js'
import { answer, captureLogs, envelope, SQSD_UA, startWorker } from './helpers.js'

t.test('the job receives the sqsd metadata', async (t) => {
  const w = await startWorker(t)
  const a = await w.sqsd(envelope('HelloJob', ['meta'], { executions: 0 }), {
    'X-Aws-Sqsd-Msgid': 'b5d0a1f2-0000-4c1e-9d2a-0123456789ab',
    'X-Aws-Sqsd-Queue': 'awseb-e-abc-stack-AWSEBWorkerQueue-XYZ',
    'X-Aws-Sqsd-Receive-Count': '3',
    'X-Aws-Sqsd-First-Received-At': '2014-10-21T11:01:06Z',
    'X-Aws-Sqsd-Sender-Id': 'AIDAEXAMPLE',
    'X-Aws-Sqsd-Attr-Tenant': 'acme',
    'x-aws-sqsd-attr-priority': '7',
    'X-AWS-SQSD-ATTR-Trace_Id': 'Root=1-abc',
  })
  t.equal(a.status, 200, a.text)
  const { context } = w.jobs.seen[0]!
  t.same(context.delivery, {
    transport: 'sqsd',
    messageId: 'b5d0a1f2-0000-4c1e-9d2a-0123456789ab',
    queue: 'awseb-e-abc-stack-AWSEBWorkerQueue-XYZ',
    receiveCount: 3,
    firstReceivedAt: '2014-10-21T11:01:06.000Z',
    firstReceivedAtMs: Date.UTC(2014, 9, 21, 11, 1, 6),
    senderId: 'AIDAEXAMPLE',
    // Header names are case-insensitive, so attribute names arrive lower-cased (Rack upper-cases them).
    attributes: { tenant: 'acme', priority: '7', trace_id: 'Root=1-abc' },
  })
  t.equal(context.attempt, 3, 'attempt = executions + receive count')
  t.equal(context.providerJobId, 'b5d0a1f2-0000-4c1e-9d2a-0123456789ab', 'no provider_job_id in the envelope: the message id')
  t.equal(context.queueName, 'default', 'queueName is the envelope queue_name')
  t.equal(context.signalAborted, false)
})

t.test('metadata edge cases: absent headers, unparsable values, attributes named like Object.prototype members', async (t) => {
  const w = await startWorker(t)
  t.equal((await w.sqsd(envelope('HelloJob'))).status, 200)
  t.same(w.jobs.seen[0]!.context.delivery, { transport: 'sqsd' }, 'nothing but the transport without sqsd headers')
  t.equal(w.jobs.seen[0]!.context.attempt, 1)

  const a = await w.sqsd(envelope('HelloJob', [], { executions: 2, provider_job_id: 'from-envelope' }), {
    'x-aws-sqsd-receive-count': 'many',
    'x-aws-sqsd-first-received-at': 'yesterday',
    'x-aws-sqsd-msgid': 'm-2',
    'x-aws-sqsd-attr-__proto__': 'p',
    'x-aws-sqsd-attr-constructor': 'c',
  })
  t.equal(a.status, 200, a.text)
  const { context } = w.jobs.seen[1]!
  t.equal(context.delivery.receiveCount, undefined, 'a non-numeric receive count is left out')
  t.equal(context.delivery.firstReceivedAt, 'yesterday', 'an unparsable time is passed on as sent')
  t.equal(context.delivery.firstReceivedAtMs, undefined)
  t.equal(context.attempt, 3, 'executions 2 + one delivery')
  t.equal(context.providerJobId, 'from-envelope', 'the envelope provider_job_id wins')
  const attrs = context.delivery.attributes!
  t.same(Object.keys(attrs).sort(), ['__proto__', 'constructor'], 'both attributes arrive as own keys')
  t.equal(Object.getPrototypeOf(attrs), Object.prototype, 'the attributes object keeps its prototype')
  t.equal(Object.getOwnPropertyDescriptor(attrs, '__proto__')?.value, 'p')
  t.equal(attrs.constructor, 'c')
})

t.test('periodic task metadata: Taskname and Scheduled-At, plus the message headers', async (t) => {
  const w = await startWorker(t)
  const a = await w.sqsd('', {
    'X-Aws-Sqsd-Taskname': 'HeartbeatJob',
    'X-Aws-Sqsd-Scheduled-At': '2026-11-29T21:05:00Z',
    'X-Aws-Sqsd-Msgid': 'task-1',
    'X-Aws-Sqsd-Queue': 'worker-queue',
    'X-Aws-Sqsd-Receive-Count': '1',
    'X-Aws-Sqsd-First-Received-At': '2026-11-29T21:05:01Z',
    'X-Aws-Sqsd-Sender-Id': '123456789012',
  })
  t.equal(a.status, 200, a.text)
  t.same(w.jobs.seen[0]!.context.delivery, {
    transport: 'periodic',
    taskName: 'HeartbeatJob',
    scheduledAt: '2026-11-29T21:05:00Z',
    messageId: 'task-1',
    queue: 'worker-queue',
    receiveCount: 1,
    firstReceivedAt: '2026-11-29T21:05:01.000Z',
    firstReceivedAtMs: Date.UTC(2026, 10, 29, 21, 5, 1),
    senderId: '123456789012',
  })
})

t.test('the body is read whatever the Content-Type (the sqsd MimeType option)', async (t) => {
  const w = await startWorker(t)
  const body = JSON.stringify(envelope('HelloJob', ['typed']))
  const types = [
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'text/plain; charset=UTF-8',
    'application/x-www-form-urlencoded',
    'application/xml',
    'application/vnd.acme.job+json',
    'application/octet-stream',
  ]
  for (const type of types) {
    const a = await w.sqsd(body, { 'content-type': type })
    t.equal(a.status, 200, `${type}: ${a.text}`)
    t.equal(a.text, 'Successfully ran job HelloJob.')
  }
  // No Content-Type at all.
  const res = await request(`${w.url}/`, { method: 'POST', headers: { 'user-agent': SQSD_UA }, body })
  const none = await answer(res)
  t.equal(none.status, 200, `no Content-Type: ${none.text}`)
  t.equal(w.jobs.seen.length, types.length + 1)
  t.ok(w.jobs.seen.every((s) => s.args[0] === 'typed'))

  // A periodic task with an empty body under each type is never a parse error.
  for (const type of [...types, undefined]) {
    const headers: Record<string, string> = { 'user-agent': SQSD_UA, 'x-aws-sqsd-taskname': 'HeartbeatJob' }
    if (type) headers['content-type'] = type
    const p = await answer(await request(`${w.url}/`, { method: 'POST', headers, body: '' }))
    t.equal(p.status, 200, `periodic, ${type ?? 'no type'}: ${p.text}`)
  }

  // A Content-Type header that is not a media type at all: Fastify answers 415 before the worker sees the body.
  const bad = await w.sqsd(body, { 'content-type': 'not a media type' })
  t.equal(bad.status, 415, bad.text)
  t.match(bad.type, /^text\/plain/)
  t.notMatch(bad.text, /\n/)
})

t.test('envelopes made by Rails (activejob-envelopes.md) run and the job sees decoded arguments', async (t) => {
  const w = await startWorker(t)
  const rails = [
    {
      what: 'symbol keys',
      body: '{"job_class":"ReportJob","job_id":"5eca64c6-16c9-4f20-80a2-c9babb8cdcb3","provider_job_id":null,"queue_name":"reports","priority":null,"arguments":["monthly",{"region":"eu","limit":10,"_aj_symbol_keys":["limit"]}],"executions":0,"exception_executions":{},"locale":"en","timezone":null,"enqueued_at":"2026-11-28T17:00:45Z"}',
      args: ['monthly', { region: 'eu', limit: 10 }],
    },
    {
      what: 'Time, Date and Symbol serializers',
      body: '{"job_class":"ReportJob","job_id":"492c4372-30f1-4ced-b4d8-61df8148728f","provider_job_id":null,"queue_name":"reports","priority":null,"arguments":[{"_aj_serialized":"ActiveJob::Serializers::TimeSerializer","value":"2025-06-01T12:00:00.000000000Z"},{"_aj_serialized":"ActiveJob::Serializers::DateSerializer","value":"2025-06-30"},{"_aj_serialized":"ActiveJob::Serializers::SymbolSerializer","value":"csv"}],"executions":0,"exception_executions":{},"locale":"en","timezone":null,"enqueued_at":"2026-11-28T17:00:45Z"}',
      args: [new Date(Date.UTC(2025, 5, 1, 12)), '2025-06-30', 'csv'],
    },
    {
      what: 'ruby2_keywords',
      body: '{"job_class":"ReportJob","job_id":"ce5441d5-bcd3-47be-a77a-71addab3ece6","provider_job_id":null,"queue_name":"reports","priority":null,"arguments":["weekly",{"format":"pdf","pages":[1,2],"_aj_ruby2_keywords":["format","pages"]}],"executions":0,"exception_executions":{},"locale":"en","timezone":null,"enqueued_at":"2026-11-28T17:00:45Z"}',
      args: ['weekly', { format: 'pdf', pages: [1, 2] }],
    },
    {
      what: 'HashWithIndifferentAccess',
      body: '{"job_class":"ReportJob","job_id":"0190fdde-88f6-42a7-92c3-64bf04170e0e","provider_job_id":null,"queue_name":"reports","priority":null,"arguments":[{"a":1,"_aj_hash_with_indifferent_access":true}],"executions":0,"exception_executions":{},"locale":"en","timezone":null,"enqueued_at":"2026-11-28T17:00:45Z"}',
      args: [{ a: 1 }],
    },
    {
      what: 'Rails 7.1+: scheduled_at and nine fractional digits',
      body: '{"job_class":"ReportJob","job_id":"7d3f0c1e-5a8b-4e2f-9c6d-1b0a2f3e4d5c","provider_job_id":null,"queue_name":"reports","priority":5,"arguments":[{"_aj_serialized":"ActiveJob::Serializers::TimeWithZoneSerializer","value":"2025-06-01T14:00:00.123456789+02:00","time_zone":"Europe/Berlin"}],"executions":1,"exception_executions":{"[Net::ReadTimeout]":1},"locale":"de","timezone":"Europe/Berlin","enqueued_at":"2026-11-28T17:00:45.123456789Z","scheduled_at":"2026-11-28T17:05:45.000000000Z"}',
      args: [new Date(Date.UTC(2025, 5, 1, 12, 0, 0, 123))],
    },
  ]
  for (const { what, body, args } of rails) {
    const a = await w.sqsd(body)
    t.equal(a.status, 200, `${what}: ${a.text}`)
    t.equal(a.text, 'Successfully ran job ReportJob.')
    const seen = w.jobs.seen.at(-1)!
    t.same(seen.args, args, what)
    t.equal(seen.context.queueName, 'reports')
    t.equal(JSON.stringify(seen.args).includes('_aj_'), false, `${what}: no ActiveJob markers left`)
  }
  const last = w.jobs.seen.at(-1)!
  t.ok(last.args[0] instanceof Date, 'TimeWithZone is a Date')
  t.equal(last.context.locale, 'de')
  t.equal(last.context.timezone, 'Europe/Berlin')
  t.equal(last.context.priority, 5)
  t.equal(last.context.scheduledAt, '2026-11-28T17:05:45.000000000Z')
  t.equal(last.context.attempt, 2, 'executions 1 + first delivery')
  const first = w.jobs.seen[0]!
  t.equal(first.context.jobId, '5eca64c6-16c9-4f20-80a2-c9babb8cdcb3')
  t.equal(first.context.timezone, null)
})

t.test('first-received-at reads back as the time Date.parse gave, even for dates that roll over', async (t) => {
  const w = await startWorker(t)
  const cases: Array<[string, string]> = [
    ['2026-11-29T21:05:01Z', '2026-11-29T21:05:01.000Z'],
    ['2026-02-30T00:00:00Z', '2026-03-02T00:00:00.000Z'],
    ['2026-02-29T00:00:00Z', '2026-03-01T00:00:00.000Z'],
    ['2028-02-29T12:00:00Z', '2028-02-29T12:00:00.000Z'],
    ['2100-02-29T12:00:00Z', '2100-03-01T12:00:00.000Z'],
    ['2026-04-31T00:00:00Z', '2026-05-01T00:00:00.000Z'],
    ['2026-12-31T23:59:59Z', '2026-12-31T23:59:59.000Z'],
    ['2026-01-01T24:00:00Z', '2026-01-02T00:00:00.000Z'],
    ['2026-11-29T21:05:01+01:00', '2026-11-29T20:05:01.000Z'],
    ['2026-11-29T21:05:01.123Z', '2026-11-29T21:05:01.123Z'],
  ]
  for (const [i, [sent, expected]] of cases.entries()) {
    t.equal((await w.sqsd(envelope('HelloJob'), { 'x-aws-sqsd-first-received-at': sent })).status, 200)
    const delivery = w.jobs.seen[i]!.context.delivery
    t.equal(delivery.firstReceivedAt, expected, sent)
    t.equal(delivery.firstReceivedAtMs, Date.parse(sent))
  }
})

t.test('the run line: none is built for Fastify without a logger, and any real logger gets it', async (t) => {
  let probed: boolean | undefined
  class LogProbeJob extends Job {
    static override readonly jobName = 'LogProbeJob'
    async perform(): Promise<void> {
      probed = this.context.log.isLevelEnabled?.('info')
    }
  }
  const quiet = await startWorker(t, { worker: { registry: new JobRegistry().register(LogProbeJob) } })
  const a = await quiet.sqsd(envelope('LogProbeJob'))
  t.equal(a.status, 200, a.text)
  t.equal(probed, false, "the job's logger says at once that nothing is logged (the silent logger)")

  // One function for every level (as a console-backed logger might be): not mistaken for Fastify's do-nothing logger.
  const calls: unknown[][] = []
  const write = (...args: unknown[]): void => void calls.push(args)
  const logger = { level: 'info', info: write, error: write, warn: write, debug: write, fatal: write, trace: write, silent: write, child: () => logger }
  const w = await startWorker(t, { fastify: { loggerInstance: logger as never } })
  const b = await w.sqsd(envelope('HelloJob', ['logged'], { job_id: 'f2d9b7e4-1c1a-4a57-9d1e-4a0f6b5c7d8e' }))
  t.equal(b.status, 200, b.text)
  const run = calls.find(([obj]) => (obj as { job_id?: string } | undefined)?.job_id === 'f2d9b7e4-1c1a-4a57-9d1e-4a0f6b5c7d8e')
  t.match(run, [{ job_class: 'HelloJob', queue_name: 'default', outcome: 'succeeded', attempt: 1 }, 'Job HelloJob succeeded'])
})

t.test('one line per job: a LogController with disableRequestLogging: isSqsdRequest leaves the run line alone for sqsd requests', async (t) => {
  const deprecations: string[] = []
  const onWarning = (w: Error & { code?: string }): void => void deprecations.push(w.code ?? w.name)
  process.on('warning', onWarning)
  t.teardown(() => void process.off('warning', onWarning))
  const logs = captureLogs()
  const w = await startWorker(t, {
    logs,
    fastify: { logController: new LogController({ disableRequestLogging: isSqsdRequest }) },
    routes: (app) => app.get('/status', async () => 'ok'),
  })
  const a = await w.sqsd(envelope('HelloJob', ['quiet'], { job_id: '0c3f3d5e-8d3b-4f0e-9a52-2d9b8f7c6e11' }))
  t.equal(a.status, 200, a.text)
  await logs.waitFor((l) => l.job_id === '0c3f3d5e-8d3b-4f0e-9a52-2d9b8f7c6e11')
  const status = await request(`${w.url}/status`)
  await status.body.text()
  await logs.waitFor((l) => l.msg === 'request completed')
  const perRequest = logs.lines.filter((l) => l.reqId !== undefined)
  const byRequest = (id: unknown) => perRequest.filter((l) => l.reqId === id).map((l) => l.msg)
  const sqsdId = perRequest.find((l) => l.job_id !== undefined)!.reqId
  t.same(byRequest(sqsdId), ['Job HelloJob succeeded'], 'the sqsd request: the run line only')
  const appId = perRequest.find((l) => l.msg === 'request completed')!.reqId
  t.same(byRequest(appId), ['incoming request', 'request completed'], "the app's own routes keep Fastify's request lines")
  await new Promise((resolve) => setImmediate(resolve)) // process warnings are emitted on the next tick
  t.same(deprecations.filter((c) => c.startsWith('FSTDEP')), [], 'no Fastify deprecation warning (FSTDEP023 was the old advice)')
})
