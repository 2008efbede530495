// deliverLater: the message is checked in the caller, enqueued as SesDeliveryJob on SQS (fauxqs), and sent by
// whichever worker runs the job with a mailer of the same name.
import t, { type Test } from 'tap'
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs'
import { MessageRejected } from '@aws-sdk/client-sesv2'
import { runJob } from '../../src/jobs/index.js'
import { useSqsQueue } from '../../src/queue/index.js'
import { SesDeliveryJob, fromJsonMessage, toJsonMessage, type JsonMailMessage } from '../../src/mail/index.js'
import { startSqs, testAws } from '../helpers/emulators.js'
import { startRecordedSes } from './ses-recorder.js'
import { mailerFor } from './fixtures.js'

const ses = await startRecordedSes()
t.teardown(() => ses.close())
const sqsServer = await startSqs()
t.teardown(() => sqsServer.close())
const sqs = new SQSClient({ ...testAws, endpoint: sqsServer.endpoint, maxAttempts: 1 })
t.teardown(() => sqs.destroy())

let queueCount = 0
/** A fresh SQS queue as `mailers`, and performLater pointed at it. */
async function mailersQueue(t: Test): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `mail-${++queueCount}` }))
  const queue = useSqsQueue({ client: sqs, configLoad: { env: {}, cwd: t.testdir({}), code: { queues: { mailers: QueueUrl! } } } })
  t.teardown(() => queue.close())
  return QueueUrl!
}

async function receiveAll(url: string): Promise<Message[]> {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'], AttributeNames: ['All'] }))
  return out.Messages ?? []
}

const ARN = 'arn:aws:ses:us-east-1:123456789012:identity/example.com'

t.beforeEach(() => ses.clear())

t.test('deliverLater enqueues a JSON-safe job; a worker run sends exactly that mail', async (t) => {
  const url = await mailersQueue(t)
  const mailer = mailerFor(t, ses, { from: 'App <app@example.com>', queue: 'mailers', tags: { app: 'web' } })
  const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0, 255, 128])
  const job = await mailer.deliverLater({
    to: 'ann@example.com',
    bcc: 'audit@example.com',
    subject: 'Your receipt',
    text: 'Thanks',
    html: '<b>Thanks</b>',
    attachments: [{ filename: 'receipt.pdf', content: pdf }],
    headers: { 'X-SES-CONFIGURATION-SET': 'receipts', 'X-SES-FROM-ARN': ARN, 'X-Order': '42' },
  })
  t.equal(job.jobClass, 'FastifyAws::SesDeliveryJob')
  t.equal(job.queueName, 'mailers')
  t.equal(ses.calls.length, 0, 'nothing sent yet')

  const [message] = await receiveAll(url)
  t.equal(message?.MessageAttributes?.aws_sqs_active_job_class?.StringValue, 'FastifyAws::SesDeliveryJob')
  const envelope = JSON.parse(message!.Body!) as { arguments: [string, JsonMailMessage] }
  const [mailerName, json] = envelope.arguments
  t.equal(mailerName, 'default')
  t.match(json, {
    from: 'App <app@example.com>',
    to: ['ann@example.com'],
    bcc: ['audit@example.com'],
    configurationSet: 'receipts',
    fromArn: ARN,
    tags: { app: 'web' },
    headers: [{ key: 'X-Order', value: '42' }],
    attachments: [{ filename: 'receipt.pdf', encoding: 'base64', content: pdf.toString('base64') }],
  })

  // What the poller / sqsd route / Lambda handler does with the message body.
  const run = await runJob(message!.Body!, { delivery: { transport: 'poller', messageId: message!.MessageId! } })
  t.equal(run.outcome, 'succeeded')
  const [stored] = await ses.store()
  t.equal(run.result, stored?.messageId, 'the job resolves to the SES MessageId')
  t.equal(stored?.subject, 'Your receipt')
  t.same(Buffer.from(stored!.attachments[0]!.content, 'base64'), pdf)
  const call = ses.calls[0]!
  t.same((call.params.Destination as { ToAddresses: string[] }).ToAddresses, ['ann@example.com', 'audit@example.com'])
  t.equal(call.params.ConfigurationSetName, 'receipts')
  t.equal(call.params.FromEmailAddressIdentityArn, ARN)
  t.notMatch(call.raw, /audit@example\.com|X-SES-/i)
  t.match(call.raw, /X-Order: 42/)
})

t.test('a bad message fails in the caller and nothing is enqueued', async (t) => {
  const url = await mailersQueue(t)
  const mailer = mailerFor(t, ses, { queue: 'mailers' })
  await t.rejects(mailer.deliverLater({ from: 'app@example.com', to: 'nobody', text: 'x' }), { code: 'FASTIFY_AWS_MAIL_MESSAGE' })
  await t.rejects(mailer.deliverLater({ to: 'a@example.com', text: 'x' }), { message: /no sender/ })
  t.same(await receiveAll(url), [])
})

