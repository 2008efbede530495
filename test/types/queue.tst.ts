// fastify-aws/queue: the SQS adapter and its plugin.
import Fastify from 'fastify'
import { describe, expect, test } from 'tstyche'
import { Job, type EnqueuedJob } from 'fastify-aws/jobs'
import { fastifyAwsQueue, sqsQueuePlugin, SqsQueue, useSqsQueue, type EnqueueResult, type FastifyAwsQueueOptions, type SqsQueuePluginOptions } from 'fastify-aws/queue'

class HelloJob extends Job {
  static override readonly jobName = 'HelloJob'
  perform(name: string): void {
    void name
  }
}

describe('enqueue', () => {
  test('useSqsQueue makes the adapter performLater sends through', () => {
    expect(useSqsQueue()).type.toBe<SqsQueue>()
    expect(useSqsQueue({ async: true })).type.toBe<SqsQueue>()
    expect(useSqsQueue).type.not.toBeCallableWith({ async: 'yes' })
    expect(useSqsQueue({ configLoad: { cwd: '/srv/app', env: {}, code: { queues: { default: 'https://sqs/1/q' } } } })).type.toBe<SqsQueue>()
    expect(useSqsQueue).type.not.toBeCallableWith({ configLoad: { cwd: 1 } })
  })

  test('enqueue and enqueueAll take built requests', () => {
    const queue = new SqsQueue()
    expect(queue.enqueue(HelloJob.set({}).build('world'))).type.toBe<Promise<EnqueuedJob>>()
    expect(queue.enqueueAll([HelloJob.set({}).build('a'), HelloJob.set({ wait: 5 }).build('b')])).type.toBe<Promise<EnqueueResult[]>>()
    expect(queue.close()).type.toBe<Promise<void>>()
  })

  test('the plugin decorates the instance', () => {
    const app = Fastify()
    expect(app.register(fastifyAwsQueue, { async: true })).type.not.toRaiseError()
    expect(app.register(fastifyAwsQueue, { async: 'yes' })).type.toRaiseError()
    expect(app.jobQueue).type.toBe<SqsQueue>()
  })

  test('the deprecated names are the same plugin and options', () => {
    expect(sqsQueuePlugin).type.toBe(fastifyAwsQueue)
    expect<SqsQueuePluginOptions>().type.toBe<FastifyAwsQueueOptions>()
  })
})
