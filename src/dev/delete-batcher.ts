// Deletes of messages the app answered 200 to, sent 10 at a time as aws-sqsd does (sqs_batch_delete), off the
// delivery path: the slot is free for the next message while the delete is still on its way.
import { DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs'
import type { PinoLike } from '../aws/index.js'

const BATCH_SIZE = 10
/** A lone delete waits at most this long for company (aws-sqsd's timer is 2 s; dev wants prompt queue counts). */
const FLUSH_AFTER_MS = 25

interface PendingDelete {
  receiptHandle: string
  messageId: string | undefined
}

/** Collects deletes and sends them in DeleteMessageBatch calls. */
export class DeleteBatcher {
  readonly #sqs: SQSClient
  readonly #queueUrl: string
  readonly #log: PinoLike
  #pending: PendingDelete[] = []
  #timer: NodeJS.Timeout | undefined
  readonly #sending = new Set<Promise<void>>()

  constructor(sqs: SQSClient, queueUrl: string, log: PinoLike) {
    this.#sqs = sqs
    this.#queueUrl = queueUrl
    this.#log = log
  }

  /** Queues a delete; it is sent within {@link FLUSH_AFTER_MS} or as soon as 10 are waiting. */
  add(receiptHandle: string, messageId: string | undefined): void {
    this.#pending.push({ receiptHandle, messageId })
    if (this.#pending.length >= BATCH_SIZE) this.#send()
    else this.#timer ??= setTimeout(() => this.#send(), FLUSH_AFTER_MS)
  }

  /** Sends what is waiting and resolves when every delete sent so far has finished. */
  async flush(): Promise<void> {
    this.#send()
    await Promise.allSettled([...this.#sending])
  }

  #send(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, BATCH_SIZE)
      const sending = this.#deleteBatch(batch)
      this.#sending.add(sending)
      void sending.finally(() => this.#sending.delete(sending))
    }
  }

  // A delete that fails only delays the message: it comes back after VisibilityTimeout and is POSTed again.
  async #deleteBatch(batch: PendingDelete[]): Promise<void> {
    try {
      const out = await this.#sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.#queueUrl,
          Entries: batch.map((d, i) => ({ Id: String(i), ReceiptHandle: d.receiptHandle })),
        }),
      )
      for (const failed of out.Failed ?? []) {
        const d = batch[Number(failed.Id)]
        this.#log.error(
          { msgid: d?.messageId, code: failed.Code, reason: failed.Message },
          'sqsd DeleteMessage failed; the message returns after VisibilityTimeout',
        )
      }
    } catch (err) {
      this.#log.error(
        { err, msgids: batch.map((d) => d.messageId) },
        'sqsd DeleteMessageBatch failed; the messages return after VisibilityTimeout',
      )
    }
  }
}
