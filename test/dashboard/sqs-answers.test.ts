// The dashboard's SQS work against answers fauxqs never gives: attributes missing or malformed, batch entries that
// fail without a code, a delete that fails after the copy was stored, a send that throws mid-move, move tasks with
// half their fields. A scripted client stands in for SQS here only (the real paths are in sqs.test.ts, on fauxqs).
import type { Message, SQSClient } from '@aws-sdk/client-sqs'
import t from 'tap'
import { decodeMessage, prettyBody } from '../../src/dashboard/decode.js'
import { moveMessages, moveOne, moveTaskStatus, redriveEntry, startMoveTask } from '../../src/dashboard/sqs/move.js'
import { parseQueueArn, queueNameOfUrl, queueUrlOfArn, readQueueAttributes, redrivePolicy } from '../../src/dashboard/sqs/queue-attributes.js'

type Answer = (input: Record<string, unknown>) => unknown

/** A client whose `send` answers each command by its name, in order, and records every call. */
function scripted(answers: Record<string, Answer | Answer[]>): { sqs: SQSClient; calls: { name: string; input: Record<string, unknown> }[] } {
  const calls: { name: string; input: Record<string, unknown> }[] = []
  const sqs = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '')
      calls.push({ name, input: command.input })
      const answer = answers[name]
      const next = Array.isArray(answer) ? answer.shift() : answer
      if (next === undefined) throw new Error(`unexpected ${name}`)
      return next(command.input)
    },
  } as unknown as SQSClient
  return { sqs, calls }
}

const held = (id: string, extra: Partial<Message> = {}): Message => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: `{"n":"${id}"}`, ...extra })

t.test('queue attributes: missing counts are 0, nonsense counts 0, no visibility timeout, FIFO from the URL', async (t) => {
  const { sqs } = scripted({ GetQueueAttributes: [() => ({}), () => ({ Attributes: { ApproximateNumberOfMessages: 'lots', ApproximateNumberOfMessagesDelayed: '-3', VisibilityTimeout: '45' } })] })
  t.match(await readQueueAttributes(sqs, 'http://q/1/jobs.fifo'), {
    arn: undefined,
    fifo: true,
    counts: { visible: 0, inFlight: 0, delayed: 0 },
    visibilityTimeout: undefined,
    redrive: undefined,
  })
  t.match(await readQueueAttributes(sqs, 'http://q/1/jobs', AbortSignal.timeout(5_000)), { fifo: false, counts: { visible: 0, delayed: 0 }, visibilityTimeout: 45 })
})

t.test('redrive policies that are empty, broken or point nowhere are no policy; a missing maxReceiveCount is 0', async (t) => {
  t.equal(redrivePolicy(''), undefined)
  t.equal(redrivePolicy('{not json'), undefined)
  t.equal(redrivePolicy('{"deadLetterTargetArn":""}'), undefined)
  t.equal(redrivePolicy('{"deadLetterTargetArn":42}'), undefined)
  t.same(redrivePolicy('{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:1:dlq"}'), { deadLetterArn: 'arn:aws:sqs:eu-west-1:1:dlq', maxReceiveCount: 0 })
  t.same(redrivePolicy('{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:1:dlq","maxReceiveCount":"many"}'), { deadLetterArn: 'arn:aws:sqs:eu-west-1:1:dlq', maxReceiveCount: 0 })
})

t.test('ARNs that are not an SQS queue name no queue, and no GetQueueUrl is made for them', async (t) => {
  t.equal(parseQueueArn('arn:aws:sns:eu-west-1:1:topic'), undefined)
  t.equal(parseQueueArn('arn:aws:sqs:eu-west-1:1:'), undefined)
  t.equal(parseQueueArn('not-an-arn'), undefined)
  const { sqs, calls } = scripted({ GetQueueUrl: () => ({ QueueUrl: 'http://q/1/dlq' }) })
  t.equal(await queueUrlOfArn(sqs, 'arn:aws:s3:::bucket'), undefined)
  t.equal(await queueUrlOfArn(sqs, 'arn:aws:sqs:eu-west-1:1:dlq', AbortSignal.timeout(5_000)), 'http://q/1/dlq')
  t.same(calls.map((c) => c.input), [{ QueueName: 'dlq', QueueOwnerAWSAccountId: '1' }])
  t.equal(queueNameOfUrl('http://q/1/jobs/?x=1#y'), 'jobs')
})

t.test('decoding: no body, no attributes, binary attributes, bad timestamps, JSON that is not an envelope', async (t) => {
  t.match(decodeMessage({}), { messageId: '', kind: 'unreadable', body: '', jobClass: undefined, receiveCount: undefined, sentAt: undefined, attributes: [] })
  const odd = decodeMessage({
    MessageId: 'm',
    Body: '{"job_class": 7}',
    Attributes: { ApproximateReceiveCount: 'x', SentTimestamp: '1700000000000' },
    MessageAttributes: { raw: { DataType: 'Binary', BinaryValue: new Uint8Array(3) }, empty: { DataType: 'String' }, untyped: {} as never },
  })
  t.match(odd, { kind: 'unreadable', jobClass: undefined, receiveCount: undefined, sentAt: 1_700_000_000_000 })
  t.same(odd.attributes, [
    { name: 'raw', type: 'Binary', value: '(3 bytes of binary)' },
    { name: 'empty', type: 'String', value: '' },
    { name: 'untyped', type: '?', value: '' },
  ])
  t.equal(decodeMessage({ Body: '["job_class"]' }).jobClass, undefined, 'an array names no job')
  t.equal(decodeMessage({ Body: 'null' }).jobClass, undefined)
  t.equal(decodeMessage({ Body: '{"job_class":"HelloJob"}' }).jobClass, 'HelloJob', 'an invalid envelope still says its class')
  t.equal(prettyBody('{"a":1}'), '{\n  "a": 1\n}')
  t.equal(prettyBody('<not json>'), '<not json>')
})

