// What the EB worker sends back to SQS itself: a job that arrives before its scheduled_at (delays past SQS's 900 s)
// goes back to wait, and a failed job with a retry policy is enqueued again (retry_on), against fauxqs.
import t, { type Test } from 'tap'
import type { Message, SQSClient } from '@aws-sdk/client-sqs'
import { Job, JobRegistry, type RetryPolicy } from '../../src/jobs/index.js'
import { SqsQueue } from '../../src/queue/index.js'
import { startSqsFixture } from '../queue/sqs-fixture.js'
import { captureLogs, emptyCwd, envelope, startWorker } from './helpers.js'

const sqs = await startSqsFixture()
t.teardown(() => sqs.close())

const runs: Array<{ job: string; attempt: number }> = []
class FlakyJob extends Job {
  static override readonly jobName = 'FlakyJob'
  static override retry: RetryPolicy = { attempts: 3 }
  async perform(): Promise<void> {
    runs.push({ job: 'FlakyJob', attempt: this.context.attempt })
    throw new Error(`flaky attempt ${this.context.attempt}`)
  }
}
class BackoffJob extends Job {
  static override readonly jobName = 'BackoffJob'
  static override retry: RetryPolicy = { attempts: 5, backoff: { type: 'fixed', delay: 120 } }
  async perform(): Promise<void> {
    throw new Error('later')
  }
}
class PlainJob extends Job {
  static override readonly jobName = 'PlainJob'
  async perform(fail: boolean): Promise<void> {
    runs.push({ job: 'PlainJob', attempt: this.context.attempt })
    if (fail) throw new Error('no policy')
  }
}
const registry = new JobRegistry().register(FlakyJob, BackoffJob, PlainJob)

/** A worker whose early and retried jobs go to `url` (queue "default") through a producer on fauxqs. */
async function workerFor(t: Test, url: string, extra: { client?: SQSClient; async?: boolean } = {}) {
  const queue = new SqsQueue({ client: extra.client ?? sqs.client, configLoad: { env: {}, cwd: emptyCwd(t), code: { queues: { default: url } } } })
  t.teardown(() => queue.close())
  return startWorker(t, { worker: { registry, queue, ...(extra.async ? { async: true } : {}) } })
}

/** Receives every visible message now (fauxqs hands them out 10 at a time). */
async function drain(url: string): Promise<Message[]> {
  const all: Message[] = []
  for (;;) {
    const got = await sqs.receive(url, 0)
    if (got.length === 0) return all
    all.push(...got)
  }
}

t.test('a job scheduled past 900 s goes back to its queue to wait, and does not run', async (t) => {
  const url = await sqs.createQueue('early')
  const w = await workerFor(t, url)
  const later = new Date(Date.now() + 2 * 3600_000).toISOString()
  const body = JSON.stringify(envelope('PlainJob', [false], { scheduled_at: later }))
  const a = await w.sqsd(body, { 'X-Aws-Sqsd-Attr-aws_sqs_active_job_class': 'PlainJob' })
  t.equal(a.status, 200, a.text)
  t.equal(a.text, `Job PlainJob is scheduled for ${later}: sent back to its queue to wait 900 s more.`)
  t.same(runs.filter((r) => r.job === 'PlainJob'), [], 'not run early')
  t.same(await sqs.count(url), { visible: 0, inFlight: 0, delayed: 1 }, 'waiting in the queue')

  const due = JSON.stringify(envelope('PlainJob', [false], { scheduled_at: new Date(Date.now() - 1000).toISOString() }))
  t.equal((await w.sqsd(due)).status, 200, 'a job whose time has come runs')
  t.equal(runs.filter((r) => r.job === 'PlainJob').length, 1)
  runs.length = 0
})

t.test('an early job with no URL for its queue: 500 naming the setting, and a start-up warning', async (t) => {
  const logs = captureLogs()
  const w = await startWorker(t, { logs, worker: { registry } })
  await logs.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('No SQS queue URL is configured'))
  const later = new Date(Date.now() + 3600_000).toISOString()
  const a = await w.sqsd(envelope('PlainJob', [false], { scheduled_at: later, queue_name: 'reports' }))
  t.equal(a.status, 500)
  t.match(a.text, /could not be sent back to wait: no URL is configured for its queue "reports": set AWS_ACTIVE_JOB_SQS_REPORTS_URL or add it under queues: in config\/aws_active_job_sqs\.yml\.$/)
})

t.test('an early job that SQS does not take back: 500, so sqsd keeps the message', async (t) => {
  const url = await sqs.createQueue('early-fail')
  const broken = { send: async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), config: sqs.client.config } as unknown as SQSClient
  const w = await workerFor(t, url, { client: broken })
  const a = await w.sqsd(envelope('PlainJob', [false], { scheduled_at: new Date(Date.now() + 3600_000).toISOString() }))
  t.equal(a.status, 500)
  t.match(a.text, /could not be sent back to wait: SQS did not take it back: connect ECONNREFUSED/)
})

