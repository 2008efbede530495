// Moving messages from a dead-letter queue back to a queue: SQS's own StartMessageMoveTask where the endpoint has
// it, else a receive / send / delete loop that deletes a message only after its copy was stored.
// The attribute copy and the failure note are the shared SQS layer's (src/sqs), as every consumer's dead-letter move.
import {
  DeleteMessageBatchCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import { copyAttributes, FAILURE_ATTRIBUTE } from '../../sqs/index.js'
import { release } from './peek.js'

/** How messages move. */
export interface MoveOptions {
  /** The dead-letter queue. */
  from: string
  /** Where they go back to. */
  to: string
  /** True when `to` is FIFO: copies keep their message group and get a deduplication id. */
  toFifo: boolean
  /**
   * Most messages to move: the count when the move started, so messages that fail again and come back during
   * the move are not moved a second time.
   */
  limit: number
  /** Seconds a message being moved stays hidden (default 30): if this process dies, it reappears, never lost. */
  holdSeconds?: number
  /** Stops after the batch in flight. */
  signal?: AbortSignal
  /** After every batch. */
  onProgress?: (progress: MoveCounts) => void
}

/** What a move did. */
export interface MoveCounts {
  /** Copied to the destination and deleted from the dead-letter queue. */
  moved: number
  /** Refused by the destination; left in the dead-letter queue. */
  failed: number
  /** Why the last refused message was refused. */
  lastError?: string
}

/**
 * The SendMessage entry that puts `m` back: same body and message attributes (without the poller's failure note);
 * on a FIFO queue the same message group, and a deduplication id derived from the message, so moving one message
 * twice within five minutes (a delete that failed after the send) stores it once.
 */
export function redriveEntry(m: Message, toFifo: boolean, id: string): SendMessageBatchRequestEntry {
  // The shared copy (String/Number/Binary with a value), without the failure note the consumer added.
  const { [FAILURE_ATTRIBUTE]: _failure, ...attributes } = copyAttributes(m.MessageAttributes)
  return {
    Id: id,
    MessageBody: m.Body ?? '',
    ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
    ...(toFifo ? { MessageGroupId: m.Attributes?.MessageGroupId ?? 'redrive', MessageDeduplicationId: `redrive-${m.MessageId ?? id}` } : {}),
  }
}

/**
 * Moves up to `limit` messages. Each batch: receive (hidden for `holdSeconds`), SendMessageBatch to `to`, then
 * DeleteMessageBatch of exactly the entries the destination stored. A refused entry stays hidden in the dead-letter
 * queue until the end (so it is not received again and again) and is then made visible. An SQS error stops the
 * move and is thrown; what was moved until then stays moved and every held message comes back.
 */
export async function moveMessages(sqs: SQSClient, o: MoveOptions): Promise<MoveCounts> {
  const counts: MoveCounts = { moved: 0, failed: 0 }
  const refused = new Map<string, Message>()
  let emptySeen = false
  try {
    while (counts.moved + counts.failed < o.limit && !o.signal?.aborted) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: o.from,
          MaxNumberOfMessages: Math.min(10, o.limit - counts.moved - counts.failed),
          VisibilityTimeout: o.holdSeconds ?? 30,
          WaitTimeSeconds: emptySeen ? 1 : 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      )
      const all = received.Messages ?? []
      // One that was refused earlier and came back after its hold: keep it held (newest handle), do not resend it.
      const messages = all.filter((m) => {
        if (m.MessageId === undefined || !refused.has(m.MessageId)) return true
        refused.set(m.MessageId, m)
        return false
      })
      if (all.length === 0) {
        // A short poll may miss messages that are there: one long poll decides that the queue is empty.
        if (emptySeen) break
        emptySeen = true
        continue
      }
      emptySeen = false
      if (messages.length === 0) continue
      await moveBatch(sqs, o, messages, counts, refused)
      o.onProgress?.({ ...counts })
    }
  } finally {
    await release(sqs, o.from, [...refused.values()])
  }
  return counts
}

