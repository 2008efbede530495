// The dashboard's SQS work on fauxqs: looking at dead letters consumes nothing, one message is found by id, and
// a redrive moves every message back (FIFO groups kept) without losing one, refusing what the destination refuses.
import t from 'tap'
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import pino from 'pino'
import { RedriveTasks } from '../../src/dashboard/redrive-tasks.js'
import { moveMessages, redriveEntry } from '../../src/dashboard/sqs/move.js'
import { peekMessages, withMessage } from '../../src/dashboard/sqs/peek.js'
import { parseQueueArn, queueUrlOfArn, readQueueAttributes, redrivePolicy } from '../../src/dashboard/sqs/queue-attributes.js'
import { startSqs } from '../helpers/emulators.js'
import { sqsClient, waitFor } from '../sqsd/helpers.js'

const emulator = await startSqs()
t.teardown(() => emulator.close())
const sqs = sqsClient(emulator.endpoint)
t.teardown(() => sqs.destroy())
let n = 0

async function queue(fifo = false, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const name = `q${n++}${fifo ? '.fifo' : ''}`
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { ...(fifo ? { FifoQueue: 'true' } : {}), ...attributes } }))).QueueUrl!
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!
  return { url, arn }
}

async function fill(url: string, count: number, fifo = false): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    const entries = Array.from({ length: Math.min(10, count - i) }, (_, k) => ({
      Id: String(k),
      MessageBody: JSON.stringify({ job_class: 'HelloJob', arguments: [i + k] }),
      MessageAttributes: {
        tenant: { DataType: 'String', StringValue: 'acme' },
        fastify_aws_failure: { DataType: 'String', StringValue: 'Error: boom' },
      },
      ...(fifo ? { MessageGroupId: `g${(i + k) % 3}`, MessageDeduplicationId: `d${i + k}` } : {}),
    }))
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }))
  }
}

async function drain(client: SQSClient, url: string): Promise<{ body: string; group?: string; attributes: string[] }[]> {
  const out: { body: string; group?: string; attributes: string[] }[] = []
  for (;;) {
    const r = await client.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
    )
    if (!r.Messages?.length) return out
    for (const m of r.Messages) {
      out.push({ body: m.Body!, ...(m.Attributes?.MessageGroupId ? { group: m.Attributes.MessageGroupId } : {}), attributes: Object.keys(m.MessageAttributes ?? {}).sort() })
    }
    // Deleted, so a FIFO group's next message becomes receivable.
    await client.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: r.Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }))
  }
}

t.test('queue attributes, the redrive policy and the dead-letter URL from its ARN', async (t) => {
  const dlq = await queue()
  const source = await queue(false, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 4 }) })
  await fill(source.url, 3)
  const attrs = await readQueueAttributes(sqs, source.url)
  t.match(attrs, { fifo: false, counts: { visible: 3, inFlight: 0, delayed: 0 }, redrive: { deadLetterArn: dlq.arn, maxReceiveCount: 4 } })
  t.equal(await queueUrlOfArn(sqs, dlq.arn), dlq.url)
  t.equal(redrivePolicy('{not json'), undefined)
  t.equal(redrivePolicy('{"maxReceiveCount":3}'), undefined)
  t.equal(parseQueueArn('arn:aws:s3:::bucket'), undefined)
  t.match(parseQueueArn('arn:aws:sqs:eu-west-1:123456789012:jobs'), { region: 'eu-west-1', account: '123456789012', name: 'jobs' })
})

t.test('peeking returns the messages and leaves every one visible in the queue', async (t) => {
  const q = await queue()
  await fill(q.url, 25)
  const seen = await peekMessages(sqs, q.url, { limit: 20, expected: 25 })
  t.equal(seen.length, 20)
  t.equal(new Set(seen.map((m) => m.MessageId)).size, 20, 'no message twice')
  t.match(await readQueueAttributes(sqs, q.url), { counts: { visible: 25, inFlight: 0 } })
  t.equal((await peekMessages(sqs, q.url, { limit: 100, expected: 25 })).length, 25, 'all of them when the limit allows')
})

t.test('one message is found by id beyond the first receive, held while acted on, and released unless consumed', async (t) => {
  const q = await queue()
  await fill(q.url, 30)
  const all = await peekMessages(sqs, q.url, { limit: 30 })
  const wanted = all[27]!.MessageId!
  const body = await withMessage(sqs, q.url, wanted, { scanLimit: 100 }, async (m) => ({ consumed: false, value: m.Body }))
  t.equal(body, all[27]!.Body)
  t.match(await readQueueAttributes(sqs, q.url), { counts: { visible: 30, inFlight: 0 } }, 'everything is visible again')
  t.equal(await withMessage(sqs, q.url, 'no-such-id', { scanLimit: 100 }, async () => ({ consumed: false, value: 1 })), undefined)
  await t.rejects(withMessage(sqs, q.url, wanted, { scanLimit: 100 }, async () => {
    throw new Error('act failed')
  }), /act failed/)
  t.match(await readQueueAttributes(sqs, q.url), { counts: { visible: 30, inFlight: 0 } }, 'released after a failing act too')
})

t.test('moving a standard queue: every message arrives once, without the failure note, and the source is empty', async (t) => {
  const from = await queue()
  const to = await queue()
  await fill(from.url, 43)
  const progress: number[] = []
  const counts = await moveMessages(sqs, { from: from.url, to: to.url, toFifo: false, limit: 43, onProgress: (p) => progress.push(p.moved) })
  t.same(counts, { moved: 43, failed: 0 })
  t.ok(progress.length >= 5 && progress.at(-1) === 43, 'progress after each batch')
  const arrived = await drain(sqs, to.url)
  t.same(arrived.map((m) => (JSON.parse(m.body) as { arguments: number[] }).arguments[0]).sort((a, b) => a! - b!), Array.from({ length: 43 }, (_, i) => i))
  t.ok(arrived.every((m) => m.attributes.join() === 'tenant'), 'the tenant attribute is copied, the failure note dropped')
  t.match(await readQueueAttributes(sqs, from.url), { counts: { visible: 0, inFlight: 0 } })
})

