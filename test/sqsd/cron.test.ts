// cron.yaml in the daemon, with a hand-moved clock: a task fires at its UTC time, reaches the app as a periodic
// task, and times missed while stopped or stalled are not replayed.
import t from 'tap'
import type { Clock } from '../../src/sqsd/clock.js'
import { CronScheduler } from '../../src/sqsd/cron-scheduler.js'
import { SqsdDaemon } from '../../src/sqsd/daemon.js'
import { defaultSqsdSettings } from '../../src/sqsd/options.js'
import { createWorkerQueues } from '../../src/dev/queues.js'
import type { CronEntry } from '../../src/config/index.js'
import { startSqs } from '../helpers/emulators.js'
import { memoryLogger, sqsClient, startCaptureApp, waitFor } from './helpers.js'

/** A clock that only moves when told; `advance` fires the timers that come due, in time order. */
function manualClock(start: string) {
  let now = Date.parse(start)
  const timers = new Map<number, { at: number; fn: () => void }>()
  let nextId = 1
  const clock: Clock = {
    now: () => now,
    setTimer: (fn, ms) => {
      const id = nextId++
      timers.set(id, { at: now + Math.max(0, ms), fn })
      return id
    },
    clearTimer: (id) => void timers.delete(id as number),
  }
  return {
    clock,
    timers,
    /** Moves the clock to `to`, firing due timers in order (the clock reads each timer's own time as it fires). */
    advanceTo(to: string) {
      const end = Date.parse(to)
      for (;;) {
        const due = [...timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0]
        if (!due) break
        timers.delete(due[0])
        now = Math.max(now, due[1].at)
        due[1].fn()
      }
      now = end
    },
    /** Jumps to `to` and fires every due timer once, late (a process that was stalled). */
    jumpTo(to: string) {
      now = Date.parse(to)
      for (const [id, x] of [...timers.entries()].filter(([, x]) => x.at <= now)) {
        timers.delete(id)
        x.fn()
      }
    },
  }
}

const entry = (name: string, schedule: string, url = '/'): CronEntry => ({ name, schedule, url, line: 1 })

t.test('fires at each scheduled UTC time, never for times before start', async (t) => {
  const m = manualClock('2026-03-01T10:02:30Z')
  const sent: string[] = []
  const { logger } = memoryLogger()
  const s = new CronScheduler({
    entries: [entry('EveryFive', '*/5 * * * *'), entry('Hourly', '0 * * * *')],
    send: async (e, at) => void sent.push(`${e.name}@${at.toISOString()}`),
    logger,
    clock: m.clock,
  })
  s.start()
  t.same(s.next.get('EveryFive'), new Date('2026-03-01T10:05:00Z'), '10:00 passed before start: not replayed')
  m.advanceTo('2026-03-01T11:00:00Z')
  await s.stop()
  t.same(sent.sort(), [
    'EveryFive@2026-03-01T10:05:00.000Z',
    'EveryFive@2026-03-01T10:10:00.000Z',
    'EveryFive@2026-03-01T10:15:00.000Z',
    'EveryFive@2026-03-01T10:20:00.000Z',
    'EveryFive@2026-03-01T10:25:00.000Z',
    'EveryFive@2026-03-01T10:30:00.000Z',
    'EveryFive@2026-03-01T10:35:00.000Z',
    'EveryFive@2026-03-01T10:40:00.000Z',
    'EveryFive@2026-03-01T10:45:00.000Z',
    'EveryFive@2026-03-01T10:50:00.000Z',
    'EveryFive@2026-03-01T10:55:00.000Z',
    'EveryFive@2026-03-01T11:00:00.000Z',
    'Hourly@2026-03-01T11:00:00.000Z',
  ])
  t.equal(m.timers.size, 0, 'stop() clears every timer')
})

