// The receive loop of one queue: takes free slots, then long-polls for at most that many messages, so no received
// message waits in memory while its visibility timeout runs. A failed receive backs off (up to 30 s) and tries again.
import { ReceiveMessageCommand, type Message, type ReceiveMessageCommandInput, type SQSClient } from '@aws-sdk/client-sqs'
import { sqsFailure, type Slots } from '../sqs/index.js'
import type { PolledQueue } from './polled-queue.js'
import { receivedMessage, type ReceivedMessage } from './received.js'

/** What each ReceiveMessage asks for: what a job's attempt number and `context.delivery` are built from. */
export const RECEIVE_ATTRIBUTES = {
  MessageSystemAttributeNames: ['ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp', 'SenderId', 'MessageGroupId', 'SentTimestamp'],
  MessageAttributeNames: ['All'],
} satisfies Pick<ReceiveMessageCommandInput, 'MessageSystemAttributeNames' | 'MessageAttributeNames'>

/** What a receive loop works with. */
export interface ReceiveLoopParts {
  client: SQSClient
  slots: Slots
  /** Aborted by stop(): ends the loop, and a waiting long poll with it. */
  signal: AbortSignal
  /** Long-poll wait in seconds. */
  waitTimeSeconds: number
  /** Time limit of one ReceiveMessage call in ms (its wait plus the call timeout), when the client honours one. */
  receiveTimeoutMs: number | undefined
  /** The `visibilityTimeout` option, else the queue's configured one (undefined: the queue's own attribute). */
  visibilityTimeout: number | undefined
  /** True once stop() began. */
  stopping(): boolean
  /** Hands received messages on to be run (each holds one slot). */
  dispatch(q: PolledQueue, messages: ReceivedMessage[]): void
  /** Gives messages back to the queue at once (they arrived while stopping), with their slots. */
  release(q: PolledQueue, messages: ReceivedMessage[]): void
  /** A receive returned nothing. */
  drained(q: PolledQueue): void
  /** A receive failed. */
  report(error: Error): void
  /** Counts received messages. */
  stats: { received: number }
}

/** Receives from `q` until stop(). */
export async function receiveLoop(q: PolledQueue, parts: ReceiveLoopParts): Promise<void> {
  const { client, slots, signal } = parts
  let failures = 0
  while (!parts.stopping()) {
    const n = await slots.take(q.maxMessages, signal)
    if (n === 0) break
    let messages: Message[]
    try {
      const res = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: q.settings.url,
          MaxNumberOfMessages: n,
          WaitTimeSeconds: parts.waitTimeSeconds,
          VisibilityTimeout: parts.visibilityTimeout ?? q.settings.visibilityTimeout,
          // Only what DeliveryInfo and FIFO need: every extra attribute costs parsing on each message.
          ...RECEIVE_ATTRIBUTES,
        }),
        // A connection that stops answering fails this call after the limit (and the retry gets a new one),
        // instead of holding the loop for ever.
        parts.receiveTimeoutMs === undefined ? { abortSignal: signal } : { abortSignal: signal, requestTimeout: parts.receiveTimeoutMs },
      )
      messages = uniqueById(res.Messages ?? [])
      failures = 0
    } catch (error) {
      slots.release(n)
      if (signal.aborted) break
      failures++
      parts.report(sqsFailure('ReceiveMessage', q.settings.name, error))
      await sleep(Math.min(30_000, 500 * 2 ** (failures - 1)), signal)
      continue
    }
    slots.release(n - messages.length)
    if (messages.length === 0) {
      parts.drained(q)
      continue
    }
    const received = messages.map((m) => receivedMessage(q.settings.name, q.settings.url, m))
    parts.stats.received += received.length
    if (parts.stopping()) {
      // Arrived while stopping: hand them straight back.
      parts.release(q, received)
      break
    }
    parts.dispatch(q, received)
  }
}

function uniqueById(messages: Message[]): Message[] {
  const seen = new Set<string>()
  return messages.filter((m) => (m.MessageId && seen.has(m.MessageId) ? false : (seen.add(m.MessageId ?? ''), true)))
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}
