// Every status code of the sqsd contract, over real sockets: 200 ran / periodic / discarded, 400, 500, 429, 413.
import t, { type Test } from 'tap'
import { Readable } from 'node:stream'
import { request } from 'undici'
import { answer, captureLogs, envelope, SQSD_UA, startWorker, type Answer } from './helpers.js'

/** Every answer to sqsd is one line of text/plain. */
function oneLineText(t: Test, a: Answer) {
  t.match(a.type, /^text\/plain/, 'text/plain')
  t.notMatch(a.text, /[\r\n]/, 'one line')
  t.ok(a.text.length > 0, 'not empty')
}

t.test('200: a job ran', async (t) => {
  const w = await startWorker(t)
  const a = await w.sqsd(envelope('HelloJob', ['world', 2]))
  t.equal(a.status, 200)
  t.equal(a.text, 'Successfully ran job HelloJob.')
  oneLineText(t, a)
  t.equal(w.jobs.seen.length, 1)
  t.same(w.jobs.seen[0]!.args, ['world', 2])
  t.equal(w.jobs.seen[0]!.context.jobId, '5eca64c6-16c9-4f20-80a2-c9babb8cdcb3')
  t.equal(w.jobs.seen[0]!.context.delivery.transport, 'sqsd')
})

t.test('200: a periodic task with an empty JSON body runs its job with Scheduled-At visible', async (t) => {
  const w = await startWorker(t)
  const headers = {
    'x-aws-sqsd-taskname': 'HeartbeatJob',
    'x-aws-sqsd-scheduled-at': '2026-11-29T12:05:00Z',
    'x-aws-sqsd-msgid': 'task-msg-1',
    'x-aws-sqsd-sender-id': '123456789012',
  }
  // Content-Length: 0 under application/json: what sqsd sends. Must not be an "empty JSON body" error.
  const a = await w.sqsd('', headers)
  t.equal(a.status, 200)
  t.equal(a.text, 'Successfully ran periodic task HeartbeatJob.')
  oneLineText(t, a)
  const seen = w.jobs.seen[0]!
  t.equal(seen.job, 'HeartbeatJob')
  t.same(seen.args, [], 'run with no arguments')
  t.equal(seen.context.delivery.transport, 'periodic')
  t.equal(seen.context.delivery.taskName, 'HeartbeatJob')
  t.equal(seen.context.delivery.scheduledAt, '2026-11-29T12:05:00Z')
  t.equal(seen.context.delivery.senderId, '123456789012')
  t.equal(seen.context.providerJobId, 'task-msg-1', 'the message id stands in for provider_job_id')

  // No body at all, and a body that would not parse: a periodic task ignores the body.
  t.equal((await w.sqsd(undefined, { 'x-aws-sqsd-taskname': 'HeartbeatJob' })).status, 200)
  t.equal((await w.sqsd('{not json', { 'x-aws-sqsd-taskname': 'HeartbeatJob' })).status, 200)
  t.equal(w.jobs.seen.length, 3)
})

t.test('a blank Taskname header is not a periodic task: the body is the job', async (t) => {
  const w = await startWorker(t)
  const a = await w.sqsd(envelope('HelloJob'), { 'x-aws-sqsd-taskname': '  ' })
  t.equal(a.status, 200)
  t.equal(a.text, 'Successfully ran job HelloJob.')
  t.equal(w.jobs.seen[0]!.context.delivery.transport, 'sqsd')
  const b = await w.sqsd('', { 'x-aws-sqsd-taskname': '' })
  t.equal(b.status, 400, 'an empty body is not a job')
  t.match(b.text, /^Malformed job message/)
})

t.test('200: a discarded job (discardOn) is answered 200 so sqsd deletes it', async (t) => {
  const w = await startWorker(t)
  const a = await w.sqsd(envelope('DiscardJob'))
  t.equal(a.status, 200)
  t.match(a.text, /^Discarded job DiscardJob: StaleRecordError: the record is gone$/)
  oneLineText(t, a)
})

