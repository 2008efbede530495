// What happens to a message after its run: deleted (batched), made visible again or hidden for a backoff, sent
// back to wait for its scheduled_at, or moved to the dead-letter queue. Writes run in the background; stop()
// waits for them through drained().
import type { SQSClient } from '@aws-sdk/client-sqs'
import { moveToDeadLetter, sendBackToWait, sqsFailure } from '../sqs/index.js'
import type { PolledQueue } from './polled-queue.js'
import type { ReceivedMessage } from './received.js'

/** The poller's SQS writes for received messages; every failure is reported (logged, 'error'), never thrown. */
export class Settler {
  readonly #client: SQSClient
  readonly #report: (error: Error) => void
  readonly #settling = new Set<Promise<void>>()

  /** `report` logs a failure and emits it as 'error'; it is also given a listener's throw, and must not throw. */
  constructor(client: SQSClient, report: (error: Error) => void) {
    this.#client = client
    this.#report = report
  }

  /**
   * Deletes `m`, then calls `then` (whether or not the delete went through: a failed delete is reported, and the job
   * did run). The hot path of every successful job, so callbacks, not a chain of promises; drained() waits for it
   * through the queue's batcher.
   */
  deleteThen(q: PolledQueue, m: ReceivedMessage, then: () => void): void {
    q.writes.deleteThen(m.receiptHandle, (r) => {
      try {
        if (!r.ok) this.#report(sqsFailure('DeleteMessage', q.settings.name, r.cause ?? r, m.messageId))
        then()
      } catch (error) {
        // A throwing event listener: reported like any other unexpected error, never thrown into the batcher.
        try {
          this.#report(error as Error)
        } catch {
          // The 'error' listener threw too; report logged the error before calling it.
        }
      }
    })
  }

  /** Deletes `m`; a failure is reported. */
  async delete(q: PolledQueue, m: ReceivedMessage): Promise<void> {
    const r = await q.writes.delete(m.receiptHandle)
    if (!r.ok) this.#report(sqsFailure('DeleteMessage', q.settings.name, r.cause ?? r, m.messageId))
  }

  /** Hides `m` for `seconds` (0: visible again at once); a failure is reported. */
  async changeVisibility(q: PolledQueue, m: ReceivedMessage, seconds: number): Promise<void> {
    const r = await q.writes.changeVisibility(m.receiptHandle, seconds)
    if (!r.ok) this.#report(sqsFailure('ChangeMessageVisibility', q.settings.name, r.cause ?? r, m.messageId))
  }

  /** An early job: sends a copy that waits `remainingSeconds` (at most 900). False, reported, when the send failed. */
  async sendBack(q: PolledQueue, m: ReceivedMessage, remainingSeconds: number): Promise<boolean> {
    try {
      await sendBackToWait(this.#client, q.settings.url, { body: m.body, attributes: m.raw.MessageAttributes }, remainingSeconds)
      return true
    } catch (error) {
      this.#report(sqsFailure('SendMessage (re-schedule)', q.settings.name, error))
      return false
    }
  }

  /**
   * Sends a copy to the queue's dead-letter queue with the reason, then deletes `m`. False, reported, when the send
   * failed: the message then stays in its queue.
   */
  async deadLetter(q: PolledQueue, m: ReceivedMessage, error: Error): Promise<boolean> {
    try {
      await moveToDeadLetter(this.#client, q.info.deadLetter!.url, { body: m.body, attributes: m.raw.MessageAttributes, messageId: m.messageId, groupId: m.groupId }, error)
    } catch (sendFailure) {
      this.#report(sqsFailure('SendMessage (dead-letter)', q.settings.name, sendFailure))
      return false
    }
    await this.delete(q, m)
    return true
  }

  /** Keeps a background write's promise until it settles, so drained() can wait for it; a rejection is reported. */
  track(p: Promise<void>): void {
    const tracked = p.catch((error: unknown) => this.#report(error as Error)).finally(() => this.#settling.delete(tracked))
    this.#settling.add(tracked)
  }

  /** Resolves when every tracked write (and those they started) and every batched delete and visibility change has ended. */
  async drained(queues: readonly PolledQueue[]): Promise<void> {
    while (this.#settling.size > 0) await Promise.all(this.#settling)
    await Promise.all(queues.map((q) => q.writes.drain()))
  }
}
