// The one wrapper for a failed SQS call: the error names the operation, the queue and the message, and keeps the cause.
import t from 'tap'
import { sqsFailure } from '../../src/sqs/index.js'

t.test('names the operation, the queue, the message and what SQS said', async (t) => {
  const cause = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })
  const err = sqsFailure('DeleteMessage', 'jobs', cause, 'm-1')
  t.match(err, {
    code: 'FASTIFY_AWS_POLLER_SQS',
    message: 'SQS DeleteMessage on queue jobs (message m-1) failed: ThrottlingException: Rate exceeded',
    queue: 'jobs',
    messageId: 'm-1',
  })
  t.equal(err.cause, cause)
  t.match(sqsFailure('ReceiveMessage', 'jobs', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), {
    message: 'SQS ReceiveMessage on queue jobs failed: ECONNRESET: socket hang up',
  })
})

t.test('anything thrown, not only Errors', async (t) => {
  t.match(sqsFailure('ReceiveMessage', 'jobs', 'text'), { message: 'SQS ReceiveMessage on queue jobs failed: Error: text' })
  t.match(sqsFailure('ReceiveMessage', 'jobs', undefined), { message: 'SQS ReceiveMessage on queue jobs failed: Error: undefined' })
})
