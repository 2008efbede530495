// SendMessageBatch for many jobs: per queue, chunks of <= 10 entries and <= 1 MiB, failed entries retried.
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs'
import { SQS_MAX_MESSAGE_BYTES } from './config.js'
import type { OutgoingMessage } from './message.js'
import { isRetryableSqsError } from '../sqs/index.js'
import { entryError, sendError } from './send-errors.js'

/** The fate of one message of a batch send. */
export type SendOutcome = { ok: true; messageId: string } | { ok: false; error: Error }

/** Tuning of {@link sendBatches}. */
export interface BatchSendOptions {
  /** Extra tries for entries that failed with a retryable error (default 3). */
  retries?: number
  /** First retry delay in ms, doubled each time (default 100). */
  retryBaseMs?: number
  /** Batches of a standard queue sent at once (default 4); FIFO queues always send one batch at a time, in order. */
  parallel?: number
}

const MAX_ENTRIES = 10

/**
 * Sends `messages` with SendMessageBatch and returns one outcome per message, in input order. Entries SQS
 * rejects with a server-side (retryable) error, and whole calls that fail that way, are tried again; entries
 * it rejects as the sender's fault fail at once. Nothing is dropped: every message ends `ok` or with an error.
 */
export async function sendBatches(client: SQSClient, messages: readonly OutgoingMessage[], options: BatchSendOptions = {}): Promise<SendOutcome[]> {
  const outcomes: SendOutcome[] = new Array(messages.length)
  const byQueue = new Map<string, number[]>()
  messages.forEach((m, i) => {
    const list = byQueue.get(m.queue.url) ?? []
    list.push(i)
    byQueue.set(m.queue.url, list)
  })
  await Promise.all(
    [...byQueue.values()].map(async (indexes) => {
      const fifo = messages[indexes[0]!]!.queue.fifo
      const chunks = chunk(indexes, messages)
      const parallel = fifo ? 1 : Math.max(1, options.parallel ?? 4)
      let next = 0
      const lane = async (): Promise<void> => {
        while (next < chunks.length) {
          const mine = chunks[next++]!
          await sendChunk(client, mine, messages, outcomes, options)
        }
      }
      await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, lane))
    }),
  )
  return outcomes
}

/** Splits one queue's messages into batches within SQS's entry-count and total-size limits. */
function chunk(indexes: number[], messages: readonly OutgoingMessage[]): number[][] {
  const out: number[][] = []
  let current: number[] = []
  let bytes = 0
  for (const i of indexes) {
    const size = messages[i]!.bytes
    if (current.length === MAX_ENTRIES || (current.length > 0 && bytes + size > SQS_MAX_MESSAGE_BYTES)) {
      out.push(current)
      current = []
      bytes = 0
    }
    current.push(i)
    bytes += size
  }
  if (current.length) out.push(current)
  return out
}

async function sendChunk(
  client: SQSClient,
  indexes: number[],
  messages: readonly OutgoingMessage[],
  outcomes: SendOutcome[],
  options: BatchSendOptions,
): Promise<void> {
  const retries = options.retries ?? 3
  const baseMs = options.retryBaseMs ?? 100
  let pending = indexes
  for (let attempt = 0; pending.length > 0; attempt++) {
    const last = attempt >= retries
    const retry: number[] = []
    const url = messages[pending[0]!]!.queue.url
    try {
      // Entry ids are positions, never job data: SQS allows only [A-Za-z0-9_-]{1,80}.
      const entries = pending.map((i, pos) => toEntry(`m${pos}`, messages[i]!))
      const res = await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }))
      const seen = new Set<number>()
      for (const ok of res.Successful ?? []) {
        const pos = Number(ok.Id?.slice(1))
        const i = pending[pos]
        if (i === undefined) continue
        seen.add(pos)
        outcomes[i] = { ok: true, messageId: ok.MessageId ?? '' }
      }
      for (const failed of res.Failed ?? []) {
        const pos = Number(failed.Id?.slice(1))
        const i = pending[pos]
        if (i === undefined) continue
        seen.add(pos)
        const jobId = messages[i]!.request.envelope.job_id
        if (!failed.SenderFault && !last) retry.push(i)
        else outcomes[i] = { ok: false, error: entryError(jobId, failed.Code, failed.Message, failed.SenderFault) }
      }
      // An entry SQS did not mention at all is not assumed sent.
      pending.forEach((i, pos) => {
        if (seen.has(pos)) return
        if (!last) retry.push(i)
        else outcomes[i] = { ok: false, error: entryError(messages[i]!.request.envelope.job_id, 'MissingFromResponse', 'SQS did not report this entry', false) }
      })
    } catch (error) {
      for (const i of pending) {
        if (!last && isRetryableSqsError(error)) retry.push(i)
        else outcomes[i] = { ok: false, error: sendError(messages[i]!.request.envelope.job_id, error) }
      }
    }
    pending = retry
    if (pending.length) await sleep(baseMs * 2 ** attempt * (1 + Math.random() * 0.2))
  }
}

/** The batch entry of one message. */
export function toEntry(id: string, m: OutgoingMessage): SendMessageBatchRequestEntry {
  const entry: SendMessageBatchRequestEntry = { Id: id, MessageBody: m.body, MessageAttributes: m.attributes }
  if (m.delaySeconds !== undefined) entry.DelaySeconds = m.delaySeconds
  if (m.messageGroupId !== undefined) entry.MessageGroupId = m.messageGroupId
  if (m.messageDeduplicationId !== undefined) entry.MessageDeduplicationId = m.messageDeduplicationId
  return entry
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
