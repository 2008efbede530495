// The real CLI in a child process: SIGTERM with jobs running, and SIGKILL in the middle of 1,000 jobs.
import t, { type Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { JobRegistry } from '../../src/jobs/index.js'
import { startSqsFixture } from '../queue/sqs-fixture.js'
import { testAws } from '../helpers/emulators.js'
import { CountJob, SleepJob, StubbornJob, registerJobs } from './fixtures/process-jobs.js'
import { queueFor, until } from './poller-fixture.js'

const sqs = await startSqsFixture()
t.teardown(() => sqs.close())
registerJobs(new JobRegistry())

const root = join(import.meta.dirname, '..', '..')
const jobsModule = join(import.meta.dirname, 'fixtures', 'process-jobs.ts')

interface Child {
  proc: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

/** Starts `fastify-aws poll` as a child process on queue `default`; teardown kills it if it is still running. */
function startPoll(t: Test, queueUrl: string, logFile: string, args: string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'poll', '--jobs', jobsModule, ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_REGION: testAws.region,
      AWS_ACCESS_KEY_ID: testAws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: testAws.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ACTIVE_JOB_SQS_DEFAULT_URL: queueUrl,
      JOBS_LOG: logFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  t.teardown(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
  })
  return { proc, output: () => out, exited }
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []
}
const ids = (file: string, what: string): string[] => lines(file).filter((l) => l.startsWith(`${what} `)).map((l) => l.slice(what.length + 1))

t.test('SIGTERM with jobs running: they finish, the rest stay queued, exit 0, none lost', async (t) => {
  const url = await sqs.createQueue('proc-sigterm', { VisibilityTimeout: '2' })
  const log = join(t.testdirName, 'jobs.log')
  t.testdir({})
  const queue = queueFor(t, sqs, { default: url })
  await queue.enqueueAll(Array.from({ length: 8 }, (_, i) => SleepJob.build(`s${i}`, 1500)))
  const child = startPoll(t, url, log, ['--concurrency', '3', '--shutdown-timeout', '30'])
  await until('3 jobs running', () => ids(log, 'start').length === 3, 60_000)
  child.proc.kill('SIGTERM')
  t.equal(await child.exited, 0, 'exit status 0')
  t.match(child.output(), /SIGTERM: shutting down gracefully/)
  const started = ids(log, 'start')
  const done = ids(log, 'done')
  t.same(done.sort(), started.sort(), 'every running job finished')
  const c = await sqs.count(url)
  t.equal(c.visible + c.inFlight, 8 - done.length, 'finished jobs deleted, the others still queued')
})

t.test('SIGTERM with a short shutdown timeout: running jobs are aborted and stay queued', async (t) => {
  const url = await sqs.createQueue('proc-sigterm-abort', { VisibilityTimeout: '2' })
  const log = join(t.testdirName, 'jobs.log')
  t.testdir({})
  const queue = queueFor(t, sqs, { default: url })
  await queue.enqueueAll(Array.from({ length: 4 }, (_, i) => SleepJob.build(`l${i}`, 60_000)))
  const child = startPoll(t, url, log, ['--concurrency', '2', '--shutdown-timeout', '0'])
  await until('2 jobs running', () => ids(log, 'start').length === 2, 60_000)
  child.proc.kill('SIGTERM')
  t.equal(await child.exited, 0)
  t.equal(ids(log, 'aborted').length, 2, "the jobs' AbortSignal fired")
  const c = await sqs.count(url)
  t.equal(c.visible + c.inFlight, 4, 'no message was deleted')
})

t.test('a job that ignores its AbortSignal does not keep the process from exiting', async (t) => {
  const url = await sqs.createQueue('proc-stubborn', { VisibilityTimeout: '2' })
  const log = join(t.testdirName, 'jobs.log')
  t.testdir({})
  const queue = queueFor(t, sqs, { default: url })
  await queue.enqueue(StubbornJob.build('stubborn', 120_000))
  const child = startPoll(t, url, log, ['--shutdown-timeout', '0'])
  await until('running', () => ids(log, 'start').length === 1, 60_000)
  child.proc.kill('SIGTERM')
  t.equal(await child.exited, 0, 'exited 0 without waiting for the job')
  t.match(child.output(), /Exiting with jobs that did not stop when aborted/)
  t.same(ids(log, 'done'), [])
  const c = await sqs.count(url)
  t.equal(c.visible + c.inFlight, 1, 'its message stays queued')
})

t.test('SIGKILL in the middle of 1,000 jobs, then a restart: every job performed at least once', async (t) => {
  const url = await sqs.createQueue('proc-sigkill', { VisibilityTimeout: '2' })
  const log = join(t.testdirName, 'jobs.log')
  t.testdir({})
  const queue = queueFor(t, sqs, { default: url })
  const all = Array.from({ length: 1000 }, (_, i) => `k${i}`)
  const results = await queue.enqueueAll(all.map((id) => CountJob.build(id)))
  t.ok(results.every((r) => r.ok), '1,000 jobs enqueued')
  const first = startPoll(t, url, log, ['--concurrency', '20'])
  await until('some jobs done', () => ids(log, 'done').length >= 200, 60_000)
  first.proc.kill('SIGKILL')
  await first.exited
  const before = new Set(ids(log, 'done')).size
  t.ok(before < 1000, `killed part-way (${before} done)`)

  const second = startPoll(t, url, log, ['--concurrency', '20'])
  await until('all 1,000 done', () => new Set(ids(log, 'done')).size === 1000, 120_000)
  await until('queue empty', async () => {
    const c = await sqs.count(url)
    return c.visible + c.inFlight + c.delayed === 0
  })
  second.proc.kill('SIGTERM')
  t.equal(await second.exited, 0)
  t.same(new Set(ids(log, 'done')), new Set(all), 'each of the 1,000 ran')
})