t.test('redriveEntry: an empty body stays empty, no attributes are sent as none, FIFO without a group or id', async (t) => {
  t.same(redriveEntry({}, false, '3'), { Id: '3', MessageBody: '' })
  t.same(redriveEntry({ Body: 'b', MessageAttributes: { fastify_aws_failure: { DataType: 'String', StringValue: 'why' } } }, true, '4'), {
    Id: '4',
    MessageBody: 'b',
    MessageGroupId: 'redrive',
    MessageDeduplicationId: 'redrive-4',
  })
})

t.test('a move whose send throws hands every held message back and throws', async (t) => {
  const { sqs, calls } = scripted({
    ReceiveMessage: () => ({ Messages: [held('a'), held('b')] }),
    SendMessageBatch: () => {
      throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' })
    },
    ChangeMessageVisibilityBatch: () => ({}),
  })
  await t.rejects(moveMessages(sqs, { from: 'http://q/dlq', to: 'http://q/jobs', toFifo: false, limit: 10 }), { name: 'ThrottlingException' })
  const released = calls.filter((c) => c.name === 'ChangeMessageVisibilityBatch')
  t.same(
    released.flatMap((c) => (c.input.Entries as { ReceiptHandle: string }[]).map((e) => e.ReceiptHandle)),
    ['rh-a', 'rh-b'],
  )
  t.notOk(calls.some((c) => c.name === 'DeleteMessageBatch'), 'nothing deleted')
})

t.test('entries refused without a code, and a delete that fails after the copy was stored, are counted and named', async (t) => {
  let progress = 0
  const { sqs, calls } = scripted({
    ReceiveMessage: [
      () => ({ Messages: [held('a'), held('b'), held('c', { MessageId: undefined })] }),
      // The refused one comes back after its hold: kept held, not sent again.
      () => ({ Messages: [held('b', { ReceiptHandle: 'rh-b2' })] }),
      () => ({}),
      () => ({}),
    ],
    SendMessageBatch: () => ({ Successful: [{ Id: '0' }], Failed: [{ Id: '1' }, { Id: '2', Code: 'InvalidParameterValue', Message: 'too big' }] }),
    DeleteMessageBatch: () => ({ Failed: [{ Id: '0' }] }),
    ChangeMessageVisibilityBatch: () => ({}),
  })
  const counts = await moveMessages(sqs, { from: 'http://q/dlq', to: 'http://q/jobs', toFifo: false, limit: 10, holdSeconds: 5, onProgress: () => progress++ })
  t.match(counts, { moved: 1, failed: 2, lastError: /DeleteMessageBatch left 1 moved message\(s\) in the dead-letter queue: Error/ })
  t.equal(progress, 1)
  t.equal(calls.filter((c) => c.name === 'SendMessageBatch').length, 1, 'the refused message was not resent')
  const released = calls.filter((c) => c.name === 'ChangeMessageVisibilityBatch').flatMap((c) => (c.input.Entries as { ReceiptHandle: string }[]).map((e) => e.ReceiptHandle))
  t.same(released, ['rh-b2'], 'the refused message is handed back with its newest handle')
})

t.test('a refused entry without a code or message is still named', async (t) => {
  const { sqs } = scripted({
    ReceiveMessage: [() => ({ Messages: [held('a')] }), () => ({}), () => ({})],
    SendMessageBatch: () => ({ Failed: [{ Id: '0' }] }),
    ChangeMessageVisibilityBatch: () => {
      throw new Error('gone')
    },
  })
  t.match(await moveMessages(sqs, { from: 'http://q/dlq', to: 'http://q/jobs', toFifo: false, limit: 5 }), { moved: 0, failed: 1, lastError: 'Error: refused' })
})

t.test('moveOne: a refusal is thrown with its code, or a generic name without one', async (t) => {
  const refused = scripted({ SendMessageBatch: [() => ({ Failed: [{ Id: '0', Code: 'KmsThrottled', Message: 'slow down' }] }), () => ({ Failed: [{ Id: '0' }] })] })
  await t.rejects(moveOne(refused.sqs, 'http://q/dlq', 'http://q/jobs', false, held('a')), { name: 'KmsThrottled', message: 'slow down' })
  await t.rejects(moveOne(refused.sqs, 'http://q/dlq', 'http://q/jobs', false, held('a')), { name: 'SendFailed', message: 'refused' })
})

t.test('move tasks: no handle, no listing, and a listing with only some fields', async (t) => {
  const { sqs } = scripted({
    StartMessageMoveTask: () => ({}),
    ListMessageMoveTasks: [() => ({}), () => ({ Results: [{ TaskHandle: 'other' }] })],
  })
  t.same(await startMoveTask(sqs, 'arn:dlq', 'arn:jobs'), { unavailable: 'StartMessageMoveTask returned no task handle' })
  t.equal(await moveTaskStatus(sqs, 'arn:dlq', 'h-1'), undefined)
  t.same(await moveTaskStatus(sqs, 'arn:dlq', 'h-1'), { status: 'UNKNOWN', moved: 0, toMove: undefined, failureReason: undefined })
})