t.test('retry policy: each failure with attempts left is enqueued again (executions + 1) and answered 200; the last gets 500', async (t) => {
  const url = await sqs.createQueue('flaky')
  const w = await workerFor(t, url)
  runs.length = 0
  let body = JSON.stringify(envelope('FlakyJob', [], { job_id: 'flaky-1' }))
  const statuses: number[] = []
  // sqsd's part, by hand: POST the message, then whatever the worker enqueued again.
  for (let i = 0; i < 5; i++) {
    const a = await w.sqsd(body)
    statuses.push(a.status)
    if (a.status !== 200) break
    t.match(a.text, /^Job FlakyJob failed \(attempt \d\) and was enqueued again by its retry policy, to run in 0 s\.$/)
    const [next] = await drain(url)
    t.ok(next, 'the retry is in the queue')
    body = next!.Body!
    t.match(JSON.parse(body), { job_class: 'FlakyJob', job_id: 'flaky-1', executions: i + 1 })
  }
  t.same(statuses, [200, 200, 500], 'attempts: 3 → three runs, the third failure is left to sqsd and the redrive policy')
  t.same(runs.map((r) => r.attempt), [1, 2, 3])
})

t.test("retry policy with a backoff: the new message waits the backoff (scheduled_at); without a policy it is sqsd's 500 as before", async (t) => {
  const url = await sqs.createQueue('backoff')
  const w = await workerFor(t, url)
  const a = await w.sqsd(envelope('BackoffJob', []))
  t.equal(a.status, 200, a.text)
  t.match(a.text, /to run in 120 s\.$/)
  t.same(await sqs.count(url), { visible: 0, inFlight: 0, delayed: 1 })
  const plain = await w.sqsd(envelope('PlainJob', [true]))
  t.equal(plain.status, 500, 'no retry policy: sqsd retries it after ErrorVisibilityTimeout')
  t.same(await sqs.count(url), { visible: 0, inFlight: 0, delayed: 1 }, 'nothing enqueued for it')
})

t.test('async mode: a failed job with a retry policy is still enqueued again (its message is already deleted)', async (t) => {
  const url = await sqs.createQueue('async-retry')
  const w = await workerFor(t, url, { async: true })
  const a = await w.sqsd(envelope('BackoffJob', []))
  t.equal(a.status, 200)
  t.equal(a.text, 'Successfully queued job BackoffJob.')
  for (let i = 0; i < 100 && (await sqs.count(url)).delayed === 0; i++) await new Promise((r) => setTimeout(r, 20))
  t.same(await sqs.count(url), { visible: 0, inFlight: 0, delayed: 1 })
})

t.test('a periodic task is never sent back to wait', async (t) => {
  const url = await sqs.createQueue('periodic')
  const w = await workerFor(t, url)
  runs.length = 0
  const a = await w.sqsd('', { 'X-Aws-Sqsd-Taskname': 'PlainJob', 'X-Aws-Sqsd-Scheduled-At': new Date(Date.now() + 3600_000).toISOString() })
  t.equal(a.status, 200, a.text)
  t.same(await sqs.count(url), { visible: 0, inFlight: 0, delayed: 0 })
})

t.test("with no queue given, the worker's own producer reads config/aws.yml and the queue config, and is closed with the app", async (t) => {
  const url = await sqs.createQueue('own-producer')
  const cwd = t.testdir({
    config: {
      'aws.yml': `region: us-east-1\nendpoint: ${sqs.endpoint}\naccess_key_id: test\nsecret_access_key: test\n`,
      'aws_active_job_sqs.yml': `queues:\n  default: ${url}\n`,
    },
  })
  const w = await startWorker(t, { worker: { registry, configLoad: { cwd } } })
  const a = await w.sqsd(envelope('BackoffJob', []))
  t.equal(a.status, 200, a.text)
  t.same(await sqs.count(url), { visible: 0, inFlight: 0, delayed: 1 })
})

t.test('a retry that cannot be enqueued (no URL, FIFO queue, SQS refuses) is 500 with the reason, so sqsd retries', async (t) => {
  const noUrl = await startWorker(t, { worker: { registry } })
  const a = await noUrl.sqsd(envelope('BackoffJob', [], { queue_name: 'reports' }))
  t.equal(a.status, 500)
  t.match(a.text, /^Failed to execute job BackoffJob \(Error\); see the log for job_id .*\. Its retry could not be enqueued: no URL is configured for its queue "reports": set AWS_ACTIVE_JOB_SQS_REPORTS_URL/)

  const fifoUrl = await sqs.createQueue('retry.fifo')
  const fifo = await workerFor(t, fifoUrl)
  const b = await fifo.sqsd(envelope('BackoffJob', []))
  t.equal(b.status, 500)
  t.match(b.text, /Its retry could not be enqueued: queue "default" is FIFO, which takes no delays: sqsd's ErrorVisibilityTimeout retries it\.$/)

  const url = await sqs.createQueue('retry-refused')
  const broken = { send: async () => Promise.reject(Object.assign(new Error('Access to the resource is denied'), { name: 'AccessDenied', $fault: 'client' })), config: sqs.client.config } as unknown as SQSClient
  const refused = await workerFor(t, url, { client: broken })
  const c = await refused.sqsd(envelope('BackoffJob', []))
  t.equal(c.status, 500)
  t.match(c.text, /Its retry could not be enqueued: SQS did not accept job .*AccessDenied/)
})