t.test('a stalled process fires the overdue time once and resumes from now', async (t) => {
  const m = manualClock('2026-03-01T10:00:30Z')
  const sent: string[] = []
  const { logger } = memoryLogger()
  const s = new CronScheduler({ entries: [entry('Minutely', '* * * * *')], send: async (_e, at) => void sent.push(at.toISOString()), logger, clock: m.clock })
  s.start()
  m.jumpTo('2026-03-01T10:07:10Z')
  t.same(sent, ['2026-03-01T10:01:00.000Z'], 'one late run, not seven')
  t.same(s.next.get('Minutely'), new Date('2026-03-01T10:08:00Z'))
  await s.stop()
})

t.test('a failed send is logged and the next time still fires', async (t) => {
  const m = manualClock('2026-03-01T10:00:30Z')
  let calls = 0
  const { logger, lines } = memoryLogger()
  const s = new CronScheduler({
    entries: [entry('Minutely', '* * * * *')],
    send: async () => {
      if (++calls === 1) throw new Error('SQS is down')
    },
    logger,
    clock: m.clock,
  })
  s.start()
  m.advanceTo('2026-03-01T10:02:00Z')
  await s.stop()
  t.equal(calls, 2)
  t.ok(lines.some((l) => l.level === 50 && l.task === 'Minutely'), 'the failure is logged as an error')
})

t.test('a cron entry fires end to end: scheduled message → daemon → POST to its url with Taskname', async (t) => {
  const sqsEmulator = await startSqs()
  t.teardown(() => sqsEmulator.close())
  const sqs = sqsClient(sqsEmulator.endpoint)
  t.teardown(() => sqs.destroy())
  const app = await startCaptureApp(() => 200)
  t.teardown(() => app.close())
  const queues = await createWorkerQueues(sqs, { name: 'cron-worker', maxRetries: 3, visibilityTimeout: 30, retentionPeriod: 600 })
  const m = manualClock('2026-03-01T23:59:59Z')
  const { logger } = memoryLogger()
  const daemon = new SqsdDaemon({
    sqs,
    queueUrl: queues.queueUrl,
    settings: defaultSqsdSettings({ httpUrl: new URL(app.url), waitTime: 1 }),
    logger,
    cron: [entry('HeartbeatJob', '0 0 * * *'), entry('cleanup', '30 0 * * *', '/tasks/cleanup')],
    clock: m.clock,
  })
  t.teardown(() => daemon.stop())
  await daemon.start()
  m.advanceTo('2026-03-02T00:30:00Z')
  await waitFor('two periodic POSTs', () => app.requests.length === 2)

  const byTask = new Map(app.requests.map((r) => [r.headers['x-aws-sqsd-taskname'], r]))
  const heartbeat = byTask.get('HeartbeatJob')!
  t.equal(heartbeat.path, '/')
  t.equal(heartbeat.body, '')
  t.equal(heartbeat.headers['x-aws-sqsd-scheduled-at'], '2026-03-02T00:00:00Z')
  t.equal(heartbeat.headers['user-agent'], 'aws-sqsd/2.4')
  t.equal(heartbeat.headers['x-aws-sqsd-queue'], 'cron-worker')
  const cleanup = byTask.get('cleanup')!
  t.equal(cleanup.path, '/tasks/cleanup')
  t.equal(cleanup.headers['x-aws-sqsd-scheduled-at'], '2026-03-02T00:30:00Z')
  t.notOk(Object.keys(cleanup.headers).some((h) => h.startsWith('x-aws-sqsd-attr-')))
})

t.test('no periodic tasks on a FIFO queue (as EB)', async (t) => {
  const sqsEmulator = await startSqs()
  t.teardown(() => sqsEmulator.close())
  const sqs = sqsClient(sqsEmulator.endpoint)
  t.teardown(() => sqs.destroy())
  const { CreateQueueCommand } = await import('@aws-sdk/client-sqs')
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'w.fifo', Attributes: { FifoQueue: 'true' } }))
  const { logger } = memoryLogger()
  const daemon = new SqsdDaemon({ sqs, queueUrl: QueueUrl!, settings: defaultSqsdSettings(), logger, cron: [entry('HeartbeatJob', '* * * * *')] })
  t.teardown(() => daemon.stop())
  await t.rejects(daemon.start(), { code: 'FASTIFY_AWS_DEV_CONFIG', message: /FIFO/ })
})
