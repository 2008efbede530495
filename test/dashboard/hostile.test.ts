// Hostile input in every view and every action: markup in bodies, attributes, job and task names, errors and
// query strings; huge and deeply nested arguments; invalid JSON; characters that are not text. Each page keeps only
// its own script, shows the text escaped, and each bad action is a precise 4xx.
import t, { type Test } from 'tap'
import { SendMessageCommand } from '@aws-sdk/client-sqs'
import { Job, JobRegistry, buildEnvelope, runJob } from '../../src/jobs/index.js'
import { useSqsQueue } from '../../src/queue/index.js'
import { Browser, HOSTILE, onlyOwnScript, projectDir, startDashboard, startQueues, type Reply } from './harness.js'

const XSS = '<script>alert(1)</script>'
const queues = await startQueues()
t.teardown(() => queues.close())

class HostileJob extends Job {
  static override readonly jobName = 'HostileJob'
  async perform(): Promise<void> {
    // An error whose text came from a message: markup, NUL, an escape sequence, half a surrogate pair, and a lot of it.
    throw Object.assign(new Error(`${XSS}<img src=x onerror=alert(2)>\u0000\u001b[31m\ud800 ${'x'.repeat(100_000)}`), { name: `Bad${XSS}` })
  }
}
class OkJob extends Job {
  static override readonly jobName = 'OkJob'
  async perform(): Promise<void> {}
}
class SecretJob extends Job {
  static override readonly jobName = 'SecretJob'
  async perform(): Promise<void> {}
}
const registry = new JobRegistry().register(HostileJob, OkJob, SecretJob)
const queue = useSqsQueue({ client: queues.sqs, configLoad: { env: {}, code: { queues: { default: queues.queueUrl } } } })
t.teardown(() => queue.close())
const cwd = projectDir(`version: 1\ncron:\n  - name: "${XSS}"\n    url: "/<img src=x onerror=alert(3)>"\n    schedule: "*/5 * * * *"\n  - name: "OkJob"\n    url: "/"\n    schedule: "0 0 1 1 *"\n`)
const { app, base } = await startDashboard({
  sqs: queues.sqs,
  queues: { work: queues.queueUrl, [`odd${XSS}`]: queues.queueUrl.replace(/work$/, 'missing-queue') },
  registry,
  queue,
  configLoad: { cwd },
  cronQueueUrl: queues.queueUrl,
  enqueueAllowlist: ['HostileJob', 'OkJob'],
})
t.teardown(() => app.close())

const send = (body: string, attributes: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }> = {}) =>
  queues.sqs.send(new SendMessageCommand({ QueueUrl: queues.deadLetterUrl, MessageBody: body, MessageAttributes: attributes }))
await send(JSON.stringify({ job_class: XSS, arguments: ['<img src=x onerror=alert(4)>', { '</textarea><script>': 1 }] }), {
  note: { DataType: 'String', StringValue: XSS },
  raw: { DataType: 'Binary', BinaryValue: new Uint8Array([0xff, 0xfe, 0x00, 0x3c]) },
  fastify_aws_failure: { DataType: 'String', StringValue: `Error: ${XSS}` },
})
await send(JSON.stringify(buildEnvelope({ jobClass: 'OkJob', queueName: 'default', args: ['y'.repeat(900_000)] })))
await send(`${XSS}{ not json`)
await send(`{"job_class":"OkJob","arguments":[],"note":"\u2028\ufffd</textarea><script>alert(5)</script>"}`)
await send('[' .repeat(5_000) + ']'.repeat(5_000))
await send('elasticbeanstalk scheduled job', {
  'beanstalk.sqsd.task_name': { DataType: 'String', StringValue: XSS },
  'beanstalk.sqsd.path': { DataType: 'String', StringValue: '/' },
})
await runJob(JSON.stringify(buildEnvelope({ jobClass: 'HostileJob', queueName: `q${XSS}`, args: [] })), { registry, delivery: { transport: 'poller' } })