t.test('400: malformed and hostile bodies never run a job', async (t) => {
  const w = await startWorker(t)
  const cases: [string, string, RegExp][] = [
    ['truncated JSON', '{"job_class":', /^Malformed job message: the body is not JSON/],
    ['not JSON at all', 'job_class=HelloJob', /^Malformed job message: the body is not JSON/],
    ['empty body', '', /^Malformed job message: the body is empty/],
    ['whitespace body', ' \n\t ', /^Malformed job message: the body is empty/],
    ['no job_class', '{"arguments":[]}', /"job_class" is missing/],
    ['blank job_class', '{"job_class":"  "}', /"job_class" is missing/],
    ['an array', '[{"job_class":"HelloJob"}]', /must be a JSON object/],
    ['a string', '"HelloJob"', /must be a JSON object/],
    ['a number', '42', /must be a JSON object/],
    ['null', 'null', /must be a JSON object/],
    ['job_class a number', '{"job_class":5}', /"job_class" is missing or not a string/],
    ['job_class an object', '{"job_class":{"name":"HelloJob"}}', /"job_class" is missing or not a string/],
    ['arguments not an array', '{"job_class":"HelloJob","arguments":"world"}', /"arguments" must be an array/],
    ['executions a string', '{"job_class":"HelloJob","executions":"1"}', /"executions" must be a number/],
    ['priority a string', '{"job_class":"HelloJob","priority":"high"}', /"priority" must be a number/],
    ['job_id a number', '{"job_class":"HelloJob","job_id":7}', /"job_id" must be a string/],
    ['queue_name an array', '{"job_class":"HelloJob","queue_name":["a"]}', /"queue_name" must be a string/],
    ['exception_executions an array', '{"job_class":"HelloJob","exception_executions":[]}', /"exception_executions" must be an object/],
    ['scheduled_at not a time', '{"job_class":"HelloJob","scheduled_at":"tomorrow-ish"}', /"scheduled_at" is not an ISO-8601 time/],
    ['a GlobalID argument', '{"job_class":"HelloJob","arguments":[{"_aj_globalid":"gid://app/User/1"}]}', /^Unsupported job argument: arguments\[0\]: a GlobalID/],
    ['an unknown serializer', '{"job_class":"HelloJob","arguments":[{"_aj_serialized":"ActiveJob::Serializers::DurationSerializer","value":5}]}', /^Unsupported job argument: .*DurationSerializer/],
    ['an unknown _aj_ marker', '{"job_class":"HelloJob","arguments":[{"a":1,"_aj_something":true}]}', /^Unsupported job argument: arguments\[0\]\._aj_something/],
  ]
  for (const [name, body, message] of cases) {
    const a = await w.sqsd(body)
    t.equal(a.status, 400, name)
    t.match(a.text, message, `${name}: ${a.text}`)
    oneLineText(t, a)
  }
  t.equal(w.jobs.seen.length, 0, 'no job ran')
})

t.test('400: __proto__ keys anywhere, however spelt, and Object.prototype stays clean', async (t) => {
  const w = await startWorker(t)
  const bodies = [
    '{"job_class":"HelloJob","__proto__":{"polluted":"top"}}',
    '{"job_class":"HelloJob","arguments":[{"__proto__":{"polluted":"arg"}}]}',
    '{"job_class":"HelloJob","arguments":[[{"a":{"__proto__":{"polluted":"deep"}}}]]}',
    '{"job_class":"HelloJob","exception_executions":{"__proto__":{"polluted":"ee"}}}',
    // JSON escapes spell the same key: JSON.parse turns both into an own "__proto__" property.
    '{"job_class":"HelloJob","arguments":[{"\\u005f_proto__":{"polluted":"escaped"}}]}',
    '{"job_class":"HelloJob","arguments":[{"__pr\\u006fto__":{"polluted":"escaped2"}}]}',
  ]
  for (const body of bodies) {
    const a = await w.sqsd(body)
    t.equal(a.status, 400, body)
    t.match(a.text, /^Malformed job message: .*"__proto__"/, a.text)
    oneLineText(t, a)
  }
  t.equal(w.jobs.seen.length, 0, 'no job ran')
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is not polluted')
  t.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false)

  // "__proto__" as a value (not a key) is plain data.
  const ok = await w.sqsd(envelope('HelloJob', ['__proto__', { field: '__proto__' }]))
  t.equal(ok.status, 200, ok.text)
  t.same(w.jobs.seen[0]!.args, ['__proto__', { field: '__proto__' }])
})

