// The poller's SQS writes: batched deletes and visibility changes for one queue, through EntryBatchers.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import { EntryBatcher, type BatchCallResult, type EntryBatcherOptions, type EntryCallback, type EntryOutcome } from './entry-batcher.js'

/** Batched DeleteMessage / ChangeMessageVisibility for one queue. */
export class QueueWrites {
  readonly #deletes: EntryBatcher<{ ReceiptHandle: string }>
  readonly #visibility: EntryBatcher<{ ReceiptHandle: string; VisibilityTimeout: number }>

  constructor(client: SQSClient, queueUrl: string, options: EntryBatcherOptions = {}) {
    this.#deletes = new EntryBatcher(async (Entries) => failedOf(await client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries }))), options)
    this.#visibility = new EntryBatcher(
      async (Entries) => failedOf(await client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries }))),
      options,
    )
  }

  /** Deletes a message (batched with others); resolves to how it ended. */
  delete(receiptHandle: string): Promise<EntryOutcome> {
    return this.#deletes.add({ ReceiptHandle: receiptHandle })
  }

  /** {@link delete}, calling `done` (which must not throw) instead of resolving a promise. */
  deleteThen(receiptHandle: string, done: EntryCallback): void {
    this.#deletes.addThen({ ReceiptHandle: receiptHandle }, done)
  }

  /** Hides the message for `seconds` from now (0: visible at once); batched with others. */
  changeVisibility(receiptHandle: string, seconds: number): Promise<EntryOutcome> {
    return this.#visibility.add({ ReceiptHandle: receiptHandle, VisibilityTimeout: Math.max(0, Math.min(43_200, Math.round(seconds))) })
  }

  /** Deletes and visibility changes not yet confirmed. */
  get pending(): number {
    return this.#deletes.size + this.#visibility.size
  }

  /** Resolves when every delete and visibility change has ended. */
  async drain(): Promise<void> {
    await Promise.all([this.#deletes.drain(), this.#visibility.drain()])
  }
}

function failedOf(res: { Failed?: Array<{ Id?: string; Code?: string; Message?: string; SenderFault?: boolean }> }): BatchCallResult {
  return {
    failed: (res.Failed ?? []).map((f) => ({
      id: f.Id ?? '',
      code: f.Code ?? 'Unknown',
      message: f.Message ?? '',
      senderFault: f.SenderFault === true,
    })),
  }
}
