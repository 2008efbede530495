// Looking at messages without consuming them: receive with a short visibility timeout, then hand them straight back
// (ChangeMessageVisibility 0). A message is hidden for at most `holdSeconds` even if this process dies mid-way.
import {
  ChangeMessageVisibilityBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs'

/** How to look. */
export interface PeekOptions {
  /** Most messages to return. */
  limit: number
  /** Seconds each received message stays hidden while the others are received (default 10). */
  holdSeconds?: number
  /** Messages the queue reports as visible; one long-poll receive confirms an empty answer while fewer were seen. */
  expected?: number
  signal?: AbortSignal
}

/**
 * Up to `limit` messages of `url`, each with every system and message attribute, all made visible again before
 * this resolves (or throws). Receiving counts as a receive: a queue that itself has a redrive policy would move
 * a message after maxReceiveCount looks; dead-letter queues normally have none.
 */
export async function peekMessages(sqs: SQSClient, url: string, o: PeekOptions): Promise<Message[]> {
  const held = new Map<string, Message>()
  try {
    await receiveUntil(sqs, url, o, held, () => held.size >= o.limit)
  } finally {
    await release(sqs, url, [...held.values()])
  }
  return [...held.values()].slice(0, o.limit)
}

/**
 * Finds message `messageId` among at most `scanLimit` messages of `url` and runs `act` on it while it is held
 * (its receipt handle is valid for `holdSeconds`); every other message is released first. `act` resolves to
 * whether it consumed the message (deleted or moved it); if not, or if it throws, the message is released too.
 * Resolves to undefined when the message was not found (already moved, deleted, or beyond the scan).
 */
export async function withMessage<T>(
  sqs: SQSClient,
  url: string,
  messageId: string,
  o: Omit<PeekOptions, 'limit'> & { scanLimit: number },
  act: (message: Message) => Promise<{ consumed: boolean; value: T }>,
): Promise<T | undefined> {
  const held = new Map<string, Message>()
  let found: Message | undefined
  try {
    await receiveUntil(sqs, url, { ...o, limit: o.scanLimit }, held, () => (found = held.get(messageId)) !== undefined || held.size >= o.scanLimit)
  } catch (err) {
    await release(sqs, url, [...held.values()])
    throw err
  }
  await release(sqs, url, [...held.values()].filter((m) => m !== found))
  if (found === undefined) return undefined
  let consumed = false
  try {
    const result = await act(found)
    consumed = result.consumed
    return result.value
  } finally {
    if (!consumed) await release(sqs, url, [found])
  }
}

async function receiveUntil(
  sqs: SQSClient,
  url: string,
  o: PeekOptions,
  held: Map<string, Message>,
  done: () => boolean,
): Promise<void> {
  let emptySeen = false
  while (!done()) {
    o.signal?.throwIfAborted()
    // A short poll samples part of SQS's servers and may come back empty while messages remain: when fewer than
    // the queue reports were seen, one long poll (which asks them all) decides.
    const longPoll = emptySeen
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: Math.max(1, Math.min(10, o.limit - held.size)),
        VisibilityTimeout: o.holdSeconds ?? 10,
        WaitTimeSeconds: longPoll ? 1 : 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      o.signal ? { abortSignal: o.signal } : {},
    )
    const messages = out.Messages ?? []
    // The same message twice (its hold ran out mid-scan) keeps its newest receipt handle; the old one is dead.
    for (const m of messages) if (m.MessageId !== undefined) held.set(m.MessageId, m)
    if (messages.length > 0) {
      emptySeen = false
    } else if (longPoll || (o.expected ?? 0) <= held.size) {
      return
    } else {
      emptySeen = true
    }
  }
}

/** Makes messages visible again at once (batches of 10); a failure is left to their visibility timeout. */
export async function release(sqs: SQSClient, url: string, messages: readonly Message[]): Promise<void> {
  const handles = messages.map((m) => m.ReceiptHandle).filter((h): h is string => h !== undefined)
  for (let i = 0; i < handles.length; i += 10) {
    try {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: handles.slice(i, i + 10).map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle, VisibilityTimeout: 0 })),
        }),
      )
    } catch {
      // They come back by themselves when the hold ends (holdSeconds): nothing is lost, only delayed.
    }
  }
}
