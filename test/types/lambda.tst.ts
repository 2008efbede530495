// fastify-aws/lambda: the SQS-event handler with partial batch failures.
import { describe, expect, test } from 'tstyche'
import { JobRegistry } from 'fastify-aws/jobs'
import { createLambdaHandler, type LambdaSqsHandler, type SqsBatchResponse, type SqsEvent } from 'fastify-aws/lambda'

describe('createLambdaHandler', () => {
  test('returns a handler from an SQS event to the batch response', () => {
    const handler = createLambdaHandler({ registry: new JobRegistry(), concurrency: 5 })
    expect(handler).type.toBe<LambdaSqsHandler>()
    expect(handler({ Records: [] })).type.toBe<Promise<SqsBatchResponse>>()
    expect<SqsBatchResponse['batchItemFailures'][number]>().type.toBe<{ itemIdentifier: string }>()
    expect(handler).type.not.toBeCallableWith({ records: [] })
    expect<SqsEvent>().type.toHaveProperty('Records')
  })

  test('options are checked', () => {
    expect(createLambdaHandler).type.toBeCallableWith()
    expect(createLambdaHandler).type.not.toBeCallableWith({ concurrency: 'all' })
  })
})