/** Every HTML page: only its own script, nothing hostile unescaped. */
function safe(t: Test, res: Reply, what: string): void {
  t.notMatch(res.body, HOSTILE, `${what}: nothing hostile unescaped`)
  if (String(res.headers['content-type']).startsWith('text/html')) t.ok(onlyOwnScript(res.body), `${what}: only the page's own script and style`)
}

t.test('every view with hostile data shows it escaped and bounded', async (t) => {
  const b = new Browser(base)
  for (const path of ['/_jobs/', '/_jobs/queues.json', '/_jobs/runs', '/_jobs/runs?outcome=retry&job=HostileJob', '/_jobs/dead-letters', '/_jobs/cron', '/_jobs/enqueue']) {
    const res = await b.get(path)
    t.equal(res.status, 200, path)
    safe(t, res, path)
  }
  const runs = await b.get('/_jobs/runs')
  t.match(runs.body, /Bad&lt;script&gt;alert\(1\)&lt;\/script&gt;: &lt;script&gt;/)
  t.match(runs.body, /\\u0000\\u001b\[31m\\ud800/, 'invisible characters and the lone surrogate shown as escapes')
  t.ok(runs.body.length < 200_000, 'a 100 KB error is cut')
  const overview = await b.get('/_jobs/')
  t.match(overview.body, /odd&lt;script&gt;/)
  t.match(overview.body, /QueueDoesNotExist|NonExistentQueue|does not exist/i, 'a queue that cannot be read shows why')
  const cron = await b.get('/_jobs/cron')
  t.match(cron.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
  t.match(cron.body, /Every 5 minutes \(UTC\)/)

  const list = await b.get('/_jobs/dead-letters?queue=work-dead-letter')
  t.equal(list.status, 200)
  safe(t, list, 'dead letters')
  t.ok(list.body.length < 100_000, 'a 900 KB argument is cut in the list')
  t.match(list.body, /periodic task <strong>&lt;script&gt;/)
  t.match(list.body, /Malformed job message: the body is not JSON/)
  t.match(list.body, /Error: &lt;script&gt;/, "the poller's failure note")
  const ids = [...list.body.matchAll(/id=([0-9a-f-]{36})"/g)].map((m) => m[1]!)
  t.equal(new Set(ids).size, 6, 'six messages listed')
  for (const id of new Set(ids)) {
    const page = await b.get(`/_jobs/dead-letters/message?queue=work-dead-letter&id=${id}`)
    t.equal(page.status, 200)
    safe(t, page, `message ${id}`)
  }
})

t.test('hostile query strings and paths: escaped, and a precise 4xx', async (t) => {
  const b = new Browser(base)
  const cases: [string, number, RegExp][] = [
    [`/_jobs/runs?outcome=${encodeURIComponent(XSS)}`, 400, /Unknown outcome &quot;&lt;script&gt;/],
    [`/_jobs/runs?job=${encodeURIComponent(XSS)}`, 200, /No run matches/],
    ['/_jobs/runs?job=a&job=b', 200, /Runs/],
    [`/_jobs/dead-letters?queue=${encodeURIComponent(XSS)}`, 404, /No dead-letter queue called &quot;&lt;script&gt;.*known: work-dead-letter/],
    [`/_jobs/dead-letters/message?queue=work-dead-letter&id=${encodeURIComponent(XSS)}`, 404, /is not in work-dead-letter/],
    ['/_jobs/dead-letters/message?queue=work-dead-letter', 400, /form field &quot;id&quot; is missing/],
    [`/_jobs/tasks/${encodeURIComponent(XSS)}`, 404, /No such redrive/],
    [`/_jobs/${encodeURIComponent(XSS)}`, 404, /Nothing at \/_jobs\/%3Cscript%3E/],
    ['/_jobs/tasks/nope/status.json', 404, /"error":"No such redrive."/],
  ]
  for (const [path, status, text] of cases) {
    const res = await b.get(path)
    t.equal(res.status, status, path)
    t.match(res.body, text, path)
    safe(t, res, path)
  }
})

t.test('hostile actions: each refused with a status and the reason, nothing sent', async (t) => {
  const b = new Browser(base)
  await b.get('/_jobs/enqueue')
  const cases: [string, Record<string, string>, number, RegExp][] = [
    ['/_jobs/enqueue', { job: 'OkJob', args: '["a",' }, 400, /arguments are not valid JSON/],
    ['/_jobs/enqueue', { job: 'OkJob', args: '{"a":1}' }, 400, /must be a JSON array .* got object/],
    ['/_jobs/enqueue', { job: 'OkJob', args: 'null' }, 400, /got null/],
    ['/_jobs/enqueue', { job: 'OkJob', args: JSON.stringify(['z'.repeat(1_100_000)]) }, 400, /over|too large|bytes/i],
    ['/_jobs/enqueue', { job: 'OkJob', args: '[{"_aj_globalid":"gid://app/User/1"}]' }, 400, /Unsupported job argument/],
    ['/_jobs/enqueue', { job: 'OkJob', args: `["</textarea>${XSS}"]`, delay: '901' }, 400, /delay must be a whole number of seconds from 0 to 900/],
    ['/_jobs/enqueue', { job: 'OkJob', args: '[]', delay: 'soon' }, 400, /delay/],
    ['/_jobs/enqueue', { job: XSS, args: '[]' }, 404, /No job is registered under &quot;&lt;script&gt;/],
    ['/_jobs/enqueue', { job: '__proto__', args: '[]' }, 404, /No job is registered under &quot;__proto__&quot;/],
    ['/_jobs/enqueue', { job: 'SecretJob', args: '[]' }, 403, /not in the dashboard&#39;s enqueue allowlist/],
    ['/_jobs/enqueue', { args: '[]' }, 400, /form field &quot;job&quot; is missing/],
    ['/_jobs/cron/run', { name: XSS.replace('1', '9') }, 404, /cron.yaml has no task &quot;&lt;script&gt;alert\(9\)/],
    ['/_jobs/dead-letters/redrive', { queue: XSS }, 404, /No dead-letter queue called/],
    ['/_jobs/dead-letters/redrive', { queue: 'work-dead-letter', target: XSS }, 400, /does not send to work-dead-letter; messages go back to one of: work/],
    ['/_jobs/dead-letters/redrive', { queue: 'work-dead-letter', id: XSS }, 404, /is not in work-dead-letter/],
    ['/_jobs/dead-letters/delete', { queue: 'work-dead-letter', id: XSS, confirm: 'yes' }, 404, /is not in work-dead-letter/],
  ]
  for (const [path, form, status, text] of cases) {
    const res = await b.post(path, form)
    t.equal(res.status, status, `${path} ${JSON.stringify(form).slice(0, 80)}`)
    t.match(res.body, text)
    safe(t, res, path)
  }
  const typed = await b.post('/_jobs/enqueue', { job: 'OkJob', args: `["</textarea>${XSS}"]`, delay: '901' })
  t.match(typed.body, /&lt;\/textarea&gt;&lt;script&gt;/, 'the form comes back as typed, escaped')
  const tooBig = await b.post('/_jobs/enqueue', { job: 'OkJob', args: 'x'.repeat(5 * 1024 * 1024) })
  t.equal(tooBig.status, 413)
  safe(t, tooBig, 'too large')

  const list = await b.get('/_jobs/dead-letters?queue=work-dead-letter')
  const id = /id=([0-9a-f-]{36})"/.exec(list.body)![1]!
  const ask = await b.post('/_jobs/dead-letters/delete', { queue: 'work-dead-letter', id })
  t.equal(ask.status, 200)
  t.match(ask.body, /cannot be undone/)
  safe(t, ask, 'confirm')
  const overview = await b.get('/_jobs/queues.json')
  t.match(JSON.parse(overview.body), { queues: [{ name: 'work', deadLetter: { name: 'work-dead-letter', visible: 6 } }] }, 'asking deletes nothing')
  const done = await b.post('/_jobs/dead-letters/delete', { queue: 'work-dead-letter', id, confirm: 'yes' })
  t.equal(done.status, 200)
  t.match(done.body, new RegExp(`Deleted message ${id}`))
  t.equal(JSON.parse((await b.get('/_jobs/queues.json')).body).queues[0].deadLetter.visible, 5)
})
