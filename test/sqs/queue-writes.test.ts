// Deletes and visibility changes go out 10 at a time (a burst of N costs about N/10 calls); each caller learns how
// its own entry ended, and failed entries are retried only when SQS says the same call may succeed later.
import t from 'tap'
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs'
import { QueueWrites } from '../../src/sqs/index.js'
import { startSqs } from '../helpers/emulators.js'
import { sqsClient } from '../sqsd/helpers.js'

t.test('25 deletes → 3 DeleteMessageBatch calls; the 5 others stay', async (t) => {
  const emulator = await startSqs()
  t.teardown(() => emulator.close())
  const sqs = sqsClient(emulator.endpoint)
  t.teardown(() => sqs.destroy())
  const calls: string[] = []
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(context.commandName ?? '')
      return next(args)
    },
    { step: 'initialize' },
  )
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'batch' }))
  for (let i = 0; i < 30; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: `m${j}`, MessageBody: `${i + j}` })) }),
    )
  }
  const handles: string[] = []
  while (handles.length < 25) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: Math.min(10, 25 - handles.length) }))
    handles.push(...(out.Messages ?? []).map((m) => m.ReceiptHandle!))
  }
  const writes = new QueueWrites(sqs, QueueUrl!)
  const outcomes = await Promise.all(handles.map((h) => writes.delete(h)))
  await writes.drain()
  t.equal(calls.filter((c) => c === 'DeleteMessageBatchCommand').length, 3)
  t.ok(outcomes.every((o) => o.ok), 'every delete confirmed')
  const rest = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }))
  t.equal(rest.Messages?.length, 5, 'exactly the 5 not deleted are left')
})

// Faults fauxqs cannot produce (it accepts any receipt handle): a failed entry and a failed call.
t.test("a failed entry and a failed call end in the callers' outcomes; sender faults are not retried", async (t) => {
  let call = 0
  const fake = {
    send: async () => {
      if (++call === 1) return { Successful: [{ Id: 'e0' }], Failed: [{ Id: 'e1', Code: 'ReceiptHandleIsInvalid', Message: 'bad', SenderFault: true }] }
      throw new Error('network down')
    },
  } as unknown as SQSClient
  const writes = new QueueWrites(fake, 'http://q')
  const [a, b] = await Promise.all([writes.delete('h0'), writes.delete('h1')])
  t.same(a, { ok: true })
  t.match(b, { ok: false, code: 'ReceiptHandleIsInvalid', message: 'bad' })
  t.match(await writes.changeVisibility('h2', 30), { ok: false, code: 'Error', message: 'network down' })
  t.equal(call, 2, 'neither failure was retried')
  await writes.drain()
})
