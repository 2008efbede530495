// job_class_allowlist on the poller: a registered job outside it can never run here, and the registry it shares
// with the rest of the app is not narrowed.
import t from 'tap'
import { SendMessageCommand } from '@aws-sdk/client-sqs'
import { Job, JobRegistry } from '../../src/jobs/index.js'
import { Poller, type FailedEvent } from '../../src/poller/index.js'
import { startSqsFixture } from '../queue/sqs-fixture.js'
import { until } from './poller-fixture.js'

const sqs = await startSqsFixture()
t.teardown(() => sqs.close())

const ran: string[] = []
class AllowedJob extends Job {
  static override readonly jobName = 'AllowedJob'
  async perform(): Promise<void> {
    ran.push('AllowedJob')
  }
}
class InternalJob extends Job {
  static override readonly jobName = 'InternalJob'
  async perform(): Promise<void> {
    ran.push('InternalJob')
  }
}

const body = (job: string) => JSON.stringify({ job_class: job, arguments: [] })

for (const [how, env, code] of [
  ['config (ENV)', { AWS_ACTIVE_JOB_SQS_JOB_CLASS_ALLOWLIST: 'AllowedJob' }, {}],
  ['the allowlist option', {}, { allowlist: ['AllowedJob'] }],
] as const) {
  t.test(`allowlist from ${how}: a registered job outside it is a permanent failure; the registry is untouched`, async (t) => {
    ran.length = 0
    const url = await sqs.createQueue(`allowlist-${how.replace(/\W+/g, '-')}`, { VisibilityTimeout: '60' })
    const registry = new JobRegistry().register(AllowedJob, InternalJob)
    const poller = new Poller({ registry, client: sqs.client, configLoad: { env, cwd: t.testdir({}), code: { queues: { default: url } } }, ...code })
    t.teardown(() => poller.stop(0))
    const failed: FailedEvent[] = []
    const completed: string[] = []
    poller.on('failed', (e) => failed.push(e))
    poller.on('completed', (run) => completed.push(run.jobClass))
    await poller.start()
    await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body('InternalJob') }))
    await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body('AllowedJob') }))
    await until('one completed and one failed', () => completed.length === 1 && failed.length === 1)
    t.same(completed, ['AllowedJob'])
    t.same(ran, ['AllowedJob'], 'InternalJob never ran')
    t.match(failed[0], { permanent: true, action: 'left', error: { code: 'FASTIFY_AWS_UNKNOWN_JOB' } })
    t.equal(registry.resolve('InternalJob'), InternalJob, 'the shared registry still resolves it')
    t.same(await sqs.count(url), { visible: 0, inFlight: 1, delayed: 0 }, 'the refused message is left for the redrive policy')
  })
}
