// A fauxqs server plus helpers to make queues and read them back, for the queue, poller and Lambda tests.
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs'
import type { AddressInfo } from 'node:net'
import { testAws } from '../helpers/emulators.js'

/** What a test gets: the emulator endpoint, a client, and helpers. */
export interface SqsFixture {
  endpoint: string
  client: SQSClient
  /** Creates a queue (FIFO when the name ends in .fifo) and returns its URL. */
  createQueue(name: string, attributes?: Record<string, string>): Promise<string>
  /** Creates `name` with a dead-letter queue `name-dlq` after `maxReceiveCount` receives. */
  createQueueWithDlq(name: string, maxReceiveCount: number, attributes?: Record<string, string>): Promise<{ url: string; dlqUrl: string }>
  /** Visible + in-flight + delayed messages of a queue. */
  count(url: string): Promise<{ visible: number; inFlight: number; delayed: number }>
  /** Receives (and leaves) up to 10 messages, waiting up to `waitSeconds`. */
  receive(url: string, waitSeconds?: number, visibilityTimeout?: number): Promise<Message[]>
  close(): Promise<void>
}

/** Starts fauxqs on 127.0.0.1 and a client for it; call `close()` in teardown. */
export async function startSqsFixture(): Promise<SqsFixture> {
  // Started here rather than with startSqs() so close() can cut the long polls a stopped poller left
  // waiting server-side (fauxqs would otherwise hold close() for up to 20 s).
  const { buildApp } = await import('fauxqs')
  const app = buildApp({ logger: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const sqs = {
    endpoint: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: async () => {
      const closing = app.close()
      app.server.closeAllConnections()
      await closing
    },
  }
  const client = new SQSClient({ ...testAws, endpoint: sqs.endpoint, maxAttempts: 1 })
  const createQueue = async (name: string, attributes: Record<string, string> = {}): Promise<string> => {
    const Attributes = name.endsWith('.fifo') ? { FifoQueue: 'true', ...attributes } : attributes
    const res = await client.send(new CreateQueueCommand({ QueueName: name, Attributes }))
    return res.QueueUrl!
  }
  return {
    endpoint: sqs.endpoint,
    client,
    createQueue,
    async createQueueWithDlq(name, maxReceiveCount, attributes = {}) {
      const fifo = name.endsWith('.fifo')
      const dlqName = fifo ? name.replace(/\.fifo$/, '-dlq.fifo') : `${name}-dlq`
      const dlqUrl = await createQueue(dlqName)
      const arn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!
      const url = await createQueue(name, {
        ...attributes,
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount }),
      })
      return { url, dlqUrl }
    },
    async count(url) {
      const res = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      )
      const a = res.Attributes ?? {}
      return {
        visible: Number(a.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
      }
    },
    async receive(url, waitSeconds = 0, visibilityTimeout) {
      const res = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: waitSeconds,
          VisibilityTimeout: visibilityTimeout,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      )
      return res.Messages ?? []
    },
    async close() {
      client.destroy()
      await sqs.close()
    },
  }
}
