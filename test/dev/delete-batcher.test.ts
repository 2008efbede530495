// Deletes after a 200 go out 10 at a time; a failed delete is logged and only delays the message.
import t from 'tap'
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs'
import { DeleteBatcher } from '../../src/dev/delete-batcher.js'
import { startSqs } from '../helpers/emulators.js'
import { memoryLogger, sqsClient } from './helpers.js'

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
  const { logger, lines } = memoryLogger()
  const batcher = new DeleteBatcher(sqs, QueueUrl!, logger)
  for (const h of handles) batcher.add(h, undefined)
  await batcher.flush()
  t.equal(calls.filter((c) => c === 'DeleteMessageBatchCommand').length, 3)
  const rest = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }))
  t.equal(rest.Messages?.length, 5, 'exactly the 5 not deleted are left')
  t.same(lines.filter((l) => Number(l.level) >= 50), [], 'no errors')
})

// Faults fauxqs cannot produce (it accepts any receipt handle): a failed entry and a failed call.
t.test('failed entries and failed calls are logged with the message ids', async (t) => {
  let call = 0
  const fake = {
    send: async () => {
      if (++call === 1) return { Successful: [{ Id: '0' }], Failed: [{ Id: '1', Code: 'ReceiptHandleIsInvalid', Message: 'bad', SenderFault: true }] }
      throw new Error('network down')
    },
  } as unknown as SQSClient
  const { logger, lines } = memoryLogger()
  const batcher = new DeleteBatcher(fake, 'http://q', logger)
  batcher.add('h0', 'id-0')
  batcher.add('h1', 'id-1')
  await batcher.flush()
  batcher.add('h2', 'id-2')
  await batcher.flush()
  t.match(lines.filter((l) => l.level === 50), [
    { msgid: 'id-1', code: 'ReceiptHandleIsInvalid' },
    { msgids: ['id-2'], msg: /DeleteMessageBatch failed/ },
  ])
})
