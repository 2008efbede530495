import t, { type Test } from 'tap'
import { lambdaRecord } from '../helpers/lambda-event.js'
import { GetQueueAttributesCommand, SendMessageCommand, DeleteMessageBatchCommand, type Message } from '@aws-sdk/client-sqs'
import { Job, JobRegistry, type RetryPolicy } from '../../src/jobs/index.js'
import { createLambdaHandler, type SqsEvent, type SqsRecord } from '../../src/lambda/index.js'
import { SqsQueue } from '../../src/queue/index.js'
import { startSqsFixture } from '../queue/sqs-fixture.js'

const sqs = await startSqsFixture()
t.teardown(() => sqs.close())

const ran: Array<{ name: string; transport: string; receiveCount: number | undefined; queue: string | undefined }> = []
class WorkJob extends Job {
  static override readonly jobName = 'WorkJob'
  async perform(name: string): Promise<void> {
    const d = this.context.delivery
    ran.push({ name, transport: d.transport, receiveCount: d.receiveCount, queue: d.queue })
    if (name.startsWith('fail')) throw new Error(`failed ${name}`)
  }
}
class BackoffJob extends Job {
  static override readonly jobName = 'BackoffJob'
  static override retry: RetryPolicy = { attempts: 5, backoff: { type: 'fixed', delay: 120 } }
  async perform(): Promise<void> {
    throw new Error('later')
  }
}
const registry = new JobRegistry().register(WorkJob, BackoffJob)

/** Receives messages from fauxqs and shapes them as Lambda's event source mapping does (camelCase). */
async function eventFrom(url: string, visibility = 30): Promise<SqsEvent> {
  const arn = (await sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!
  const messages: Message[] = []
  for (let i = 0; i < 5; i++) {
    const got = await sqs.receive(url, 0, visibility)
    if (got.length === 0 && messages.length > 0) break
    messages.push(...got)
  }
  return {
    Records: messages.map(
      (m): SqsRecord => lambdaRecord(m, arn),
    ),
  }
}

/** What Lambda does with the answer: deletes every record not reported failed. */
async function settle(url: string, event: SqsEvent, failed: string[]): Promise<void> {
  const done = event.Records.filter((r) => !failed.includes(r.messageId))
  for (let i = 0; i < done.length; i += 10) {
    const Entries = done.slice(i, i + 10).map((r, j) => ({ Id: `d${j}`, ReceiptHandle: r.receiptHandle }))
    await sqs.client.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries }))
  }
}

function queueOn(t: Test, queues: Record<string, string>, now?: () => number): SqsQueue {
  const q = new SqsQueue({ client: sqs.client, configLoad: { env: {}, cwd: t.testdir({}), code: { queues } }, ...(now ? { now } : {}) })
  t.teardown(() => q.close())
  return q
}

t.test('standard queue: records run concurrently; only the failed ones are reported', async (t) => {
  ran.length = 0
  const url = await sqs.createQueue('lambda-std')
  const queue = queueOn(t, { default: url })
  await queue.enqueueAll(['a', 'fail-b', 'c', 'fail-d', 'e'].map((n) => WorkJob.build(n)))
  const event = await eventFrom(url)
  t.equal(event.Records.length, 5)
  const handler = createLambdaHandler({ registry, client: sqs.client })
  const res = await handler(event)
  const failedIds = res.batchItemFailures.map((f) => f.itemIdentifier)
  const failedNames = event.Records.filter((r) => failedIds.includes(r.messageId)).map((r) => JSON.parse(r.body).arguments[0])
  t.same(failedNames.sort(), ['fail-b', 'fail-d'])
  t.equal(ran.length, 5)
  t.ok(ran.every((r) => r.transport === 'lambda' && r.receiveCount === 1 && r.queue === 'lambda-std'), 'delivery info from the camelCase record')
  await settle(url, event, failedIds)
  const c = await sqs.count(url)
  t.equal(c.visible + c.inFlight, 2, 'the two failed records stay for redelivery')
})

t.test('FIFO: in order; the first failure and every record after it are reported, the rest not run', async (t) => {
  ran.length = 0
  const url = await sqs.createQueue('lambda-fifo.fifo')
  const queue = queueOn(t, { orders: url })
  await queue.enqueue(WorkJob.set({ queue: 'orders', messageGroupId: 'g' }).build('seed'))
  // fauxqs hands out one message per group per receive, so take one real record for its ARN and
  // attributes and lay the group's five messages out as Lambda would deliver one FIFO batch.
  const [first] = (await eventFrom(url)).Records
  const bodies = ['f1', 'f2', 'fail-f3', 'f4', 'f5'].map((n, i): SqsRecord => ({
    ...first!,
    messageId: `m${i}`,
    body: JSON.stringify({ job_class: 'WorkJob', arguments: [n], queue_name: 'orders' }),
  }))
  const handler = createLambdaHandler({ registry, client: sqs.client })
  const res = await handler({ Records: bodies })
  t.same(ran.map((r) => r.name), ['f1', 'f2', 'fail-f3'], 'stopped at the first failure')
  t.same(res.batchItemFailures, [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }, { itemIdentifier: 'm4' }])
})

