// FIFO queues: one message per group at a time, in the order received; different groups run in parallel. A message
// that does not run through (a failure, a shutdown) keeps its place: the ones behind it go back to the queue.
import type { Slots } from '../sqs/index.js'
import type { Heartbeats } from './heartbeat.js'
import type { PolledQueue } from './polled-queue.js'
import type { ReceivedMessage } from './received.js'

/** What the groups need from the poller. */
export interface FifoGroupsParts {
  /** Runs one message; true when it is done with (succeeded, discarded, dead-lettered), false when it stays. */
  run(q: PolledQueue, m: ReceivedMessage): Promise<boolean>
  /** Makes messages visible again at once and gives their slots back. */
  release(q: PolledQueue, messages: ReceivedMessage[]): void
  slots: Slots
  heartbeats: Heartbeats
  /** True once stop() began: no next message of a group is started. */
  stopping(): boolean
}

/** Runs each FIFO queue's messages group by group (the groups of a queue live on its {@link PolledQueue}). */
export class FifoGroups {
  readonly #parts: FifoGroupsParts

  constructor(parts: FifoGroupsParts) {
    this.#parts = parts
  }

  /** Runs `m` now if its group is idle, else after the group's messages received before it. */
  add(q: PolledQueue, m: ReceivedMessage): void {
    const key = m.groupId ?? ''
    const waiting = q.groups.get(key)
    if (waiting) {
      this.#parts.heartbeats.startWaiting(q, m)
      waiting.push(m)
      return
    }
    const queue: ReceivedMessage[] = []
    q.groups.set(key, queue)
    void this.#runGroup(q, key, m, queue)
  }

  /** stop(): the messages still waiting in every group go back to their queues. */
  releaseWaiting(queues: readonly PolledQueue[]): void {
    for (const q of queues) {
      for (const waiting of q.groups.values()) this.#parts.release(q, waiting.splice(0))
    }
  }

  async #runGroup(q: PolledQueue, key: string, first: ReceivedMessage, queue: ReceivedMessage[]): Promise<void> {
    const parts = this.#parts
    let next: ReceivedMessage | undefined = first
    while (next) {
      const ranThrough = await parts.run(q, next)
      parts.slots.release()
      if (!ranThrough) {
        // The group's head stays in SQS; the ones behind it must not overtake it.
        parts.release(q, queue.splice(0))
      }
      next = parts.stopping() ? undefined : queue.shift()
      if (next) parts.heartbeats.stopWaiting(next)
    }
    parts.release(q, queue.splice(0))
    q.groups.delete(key)
  }
}
