// deliverLater end to end: a web app enqueues on SQS (fauxqs), the poller runs SesDeliveryJob in a worker app,
// the mail reaches SES (aws-ses-v2-local). A rejected delivery stays on the queue and succeeds on redelivery.
import t, { type Test } from 'tap'
import { once } from 'node:events'
import Fastify from 'fastify'
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs'
import { MessageRejected, type SESv2Client } from '@aws-sdk/client-sesv2'
import { JobRegistry, type JobRun } from '../../src/jobs/index.js'
import { useSqsQueue } from '../../src/queue/index.js'
import { Poller } from '../../src/poller/index.js'
import { fastifyAwsMail, registerDeliveryJob, type FastifyAwsMailOptions } from '../../src/mail/index.js'
import { startSqs, testAws } from '../helpers/emulators.js'
import { startRecordedSes } from './ses-recorder.js'

const ses = await startRecordedSes()
t.teardown(() => ses.close())
const sqsServer = await startSqs()
t.teardown(() => sqsServer.close())
const sqs = new SQSClient({ ...testAws, endpoint: sqsServer.endpoint, maxAttempts: 1 })
t.teardown(() => sqs.destroy())

function mailOptions(t: Test): FastifyAwsMailOptions {
  return {
    endpoint: ses.endpoint,
    region: testAws.region,
    clientOptions: { credentials: testAws.credentials, maxAttempts: 1 },
    configLoad: { env: {}, cwd: t.testdir({}) },
    from: 'Shop <shop@example.com>',
    queue: 'mailers',
  }
}

/** A web app whose POST /signup answers at once and leaves the mail to the queue. */
async function webApp(t: Test, url: string): Promise<ReturnType<typeof Fastify>> {
  const web = Fastify()
  const queue = useSqsQueue({ client: sqs, configLoad: { env: {}, cwd: t.testdir({}), code: { queues: { mailers: url } } } })
  web.addHook('onClose', () => queue.close())
  await web.register(fastifyAwsMail, mailOptions(t))
  web.post('/signup', async (req, reply) => {
    const { email } = req.body as { email: string }
    const job = await web.mailer.deliverLater({ to: email, bcc: 'audit@example.com', subject: 'Welcome', text: 'Hello!' })
    return reply.code(202).send({ jobId: job.jobId })
  })
  t.teardown(() => web.close())
  return web
}

/** A worker app with the same mailer, and a poller running its jobs. */
async function workerWithPoller(t: Test, url: string): Promise<{ worker: ReturnType<typeof Fastify>; poller: Poller }> {
  const worker = Fastify()
  await worker.register(fastifyAwsMail, mailOptions(t))
  await worker.ready()
  const registry = new JobRegistry()
  registerDeliveryJob(registry)
  const poller = new Poller({
    client: sqs,
    registry,
    visibilityTimeout: 1,
    heartbeatSeconds: false,
    configLoad: { env: {}, cwd: t.testdir({}), code: { queues: { mailers: url } } },
  })
  t.teardown(async () => {
    await poller.stop(0)
    await worker.close()
  })
  return { worker, poller }
}

let n = 0
async function newQueue(): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `mail-e2e-${++n}` }))
  return QueueUrl!
}

t.beforeEach(() => ses.clear())

t.test('the request returns before SES is called; the poller delivers the mail', async (t) => {
  const url = await newQueue()
  const web = await webApp(t, url)
  const res = await web.inject({ method: 'POST', url: '/signup', payload: { email: 'ann@example.com' } })
  t.equal(res.statusCode, 202)
  t.equal(ses.calls.length, 0, 'nothing sent during the request')

  const { poller } = await workerWithPoller(t, url)
  const completed = once(poller, 'completed') as Promise<[JobRun]>
  await poller.start()
  const [run] = await completed
  t.equal(run.jobClass, 'FastifyAws::SesDeliveryJob')
  t.equal(run.jobId, res.json().jobId)
  const [stored] = await ses.store()
  t.equal(run.result, stored?.messageId)
  t.equal(stored?.subject, 'Welcome')
  t.equal(stored?.from, '"Shop" <shop@example.com>')
  t.same((ses.calls[0]!.params.Destination as { ToAddresses: string[] }).ToAddresses, ['ann@example.com', 'audit@example.com'])
  t.notMatch(ses.calls[0]!.raw, /audit@example\.com/)
})

t.test('SES rejects the first delivery: the job is retried from the queue and the mail is sent once', async (t) => {
  const url = await newQueue()
  const web = await webApp(t, url)
  await web.inject({ method: 'POST', url: '/signup', payload: { email: 'bob@example.com' } })

  const { worker, poller } = await workerWithPoller(t, url)
  let rejections = 1
  const client = worker.mailer.client as SESv2Client
  client.middlewareStack.add(
    (next) => async (args) => {
      if (rejections-- > 0) throw new MessageRejected({ message: 'Sending paused for this account.', $metadata: { httpStatusCode: 400 } })
      return next(args)
    },
    { step: 'finalizeRequest', name: 'rejectOnce' },
  )
  const retrying = once(poller, 'retrying') as Promise<[JobRun]>
  const completed = once(poller, 'completed') as Promise<[JobRun]>
  await poller.start()
  const [failed] = await retrying
  t.match(failed.error, { code: 'FASTIFY_AWS_MAIL_DELIVERY', sesCode: 'MessageRejected' })
  const [run] = await completed
  t.equal(run.attempt, 2, 'the same job, delivered again')
  t.equal(run.jobId, failed.jobId)
  const stored = await ses.store()
  t.equal(stored.length, 1, 'one mail, sent once')
  t.equal(stored[0]?.messageId, run.result)
})