t.test('a named mailer: the job carries its name and the worker uses that mailer', async (t) => {
  const url = await mailersQueue(t)
  const news = mailerFor(t, ses, { name: 'news', api: 'v1', from: 'news@example.com', queue: 'mailers' })
  await news.deliverLater({ to: 'reader@example.com', subject: 'Issue 1', text: 'x' })
  const [message] = await receiveAll(url)
  t.equal((JSON.parse(message!.Body!) as { arguments: unknown[] }).arguments[0], 'news')
  const run = await runJob(message!.Body!, { delivery: { transport: 'poller' } })
  t.equal(run.outcome, 'succeeded')
  t.equal(ses.calls[0]?.operation, 'SendRawEmail')
})

t.test('SES refuses at delivery time: the job fails (left for redelivery), no mail is stored', async (t) => {
  const url = await mailersQueue(t)
  const mailer = mailerFor(t, ses, { from: 'app@example.com', queue: 'mailers' })
  await mailer.deliverLater({ to: 'ann@example.com', text: 'x' })
  mailer.client.middlewareStack.add(
    () => async () => {
      throw new MessageRejected({ message: 'Email address is not verified.', $metadata: { httpStatusCode: 400 } })
    },
    { step: 'finalizeRequest', name: 'injectMessageRejected' },
  )
  const [message] = await receiveAll(url)
  const run = await runJob(message!.Body!, { delivery: { transport: 'poller' } })
  t.equal(run.outcome, 'retry', 'not succeeded: the queue keeps the message')
  t.match(run.error, { code: 'FASTIFY_AWS_MAIL_DELIVERY', sesCode: 'MessageRejected' })
  t.same(await ses.store(), [])
})

t.test('no mailer of that name in the worker: a clear error and the job is not lost', async (t) => {
  const url = await mailersQueue(t)
  const mailer = mailerFor(t, ses, { name: 'gone', from: 'app@example.com', queue: 'mailers' })
  await mailer.deliverLater({ to: 'ann@example.com', text: 'x' })
  await mailer.close()
  const [message] = await receiveAll(url)
  const run = await runJob(message!.Body!, { delivery: { transport: 'poller' } })
  t.equal(run.outcome, 'retry')
  t.match(run.error, { code: 'FASTIFY_AWS_MAILER_NOT_FOUND', message: /No mailer named "gone".*namespace 'gone'/ })
})

t.test('without a queue adapter deliverLater says how to configure one', async (t) => {
  const mailer = mailerFor(t, ses, { from: 'app@example.com' })
  await t.rejects(mailer.deliverLater({ to: 'ann@example.com', text: 'x' }), { code: 'FASTIFY_AWS_NO_QUEUE_ADAPTER', message: /useSqsQueue/ })
})

t.test('JSON form: round trip keeps every field; unknown fields from a queue are refused', async (t) => {
  const json = toJsonMessage(
    {
      to: { name: 'Ann', address: 'ann@example.com' },
      references: '<a@example.com>',
      attachments: [{ content: 'ff00', encoding: 'hex' }, { content: 'plain', filename: 'a.txt' }],
      envelope: { from: 'b@example.com', to: 'c@example.com' },
      headers: [{ key: 'X-SES-LIST-MANAGEMENT-OPTIONS', value: 'list; topic=t' }],
    },
    { from: 'app@example.com', configurationSet: 'cs' },
  )
  t.same(JSON.parse(JSON.stringify(json)), json, 'JSON carries it unchanged')
  t.same(json, {
    from: 'app@example.com',
    to: [{ name: 'Ann', address: 'ann@example.com' }],
    references: ['<a@example.com>'],
    attachments: [
      { content: Buffer.from('ff00', 'hex').toString('base64'), encoding: 'base64' },
      { content: 'plain', encoding: 'utf8', filename: 'a.txt' },
    ],
    envelope: { from: 'b@example.com', to: ['c@example.com'] },
    configurationSet: 'cs',
    listManagement: { contactListName: 'list', topicName: 't' },
  })
  t.same(fromJsonMessage(json), json)
  t.throws(() => fromJsonMessage({ ...json, __proto__: { polluted: true }, evil: 1 }), { message: /unknown fields: evil/ })
  t.throws(() => fromJsonMessage('nope'), { code: 'FASTIFY_AWS_MAIL_MESSAGE' })
  t.equal(SesDeliveryJob.jobName, 'FastifyAws::SesDeliveryJob')
})

t.test('a message too big for an SQS message is refused by the queue; nothing is enqueued or sent', async (t) => {
  const url = await mailersQueue(t)
  const mailer = mailerFor(t, ses, { from: 'app@example.com', queue: 'mailers' })
  const big = Buffer.alloc(1024 * 1024)
  await t.rejects(mailer.deliverLater({ to: 'ann@example.com', text: 'x', attachments: [{ filename: 'big.bin', content: big }] }), {
    code: 'FASTIFY_AWS_ENQUEUE',
  })
  t.same(await receiveAll(url), [])
  t.equal(ses.calls.length, 0)
})