t.test('permanent failures are reported (left for the redrive policy) unless the handler says delete', async (t) => {
  const url = await sqs.createQueue('lambda-permanent')
  await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'not json' }))
  await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ job_class: 'Nope' }) }))
  const event = await eventFrom(url)
  const leave = await createLambdaHandler({ registry, client: sqs.client })(event)
  t.equal(leave.batchItemFailures.length, 2)
  const seen: string[] = []
  const del = await createLambdaHandler({
    registry,
    client: sqs.client,
    onPermanentFailure: (error) => {
      seen.push((error as Error & { code?: string }).code ?? '')
      return 'delete'
    },
  })(event)
  t.same(del.batchItemFailures, [])
  t.same(seen.sort(), ['FASTIFY_AWS_MALFORMED_MESSAGE', 'FASTIFY_AWS_UNKNOWN_JOB'])
})

t.test('job_class_allowlist: a registered job outside it can never run; from the option or the queue config', async (t) => {
  const url = await sqs.createQueue('lambda-allowlist')
  const queue = queueOn(t, { default: url })
  await queue.enqueue(WorkJob.build('allowed?'))
  const event = await eventFrom(url)
  const ways = {
    option: { allowlist: ['BackoffJob'] },
    config: { configLoad: { env: { AWS_ACTIVE_JOB_SQS_JOB_CLASS_ALLOWLIST: 'BackoffJob' }, cwd: t.testdir({}) } },
  }
  for (const [how, allowlist] of Object.entries(ways)) {
    ran.length = 0
    const codes: string[] = []
    const handler = createLambdaHandler({
      registry,
      client: sqs.client,
      ...allowlist,
      onPermanentFailure: (error) => void codes.push((error as Error & { code?: string }).code ?? ''),
    })
    const res = await handler(event)
    t.same(res.batchItemFailures, [{ itemIdentifier: event.Records[0]!.messageId }], `${how}: reported failed`)
    t.same(codes, ['FASTIFY_AWS_UNKNOWN_JOB'], `${how}: a permanent failure, as an unknown job`)
    t.same(ran, [], `${how}: WorkJob never ran`)
  }
  t.equal(registry.resolve('WorkJob'), WorkJob, 'the shared registry is not narrowed')
  const open = await createLambdaHandler({ registry, client: sqs.client, configLoad: { env: {}, cwd: t.testdir({}) } })(event)
  t.same(open.batchItemFailures, [], 'without an allowlist the same registry runs it')
  t.same(ran.map((r) => r.name), ['allowed?'])
})

t.test("a retry backoff sets the record's visibility; an early job is sent back to wait", async (t) => {
  const url = await sqs.createQueue('lambda-backoff', { VisibilityTimeout: '1' })
  const realNow = Date.now()
  const scheduled = realNow + 3600_000
  const queue = queueOn(t, { default: url }, () => scheduled)
  await queue.enqueue(BackoffJob.build())
  await queue.enqueue(WorkJob.set({ waitUntil: new Date(scheduled) }).build('early'))
  const event = await eventFrom(url, 1)
  const handler = createLambdaHandler({ registry, client: sqs.client, now: () => realNow })
  const res = await handler(event)
  const backoffRecord = event.Records.find((r) => JSON.parse(r.body).job_class === 'BackoffJob')!
  t.same(res.batchItemFailures, [{ itemIdentifier: backoffRecord.messageId }], 'the early job counts as done (re-sent)')
  await settle(url, event, res.batchItemFailures.map((f) => f.itemIdentifier))
  // Past the 1 s queue timeout, the failed job is still hidden (120 s backoff) and the early job waits 900 s.
  await new Promise((r) => setTimeout(r, 1500))
  t.same(await sqs.count(url), { visible: 0, inFlight: 1, delayed: 1 })
})

t.test('an event that is not an SQS event is a precise error', async (t) => {
  const handler = createLambdaHandler({ registry })
  await t.rejects(handler({} as SqsEvent), { code: 'FASTIFY_AWS_LAMBDA_EVENT', message: /no "Records" array/ })
  await t.rejects(handler({ Records: [{ eventSource: 'aws:sns', messageId: 'x', body: '' } as unknown as SqsRecord] }), {
    code: 'FASTIFY_AWS_LAMBDA_EVENT',
    message: /not an SQS record.*aws:sns/,
  })
  await t.rejects(
    handler({ Records: [{ eventSource: 'aws:sqs', messageId: 'x', body: '{}', eventSourceARN: 'nope' } as unknown as SqsRecord] }),
    { message: /eventSourceARN "nope"/ },
  )
})