t.test('hostile sizes: a huge array runs, deep nesting is refused, neither takes the worker down', async (t) => {
  const w = await startWorker(t)
  const huge = await w.sqsd(envelope('HelloJob', [Array.from({ length: 100_000 }, (_, i) => i)]))
  t.equal(huge.status, 200, huge.text)
  t.equal((w.jobs.seen[0]!.args[0] as number[]).length, 100_000)

  const depth = 200_000
  const deep = `{"job_class":"HelloJob","arguments":[${'['.repeat(depth)}${']'.repeat(depth)}]}`
  const a = await w.sqsd(deep)
  t.equal(a.status, 400, a.text)
  t.match(a.text, /^Unsupported job argument: .*nested/)
  oneLineText(t, a)
  // Still serving.
  t.equal((await w.sqsd(envelope('HelloJob'))).status, 200)
})

t.test('500: unknown job names, including Object.prototype names, and names outside the allowlist', async (t) => {
  const w = await startWorker(t, { worker: { allowlist: ['HelloJob', 'HeartbeatJob', 'FailJob'] } })
  for (const name of ['NoSuchJob', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'NotAllowedJob', 'hellojob']) {
    const a = await w.sqsd(envelope(name))
    t.equal(a.status, 500, `job_class ${name}`)
    t.equal(a.text, `Unknown job ${JSON.stringify(name)}: no job is registered under that name (or it is not in the allowlist).`)
    oneLineText(t, a)
    const p = await w.sqsd('', { 'x-aws-sqsd-taskname': name })
    t.equal(p.status, 500, `Taskname ${name}`)
    t.match(p.text, /^Unknown job /)
  }
  t.equal(w.jobs.seen.length, 0, 'nothing ran')
  t.equal((await w.sqsd(envelope('HelloJob'))).status, 200, 'an allowlisted job runs')
})

t.test('an unknown job or a malformed message is logged as one line with the reason, not a stack (sqsd repeats it on every receive)', async (t) => {
  const logs = captureLogs()
  const w = await startWorker(t, { logs })
  const headers = { 'x-aws-sqsd-msgid': 'm-1', 'x-aws-sqsd-receive-count': '3' }
  t.equal((await w.sqsd(envelope('NoSuchJob'), headers)).status, 500)
  t.equal((await w.sqsd('{"job_class":', headers)).status, 400)
  t.equal((await w.sqsd('', { ...headers, 'x-aws-sqsd-taskname': 'NoSuchTask' })).status, 500)
  const unknown = await logs.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('Unknown job "NoSuchJob"'))
  t.match(unknown, { level: 50, code: 'FASTIFY_AWS_UNKNOWN_JOB', msgid: 'm-1', receiveCount: '3' })
  const malformed = await logs.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('Rejected sqsd message: Malformed job message'))
  t.match(malformed, { level: 40, code: 'FASTIFY_AWS_MALFORMED_MESSAGE', msgid: 'm-1' })
  const task = await logs.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('Unknown job "NoSuchTask"'))
  t.match(task.msg, /Check the cron\.yaml name and url\.$/)
  for (const line of [unknown, malformed, task]) {
    t.notOk('err' in line, 'no error object (and so no stack)')
    t.notMatch(JSON.stringify(line), /\\n\s+at /, 'no stack anywhere in the line')
  }
})

