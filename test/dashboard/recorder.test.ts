// The ring buffer of recent runs: what the runner decided, newest first, bounded, per-class percentiles, and an
// error recorded even when what was thrown misbehaves.
import t from 'tap'
import { RunRecorder, percentile } from '../../src/dashboard/index.js'
import { Job, JobRegistry, buildEnvelope, runJob } from '../../src/jobs/index.js'

class OkJob extends Job {
  static override readonly jobName = 'OkJob'
  async perform(): Promise<void> {}
}
class RetryJob extends Job {
  static override readonly jobName = 'RetryJob'
  static override retry = { attempts: 2, backoff: { type: 'fixed' as const, delay: 5 } }
  static override discardOn = ['GoneError']
  async perform(kind: string): Promise<void> {
    if (kind === 'gone') throw Object.assign(new Error('gone'), { name: 'GoneError' })
    throw new Error(`<img src=x onerror=alert(1)> ${kind}`)
  }
}
class SyncThrowJob extends Job {
  static override readonly jobName = 'SyncThrowJob'
  perform(): void {
    // Not an Error, and its getters throw: the recorder must still record a failure.
    const hostile = {}
    Object.defineProperty(hostile, 'message', { get: () => { throw new Error('no') } })
    throw hostile
  }
}
/** An Error (kept as it is by the runner) whose message and stack getters throw. */
class HostileError extends Error {
  override get message(): string {
    throw new Error('no message')
  }
  override get stack(): string {
    throw new Error('no stack')
  }
}
class HostileErrorJob extends Job {
  static override readonly jobName = 'HostileErrorJob'
  async perform(): Promise<void> {
    const error = new HostileError()
    delete (error as { stack?: string }).stack
    throw error
  }
}
const registry = new JobRegistry().register(OkJob, RetryJob, SyncThrowJob, HostileErrorJob)
const run = (job: string, args: unknown[] = [], receiveCount = 1, extra: Record<string, unknown> = {}) =>
  runJob(JSON.stringify(buildEnvelope({ jobClass: job, queueName: 'q', args })), { registry, delivery: { transport: 'poller', receiveCount, ...extra } })

t.test('records every run with the runner\'s outcome, newest first, and forgets the oldest beyond its capacity', async (t) => {
  const recorder = new RunRecorder(3).start()
  t.teardown(() => recorder.stop())
  await run('OkJob')
  await run('RetryJob', ['x'], 1)
  await run('RetryJob', ['x'], 2)
  await run('RetryJob', ['gone'])
  const runs = recorder.runs()
  t.equal(runs.length, 3, 'capacity 3')
  t.same(runs.map((r) => r.outcome), ['discarded', 'failed', 'retry'])
  t.match(runs[1], { jobClass: 'RetryJob', queueName: 'q', attempt: 2, transport: 'poller', error: { name: 'Error', message: '<img src=x onerror=alert(1)> x' } })
  t.match(runs[1]!.error!.stack, /RetryJob|perform/)
  t.ok(runs.every((r) => r.durationMs >= 0 && r.finishedAt > 0))
  t.same(recorder.runs({ outcome: 'failed' }).map((r) => r.attempt), [2])
  t.same(recorder.runs({ jobClass: 'OkJob' }), [], 'the OkJob run was pushed out')
})

t.test('a synchronous throw of a non-Error whose getters throw is recorded with what could be read', async (t) => {
  const recorder = new RunRecorder(10).start()
  t.teardown(() => recorder.stop())
  await run('SyncThrowJob')
  const [r] = recorder.runs()
  // No retry policy: the runner leaves the message to the queue's redelivery ('retry').
  // The runner's own Error for what was thrown, as in the run's log line.
  t.match(r, { jobClass: 'SyncThrowJob', outcome: 'retry', error: { name: 'Error', message: '[object Object]' } })
})

t.test('an Error whose getters throw is recorded with what could be read', async (t) => {
  const recorder = new RunRecorder(10).start()
  t.teardown(() => recorder.stop())
  await run('HostileErrorJob')
  t.match(recorder.runs(), [{ jobClass: 'HostileErrorJob', outcome: 'retry', error: { name: 'Error', message: '', stack: undefined } }])
})

t.test('per-class counts and nearest-rank p50/p95', async (t) => {
  t.equal(percentile([], 0.5), 0)
  t.equal(percentile([1, 2, 3, 4], 0.5), 2)
  t.equal(percentile(Array.from({ length: 20 }, (_, i) => i + 1), 0.95), 19)
  t.equal(percentile([7], 0.95), 7)
  const recorder = new RunRecorder(100).start()
  t.teardown(() => recorder.stop())
  for (let i = 0; i < 4; i++) await run('OkJob')
  await run('RetryJob', ['x'])
  const stats = recorder.stats()
  t.match(stats, [
    { jobClass: 'OkJob', runs: 4, succeeded: 4, retry: 0, failed: 0, discarded: 0 },
    { jobClass: 'RetryJob', runs: 1, succeeded: 0, retry: 1 },
  ])
  t.ok(stats[0]!.p50 <= stats[0]!.p95)
})

t.test('the last run of each periodic task is kept even after the ring buffer moved on', async (t) => {
  const recorder = new RunRecorder(1).start()
  t.teardown(() => recorder.stop())
  await runJob(JSON.stringify(buildEnvelope({ jobClass: 'OkJob', queueName: 'q', args: [] })), {
    registry,
    delivery: { transport: 'periodic', taskName: 'OkJob' },
  })
  await run('OkJob')
  t.equal(recorder.runs().length, 1)
  t.match(recorder.lastTaskRun('OkJob'), { outcome: 'succeeded', transport: 'periodic', taskName: 'OkJob' })
  t.equal(recorder.lastTaskRun('Other'), undefined)
})

t.test('capacity 0 records nothing; stop unsubscribes; a bad capacity is refused', async (t) => {
  const off = new RunRecorder(0).start()
  t.equal(off.recording, false)
  await run('OkJob')
  t.same(off.runs(), [])
  const recorder = new RunRecorder(5).start()
  recorder.stop()
  await run('OkJob')
  t.equal(recorder.size, 0)
  t.throws(() => new RunRecorder(-1), RangeError)
  t.throws(() => new RunRecorder(1.5), RangeError)
})
