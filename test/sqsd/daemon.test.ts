// The sqsd stand-in against fauxqs and a recording HTTP app: headers, deletes, retries, dead-letter, concurrency.
import t, { type Test } from 'tap'
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs'
import { startSqs, testAws } from '../helpers/emulators.js'
import { SqsdDaemon } from '../../src/sqsd/daemon.js'
import { defaultSqsdSettings, type SqsdSettings } from '../../src/sqsd/options.js'
import { createWorkerQueues } from '../../src/dev/queues.js'
import { scheduledTaskMessage } from '../../src/sqs/index.js'
import { memoryLogger, sqsClient, startCaptureApp, waitFor, type Responder } from './helpers.js'

const sqsEmulator = await startSqs()
t.teardown(() => sqsEmulator.close())
const sqs = sqsClient(sqsEmulator.endpoint)
t.teardown(() => sqs.destroy())

let queueNo = 0
async function setup(t: Test, respond: Responder, settings: Partial<SqsdSettings> = {}) {
  const app = await startCaptureApp(respond)
  t.teardown(() => app.close())
  const s = defaultSqsdSettings({ httpUrl: new URL(app.url), waitTime: 1, errorVisibilityTimeout: 0, maxRetries: 2, ...settings })
  const queues = await createWorkerQueues(sqs, {
    name: `worker-${++queueNo}`,
    maxRetries: s.maxRetries,
    visibilityTimeout: s.visibilityTimeout,
    retentionPeriod: s.retentionPeriod,
  })
  const { logger, lines } = memoryLogger()
  const daemon = new SqsdDaemon({ sqs, queueUrl: queues.queueUrl, settings: s, logger, drainTimeout: 1 })
  t.teardown(() => daemon.stop())
  return { app, queues, daemon, lines, name: `worker-${queueNo}` }
}

async function counts(client: SQSClient, queueUrl: string) {
  const { Attributes: a = {} } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  )
  return { visible: Number(a.ApproximateNumberOfMessages), hidden: Number(a.ApproximateNumberOfMessagesNotVisible) }
}

