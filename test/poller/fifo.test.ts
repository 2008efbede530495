import t from 'tap'
import { Job, JobRegistry, type RetryPolicy } from '../../src/jobs/index.js'
import { startSqsFixture } from '../queue/sqs-fixture.js'
import { pollerFor, queueFor, until } from './poller-fixture.js'

const sqs = await startSqsFixture()
t.teardown(() => sqs.close())

const runs: Array<{ group: string; seq: number; attempt: number }> = []
const runningByGroup = new Map<string, number>()
let overlapInGroup = 0
let maxGroupsAtOnce = 0
let failOnce = new Set<string>()

class StepJob extends Job {
  static override readonly jobName = 'StepJob'
  static override queueName = 'orders'
  static override retry: RetryPolicy = { attempts: 3, backoff: { type: 'fixed', delay: 0 } }
  async perform(group: string, seq: number): Promise<void> {
    const now = (runningByGroup.get(group) ?? 0) + 1
    runningByGroup.set(group, now)
    if (now > 1) overlapInGroup++
    maxGroupsAtOnce = Math.max(maxGroupsAtOnce, [...runningByGroup.values()].filter((n) => n > 0).length)
    runs.push({ group, seq, attempt: this.context.attempt })
    try {
      await new Promise((r) => setTimeout(r, 30))
      if (failOnce.delete(`${group}:${seq}`)) throw new Error(`first try of ${group}:${seq} fails`)
    } finally {
      runningByGroup.set(group, (runningByGroup.get(group) ?? 1) - 1)
    }
  }
}
class DedupJob extends Job {
  static override readonly jobName = 'DedupJob'
  static override queueName = 'orders'
  static override deduplicateWithout = ['enqueued_at']
  async perform(_n: number): Promise<void> {
    runs.push({ group: 'dedup', seq: _n, attempt: this.context.attempt })
  }
}
const registry = new JobRegistry().register(StepJob, DedupJob)

t.test('FIFO: one message per group at a time, in order (a failed one is retried before the next), groups in parallel', async (t) => {
  const url = await sqs.createQueue('fifo-order.fifo', { VisibilityTimeout: '30' })
  const queue = queueFor(t, sqs, { orders: url })
  const groups = ['a', 'b', 'c']
  failOnce = new Set(['a:2'])
  for (let seq = 0; seq < 5; seq++) {
    for (const g of groups) await queue.enqueue(StepJob.set({ messageGroupId: g }).build(g, seq))
  }
  const poller = pollerFor(t, sqs, { orders: url }, { registry, concurrency: 10 })
  await poller.start()
  await until('15 jobs done plus one retry', () => runs.length === 16)
  for (const g of groups) {
    const order = runs.filter((r) => r.group === g).map((r) => r.seq)
    t.same(order, g === 'a' ? [0, 1, 2, 2, 3, 4] : [0, 1, 2, 3, 4], `group ${g} ran in order`)
  }
  t.same(runs.filter((r) => r.group === 'a' && r.seq === 2).map((r) => r.attempt), [1, 2])
  t.equal(overlapInGroup, 0, 'never two jobs of one group at once')
  t.ok(maxGroupsAtOnce > 1, 'different groups ran at the same time')
  await until('queue empty', async () => {
    const c = await sqs.count(url)
    return c.visible + c.inFlight === 0
  })
})

t.test('FIFO: a duplicate enqueue (same deduplication id) runs once', async (t) => {
  runs.length = 0
  const url = await sqs.createQueue('fifo-dedup.fifo')
  const queue = queueFor(t, sqs, { orders: url })
  const first = await queue.enqueue(DedupJob.build(7))
  const second = await queue.enqueue(DedupJob.build(7))
  const other = await queue.enqueue(DedupJob.build(8))
  t.equal(second.providerJobId, first.providerJobId)
  t.not(other.providerJobId, first.providerJobId)
  const poller = pollerFor(t, sqs, { orders: url }, { registry })
  const completed: string[] = []
  poller.on('completed', (run) => completed.push(run.jobId))
  await poller.start()
  await until('two jobs completed', () => completed.length === 2)
  t.same(runs.map((r) => r.seq), [7, 8], 'once each, in order')
})