t.test('500: a job that throws (no retry policy left)', async (t) => {
  const w = await startWorker(t)
  const a = await w.sqsd(envelope('FailJob'))
  t.equal(a.status, 500)
  t.equal(a.text, 'Failed to execute job FailJob (TypeError); see the log for job_id 5eca64c6-16c9-4f20-80a2-c9babb8cdcb3.')
  oneLineText(t, a)
  const p = await w.sqsd('', { 'x-aws-sqsd-taskname': 'FailJob' })
  t.equal(p.status, 500)
  t.match(p.text, /^Failed to execute periodic task FailJob \(TypeError\); see the log for job_id [0-9a-f-]{36}\.$/)
})

t.test('429: no capacity for jobs and periodic tasks while the only slot is busy', async (t) => {
  const w = await startWorker(t, { worker: { threads: 1 } })
  const started = w.jobs.gate.nextStart()
  const first = w.sqsd(envelope('GateJob', ['slow']))
  await started
  t.equal(w.app.workerTier?.running, 1)

  const job = await w.sqsd(envelope('HelloJob'))
  t.equal(job.status, 429)
  t.equal(job.text, 'No capacity to execute job.')
  oneLineText(t, job)
  const task = await w.sqsd('', { 'x-aws-sqsd-taskname': 'HeartbeatJob' })
  t.equal(task.status, 429)
  t.equal(task.text, 'No capacity to execute periodic task.')
  // Malformed and unknown messages are still answered for what they are, without a slot.
  t.equal((await w.sqsd('{')).status, 400)
  t.equal((await w.sqsd(envelope('NoSuchJob'))).status, 500)

  w.jobs.gate.openAll()
  const done = await first
  t.equal(done.status, 200)
  t.equal(done.text, 'Successfully ran job GateJob.')
  t.equal(w.app.workerTier?.running, 0)
  t.equal((await w.sqsd(envelope('HelloJob'))).status, 200, 'the slot is free again')
  t.same(w.jobs.seen.map((s) => s.job), ['GateJob', 'HelloJob'])
})

t.test('413: a body over bodyLimit, with Content-Length or chunked', async (t) => {
  const w = await startWorker(t, { worker: { bodyLimit: 512 } })
  const big = JSON.stringify(envelope('HelloJob', ['x'.repeat(800)]))
  const a = await w.sqsd(big)
  t.equal(a.status, 413)
  t.equal(a.text, 'Request body is larger than the limit of 512 bytes.')
  oneLineText(t, a)

  const res = await request(`${w.url}/`, {
    method: 'POST',
    headers: { 'user-agent': SQSD_UA, 'content-type': 'application/json' },
    body: Readable.from([big.slice(0, 400), big.slice(400)]),
  })
  const b = await answer(res)
  t.equal(b.status, 413, 'chunked')
  t.equal(b.text, 'Request body is larger than the limit of 512 bytes.')

  const small = await w.sqsd(envelope('HelloJob', ['fits']))
  t.equal(small.status, 200, 'a body under the limit runs')
  t.equal(w.jobs.seen.length, 1)
})

t.test('403: an sqsd request from an untrusted address (faked with inject)', async (t) => {
  const w = await startWorker(t)
  const res = await w.app.inject({
    method: 'POST',
    url: '/',
    remoteAddress: '8.8.8.8',
    headers: { 'user-agent': SQSD_UA, 'content-type': 'application/json' },
    payload: JSON.stringify(envelope('HelloJob')),
  })
  t.equal(res.statusCode, 403)
  t.equal(res.body, 'Request with aws-sqsd user agent was made from untrusted address.')
  t.match(res.headers['content-type'], /^text\/plain/)
  t.equal(w.jobs.seen.length, 0)
})