async function moveBatch(sqs: SQSClient, o: MoveOptions, messages: Message[], counts: MoveCounts, refused: Map<string, Message>): Promise<void> {
  let sent
  try {
    sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: o.to, Entries: messages.map((m, i) => redriveEntry(m, o.toFifo, String(i))) }))
  } catch (err) {
    await release(sqs, o.from, messages)
    throw err
  }
  const stored = new Set((sent.Successful ?? []).map((s) => s.Id))
  for (const f of sent.Failed ?? []) {
    const m = messages[Number(f.Id)]
    if (m?.MessageId !== undefined) refused.set(m.MessageId, m)
    counts.failed++
    counts.lastError = `${f.Code ?? 'Error'}: ${f.Message ?? 'refused'}`
  }
  const done = messages.filter((_, i) => stored.has(String(i)))
  if (done.length === 0) return
  const deleted = await sqs.send(
    new DeleteMessageBatchCommand({ QueueUrl: o.from, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
  )
  // A copy is stored either way; a delete that failed leaves the original to come back after its hold (a
  // duplicate at worst, never a loss). It still counts as moved: the job is back in its queue.
  counts.moved += done.length
  const undeleted = (deleted.Failed ?? []).map((f) => done[Number(f.Id)]).filter((m): m is Message => m !== undefined)
  if (undeleted.length > 0) {
    counts.lastError = `DeleteMessageBatch left ${undeleted.length} moved message(s) in the dead-letter queue: ${deleted.Failed![0]!.Code ?? 'Error'}`
  }
}

/** Moves one held message (see `withMessage`): sends its copy, then deletes it. Throws when the destination refuses it. */
export async function moveOne(sqs: SQSClient, from: string, to: string, toFifo: boolean, m: Message): Promise<void> {
  const entry = redriveEntry(m, toFifo, '0')
  const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: to, Entries: [entry] }))
  const failed = sent.Failed?.[0]
  if (failed !== undefined) throw Object.assign(new Error(failed.Message ?? 'refused'), { name: failed.Code ?? 'SendFailed' })
  await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: from, Entries: [{ Id: '0', ReceiptHandle: m.ReceiptHandle! }] }))
}

/** A StartMessageMoveTask that SQS accepted, or why it was not (the endpoint lacks the API, or refused it). */
export type MoveTaskStart = { taskHandle: string } | { unavailable: string }

/**
 * Asks SQS to move every message of the dead-letter queue `sourceArn` to `destinationArn` itself. Any error
 * (an emulator without the API, a FIFO source where SQS refuses, no permission) comes back as `unavailable`, and the
 * caller moves the messages with {@link moveMessages} instead.
 */
export async function startMoveTask(sqs: SQSClient, sourceArn: string, destinationArn: string): Promise<MoveTaskStart> {
  try {
    const out = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn }))
    return out.TaskHandle ? { taskHandle: out.TaskHandle } : { unavailable: 'StartMessageMoveTask returned no task handle' }
  } catch (err) {
    const e = err as Error
    return { unavailable: `${e.name}: ${e.message}` }
  }
}

/** Progress of a move task SQS runs (ListMessageMoveTasks). */
export interface MoveTaskStatus {
  /** RUNNING, COMPLETED, CANCELLING, CANCELLED or FAILED. */
  status: string
  moved: number
  toMove: number | undefined
  failureReason: string | undefined
}

/** The status of task `taskHandle` of `sourceArn`; undefined when SQS no longer lists it. */
export async function moveTaskStatus(sqs: SQSClient, sourceArn: string, taskHandle: string): Promise<MoveTaskStatus | undefined> {
  const out = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }))
  const entry = (out.Results ?? []).find((r) => r.TaskHandle === taskHandle) ?? out.Results?.[0]
  if (entry === undefined) return undefined
  return {
    status: entry.Status ?? 'UNKNOWN',
    moved: entry.ApproximateNumberOfMessagesMoved ?? 0,
    toMove: entry.ApproximateNumberOfMessagesToMove,
    failureReason: entry.FailureReason,
  }
}