t.test('POSTs the body with the real sqsd headers and deletes on 200', async (t) => {
  const { app, queues, daemon, name, lines } = await setup(t, () => 200, { mimeType: 'application/json' })
  const body = JSON.stringify({ job_class: 'HelloJob', arguments: ['world'] })
  const sent = await sqs.send(
    new SendMessageCommand({
      QueueUrl: queues.queueUrl,
      MessageBody: body,
      MessageAttributes: {
        Greeting: { DataType: 'String', StringValue: 'hi there' },
        Count: { DataType: 'Number', StringValue: '42' },
        Blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        'beanstalk.sqsd.path': { DataType: 'String', StringValue: '/ignored' },
      },
    }),
  )
  await daemon.start()
  await waitFor('one POST', () => app.requests.length === 1)
  await waitFor('the delete', async () => (await counts(sqs, queues.queueUrl)).hidden === 0)

  const req = app.requests[0]!
  t.equal(req.method, 'POST')
  t.equal(req.path, '/')
  t.equal(req.body, body)
  const h = req.headers
  t.equal(h['user-agent'], 'aws-sqsd/2.4')
  t.equal(h['content-type'], 'application/json')
  t.equal(h['x-aws-sqsd-msgid'], sent.MessageId)
  t.equal(h['x-aws-sqsd-queue'], name)
  t.match(h['x-aws-sqsd-first-received-at'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  t.match(h['x-aws-sqsd-sent-at'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  t.equal(h['x-aws-sqsd-receive-count'], '1')
  t.equal(h['x-aws-sqsd-sender-id'], '000000000000')
  t.equal(h['x-aws-sqsd-attr-greeting'], 'hi there')
  t.equal(h['x-aws-sqsd-attr-count'], '42')
  t.same(
    req.rawNames.filter((n) => n.startsWith('X-Aws-Sqsd') || n === 'User-Agent' || n === 'Content-Type').sort(),
    [
      'Content-Type',
      'User-Agent',
      'X-Aws-Sqsd-Attr-Count',
      'X-Aws-Sqsd-Attr-Greeting',
      'X-Aws-Sqsd-First-Received-At',
      'X-Aws-Sqsd-Msgid',
      'X-Aws-Sqsd-Queue',
      'X-Aws-Sqsd-Receive-Count',
      'X-Aws-Sqsd-Sender-Id',
      'X-Aws-Sqsd-Sent-At',
    ],
    'binary and beanstalk.sqsd.* attributes are not forwarded; no Taskname on a job message',
  )
  t.same(await counts(sqs, queues.queueUrl), { visible: 0, hidden: 0 }, 'deleted after the 200')
  const line = lines.find((l) => l.status === 200)
  t.match(line, { job: 'HelloJob', status: 200, durationMs: Number, receiveCount: 1 }, 'one log line per delivery: job, status, duration')
  t.ok(lines.some((l) => l.attribute === 'Blob'), 'the dropped binary attribute is logged')
})

t.test('the MimeType option sets Content-Type; HttpPath comes from --http-url', async (t) => {
  const { app, queues, daemon } = await setup(t, () => 200)
  await daemon.stop()
  const { logger } = memoryLogger()
  const custom = new SqsdDaemon({
    sqs,
    queueUrl: queues.queueUrl,
    settings: defaultSqsdSettings({ httpUrl: new URL(`${app.url}work?x=1`), mimeType: 'text/plain', waitTime: 1 }),
    logger,
  })
  t.teardown(() => custom.stop())
  await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: 'plain text' }))
  await custom.start()
  await waitFor('one POST', () => app.requests.length === 1)
  t.equal(app.requests[0]!.path, '/work?x=1')
  t.equal(app.requests[0]!.headers['content-type'], 'text/plain')
  t.equal(app.requests[0]!.body, 'plain text')
})

t.test('non-200 keeps the message: redelivered after ErrorVisibilityTimeout, then the dead-letter queue takes it', async (t) => {
  const { app, queues, daemon, lines } = await setup(t, () => 500, { maxRetries: 2, errorVisibilityTimeout: 0 })
  await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: '{"job_class":"FailingJob"}' }))
  await daemon.start()

  let dead: string | undefined
  await waitFor('the dead-letter queue', async () => {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, WaitTimeSeconds: 0 }))
    dead = out.Messages?.[0]?.Body
    return dead !== undefined
  })
  t.equal(dead, '{"job_class":"FailingJob"}', 'the message reached the dead-letter queue intact')
  t.same(
    app.requests.map((r) => r.headers['x-aws-sqsd-receive-count']),
    ['1', '2'],
    'POSTed MaxRetries times, one receive each',
  )
  t.same(await counts(sqs, queues.queueUrl), { visible: 0, hidden: 0 })
  t.equal(daemon.stats.succeeded, 0)
  t.equal(daemon.stats.failed, 2)
  t.ok(lines.some((l) => l.status === 500 && l.job === 'FailingJob'), 'failures are logged with job and status')
})

t.test('a timeout also keeps the message (InactivityTimeout)', async (t) => {
  let release: (() => void) | undefined
  const held = new Promise<number>((resolve) => (release = () => resolve(200)))
  t.teardown(() => release?.())
  const { app, queues, daemon, lines } = await setup(t, () => held, { inactivityTimeout: 1, errorVisibilityTimeout: 600 })
  await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: '{"job_class":"SlowJob"}' }))
  await daemon.start()
  await waitFor('the timeout', () => daemon.stats.failed === 1)
  t.equal(app.requests.length, 1)
  t.ok(lines.some((l) => l.status === 'inactivity-timeout' && l.job === 'SlowJob'))
  t.same(await counts(sqs, queues.queueUrl), { visible: 0, hidden: 1 }, 'not deleted: hidden for ErrorVisibilityTimeout')
})

t.test('an app that is down: the message stays in the queue', async (t) => {
  const { app, queues, daemon } = await setup(t, () => 200, { errorVisibilityTimeout: 600 })
  await app.close()
  await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: '{}' }))
  await daemon.start()
  await waitFor('the failure', () => daemon.stats.failed === 1)
  t.same(await counts(sqs, queues.queueUrl), { visible: 0, hidden: 1 })
})

