import t from 'tap'
import { Job, JobRegistry } from '../../src/jobs/index.js'
import { startSqsFixture } from '../queue/sqs-fixture.js'
import { pollerFor, queueFor, until } from './poller-fixture.js'

const sqs = await startSqsFixture()
t.teardown(() => sqs.close())

const starts: Array<{ name: string; receiveCount: number | undefined }> = []
class SlowJob extends Job {
  static override readonly jobName = 'SlowJob'
  async perform(name: string, ms: number): Promise<void> {
    starts.push({ name, receiveCount: this.context.delivery.receiveCount })
    await new Promise((r) => setTimeout(r, ms))
  }
}
const registry = new JobRegistry().register(SlowJob)

t.test('the heartbeat keeps a job longer than its visibility timeout from running twice', async (t) => {
  const url = await sqs.createQueue('heartbeat-on', { VisibilityTimeout: '1' })
  const queue = queueFor(t, sqs, { default: url })
  const poller = pollerFor(t, sqs, { default: url }, { registry, concurrency: 4 })
  const completed: string[] = []
  poller.on('completed', (run) => completed.push(run.jobId))
  await poller.start()
  const job = await queue.enqueue(SlowJob.build('with-heartbeat', 3500))
  await until('completed', () => completed.includes(job.jobId))
  t.same(starts.filter((s) => s.name === 'with-heartbeat'), [{ name: 'with-heartbeat', receiveCount: 1 }], 'ran once')
  t.same(await sqs.count(url), { visible: 0, inFlight: 0, delayed: 0 })
})

t.test('control: without the heartbeat the same job is received again while it runs', async (t) => {
  const url = await sqs.createQueue('heartbeat-off', { VisibilityTimeout: '1' })
  const queue = queueFor(t, sqs, { default: url })
  const poller = pollerFor(t, sqs, { default: url }, { registry, concurrency: 4, heartbeatSeconds: false })
  await poller.start()
  await queue.enqueue(SlowJob.build('without-heartbeat', 3500))
  await until('started twice', () => starts.filter((s) => s.name === 'without-heartbeat').length >= 2)
  t.pass('the message came back while the first run was still going')
})
