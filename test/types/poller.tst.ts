// fastify-aws/poller: the Poller and its options.
import { SQSClient } from '@aws-sdk/client-sqs'
import { describe, expect, test } from 'tstyche'
import { JobRegistry } from 'fastify-aws/jobs'
import { Poller, stopOnSignals, type PollerOptions, type PollerStats } from 'fastify-aws/poller'

describe('Poller', () => {
  test('is built from options and started, stopped and awaited', () => {
    const poller = new Poller({ registry: new JobRegistry(), client: new SQSClient({}), queues: ['default'], concurrency: 10, shutdownTimeout: 15 })
    expect(poller.start()).type.toBe<Promise<void>>()
    expect(poller.stop()).type.toBe<Promise<void>>()
    expect(poller.closed()).type.toBe<Promise<void>>()
    expect(poller.stats).type.toBe<PollerStats>()
    expect(stopOnSignals(poller)).type.toBe<() => void>()
  })

  test('options are checked', () => {
    expect<PollerOptions>().type.toHaveProperty('heartbeatSeconds')
    expect(Poller).type.not.toBeConstructableWith({ concurrency: '10' })
    expect(Poller).type.not.toBeConstructableWith({ queues: 'default' })
  })
})