t.test('moving FIFO to FIFO keeps each message group and its order', async (t) => {
  const from = await queue(true)
  const to = await queue(true)
  await fill(from.url, 12, true)
  const counts = await moveMessages(sqs, { from: from.url, to: to.url, toFifo: true, limit: 12 })
  t.same(counts, { moved: 12, failed: 0 })
  const arrived = await drain(sqs, to.url)
  t.equal(arrived.length, 12)
  for (const g of ['g0', 'g1', 'g2']) {
    const order = arrived.filter((m) => m.group === g).map((m) => (JSON.parse(m.body) as { arguments: number[] }).arguments[0])
    t.same(order, [...order].sort((a, b) => a! - b!), `group ${g} in order`)
  }
})

t.test('a message the destination refuses stays in the dead-letter queue; the others move; the limit bounds the move', async (t) => {
  const from = await queue()
  const to = await queue(false, { MaximumMessageSize: '1024' })
  await fill(from.url, 5)
  await sqs.send(new SendMessageCommand({ QueueUrl: from.url, MessageBody: JSON.stringify({ job_class: 'BigJob', arguments: ['x'.repeat(4000)] }) }))
  const counts = await moveMessages(sqs, { from: from.url, to: to.url, toFifo: false, limit: 6 })
  t.match(counts, { moved: 5, failed: 1 })
  t.ok(counts.lastError)
  const left = await peekMessages(sqs, from.url, { limit: 10, expected: 1 })
  t.same(left.map((m) => (JSON.parse(m.Body!) as { job_class: string }).job_class), ['BigJob'])

  const more = await queue()
  await fill(more.url, 8)
  t.match(await moveMessages(sqs, { from: more.url, to: to.url, toFifo: false, limit: 3 }), { moved: 3, failed: 0 })
  t.match(await readQueueAttributes(sqs, more.url), { counts: { visible: 5 } })
})

t.test('redriveEntry: body and attributes copied, FIFO group kept and a deduplication id from the message', async (t) => {
  const entry = redriveEntry(
    {
      MessageId: 'm-1',
      Body: 'b',
      Attributes: { MessageGroupId: 'tenant-7' },
      MessageAttributes: { a: { DataType: 'Binary', BinaryValue: new Uint8Array([0xff, 0x00]) }, fastify_aws_failure: { DataType: 'String', StringValue: 'x' } },
    },
    true,
    '0',
  )
  t.same(entry, {
    Id: '0',
    MessageBody: 'b',
    MessageAttributes: { a: { DataType: 'Binary', BinaryValue: new Uint8Array([0xff, 0x00]) } },
    MessageGroupId: 'tenant-7',
    MessageDeduplicationId: 'redrive-m-1',
  })
})

t.test('redrive all: StartMessageMoveTask when the endpoint has it, else message by message (fauxqs has not)', async (t) => {
  const log = pino({ level: 'silent' })
  const dlq = await queue()
  const source = await queue()
  await fill(dlq.url, 15)
  const tasks = new RedriveTasks(sqs, log, 0.01)
  t.teardown(() => tasks.close())
  const target = { name: 'source', url: source.url, arn: source.arn, fifo: false }
  const task = tasks.start({ name: 'dlq', url: dlq.url, arn: dlq.arn, fifo: false, sources: [target] }, target)
  t.throws(() => tasks.start({ name: 'dlq', url: dlq.url, arn: dlq.arn, fifo: false, sources: [target] }, target), { code: 'FASTIFY_AWS_DASHBOARD_CONFLICT' })
  await waitFor('the redrive', () => task.state !== 'running')
  t.match(task, { state: 'done', method: 'receive/send/delete', moved: 15, failed: 0, total: 15 })
  t.match(task.note, /StartMessageMoveTask is not available here/)
  t.equal((await drain(sqs, source.url)).length, 15)

  // An endpoint that has the API: the move is SQS's; the dashboard follows ListMessageMoveTasks. (fauxqs lacks it,
  // so these two calls are answered in the client: the one place this test stands in for SQS.)
  const withApi = sqsClient(emulator.endpoint)
  t.teardown(() => withApi.destroy())
  let polls = 0
  withApi.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'StartMessageMoveTaskCommand') return { output: { TaskHandle: 'h-1', $metadata: {} }, response: {} }
      if (context.commandName === 'ListMessageMoveTasksCommand') {
        polls++
        const done = polls >= 3
        return {
          output: { Results: [{ TaskHandle: 'h-1', Status: done ? 'COMPLETED' : 'RUNNING', ApproximateNumberOfMessagesMoved: done ? 7 : 2, ApproximateNumberOfMessagesToMove: 7 }], $metadata: {} },
          response: {},
        }
      }
      return next(args)
    },
    { step: 'initialize', name: 'standInForMoveTasks' },
  )
  const sqsTasks = new RedriveTasks(withApi, log, 0.01)
  t.teardown(() => sqsTasks.close())
  const moved = sqsTasks.start({ name: 'dlq2', url: dlq.url, arn: dlq.arn, fifo: false, sources: [target] }, target)
  await waitFor('the move task', () => moved.state !== 'running')
  t.match(moved, { state: 'done', method: 'StartMessageMoveTask', moved: 7, total: 7 })
  t.ok(polls >= 3)
})