t.test('never more than HttpConnections POSTs at once, and never more messages received than free slots', async (t) => {
  const releases: (() => void)[] = []
  const { app, queues, daemon } = await setup(t, () => new Promise<number>((resolve) => releases.push(() => resolve(200))), {
    httpConnections: 3,
  })
  for (let i = 0; i < 10; i++) {
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: `{"job_class":"Job${i}"}` }))
  }
  await daemon.start()
  await waitFor('3 POSTs in flight', () => app.inFlight === 3)
  // Give a misbehaving daemon the chance to receive or POST more; a correct one is blocked on its slots.
  await new Promise((r) => setTimeout(r, 300))
  t.equal(app.inFlight, 3)
  t.same(await counts(sqs, queues.queueUrl), { visible: 7, hidden: 3 }, 'only 3 messages received')
  while (app.requests.length < 10 || releases.length > 0) {
    releases.splice(0).forEach((r) => r())
    await new Promise((r) => setTimeout(r, 10))
  }
  await waitFor('all deleted', async () => (await counts(sqs, queues.queueUrl)).hidden === 0)
  t.equal(app.requests.length, 10)
  t.equal(app.maxInFlight, 3)
  t.equal(daemon.stats.maxInFlight, 3)
  t.same(await counts(sqs, queues.queueUrl), { visible: 0, hidden: 0 })
})

t.test('a periodic-task message is POSTed with an empty body to its url with Taskname and Scheduled-At', async (t) => {
  const { app, queues, daemon } = await setup(t, () => 200)
  await sqs.send(
    new SendMessageCommand(
      scheduledTaskMessage(queues.queueUrl, { name: 'HeartbeatJob', url: '/tasks/heartbeat' }, new Date('2026-01-02T03:04:00.000Z')),
    ),
  )
  await daemon.start()
  await waitFor('one POST', () => app.requests.length === 1)
  const req = app.requests[0]!
  t.equal(req.path, '/tasks/heartbeat')
  t.equal(req.body, '')
  t.equal(req.headers['x-aws-sqsd-taskname'], 'HeartbeatJob')
  t.equal(req.headers['x-aws-sqsd-scheduled-at'], '2026-01-02T03:04:00Z')
  t.notOk(Object.keys(req.headers).some((h) => h.startsWith('x-aws-sqsd-attr-')), 'beanstalk.sqsd.* attributes are not headers')
  await waitFor('the delete', async () => (await counts(sqs, queues.queueUrl)).hidden === 0)
})

t.test('start fails with a precise error for a queue that does not exist', async (t) => {
  const { logger } = memoryLogger()
  const daemon = new SqsdDaemon({
    sqs,
    queueUrl: `${sqsEmulator.endpoint}/000000000000/no-such-queue`,
    settings: defaultSqsdSettings(),
    logger,
  })
  t.teardown(() => daemon.stop())
  await t.rejects(daemon.start(), { code: 'FASTIFY_AWS_SQSD_QUEUE_UNREADABLE', message: /no-such-queue.*--queue-url/, cause: { name: String } })
})

t.test('a frozen connection: the stalled receive fails after its time limit, is logged, and polling carries on', async (t) => {
  const { createSqsClient } = await import('../../src/sqs/index.js')
  const { startTcpProxy } = await import('../helpers/tcp-proxy.js')
  const app = await startCaptureApp(() => 200)
  t.teardown(() => app.close())
  const s = defaultSqsdSettings({ httpUrl: new URL(app.url), waitTime: 1, errorVisibilityTimeout: 0, maxRetries: 2 })
  const queues = await createWorkerQueues(sqs, { name: `worker-${++queueNo}`, maxRetries: 2, visibilityTimeout: s.visibilityTimeout, retentionPeriod: s.retentionPeriod })
  const proxy = await startTcpProxy(Number(new URL(sqsEmulator.endpoint).port))
  t.teardown(() => proxy.close())
  // The client `fastify-aws sqsd` makes: every call time-limited (1 s here, so the test is quick).
  const limited = createSqsClient({ ...testAws, endpoint: proxy.url, maxAttempts: 1 }, 'sqsd', { env: {}, cwd: t.testdir({}) }, { callTimeoutSeconds: 1 })
  t.teardown(() => limited.destroy())
  const { logger, lines } = memoryLogger()
  const daemon = new SqsdDaemon({ sqs: limited, queueUrl: queues.queueUrl, settings: s, logger, drainTimeout: 1 })
  t.teardown(() => daemon.stop())
  await daemon.start()
  await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: '{"n":"before"}' }))
  await waitFor('the POST before the freeze', () => app.requests.some((r) => r.body.includes('before')))

  proxy.freeze()
  await waitFor('the stalled receive logged', () => lines.some((l) => l.msg === 'sqsd ReceiveMessage failed'), 60_000)
  proxy.thaw()
  await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: '{"n":"after"}' }))
  await waitFor('the POST after the thaw', () => app.requests.some((r) => r.body.includes('after')), 60_000)
  t.pass('received again on new connections')
})
