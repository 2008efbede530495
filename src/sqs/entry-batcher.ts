// Collects single requests (delete this message, change that visibility) into SQS batch calls of up to 10,
// retries the entries that fail for retryable reasons, and tells each caller how its own entry ended.
import { isRetryableSqsError } from './retryable.js'

/** What one batch call reports per entry id. */
export interface BatchCallResult {
  failed: ReadonlyArray<{ id: string; code: string; message: string; senderFault: boolean }>
}

/** Sends one batch; entry ids are `e0..e9`. */
export type BatchCall<E> = (entries: Array<E & { Id: string }>) => Promise<BatchCallResult>

/** Tuning of an {@link EntryBatcher}. */
export interface EntryBatcherOptions {
  /** Batch calls in flight at once (default 4). */
  maxInFlight?: number
  /** Tries per entry for retryable failures, the first included (default 5). */
  attempts?: number
  /** First retry delay in ms, doubled per attempt (default 50). */
  retryBaseMs?: number
}

/** How an entry ended: `ok`, or the error after which it was given up. */
export type EntryOutcome = { ok: true } | { ok: false; code: string; message: string; cause?: unknown }

/** Told once how an entry ended. Called from the batcher's own flow: it must not throw. */
export type EntryCallback = (outcome: EntryOutcome) => void

interface Pending<E> {
  entry: E
  attempt: number
  done: EntryCallback
}

const OK: EntryOutcome = Object.freeze({ ok: true })

const MAX_ENTRIES = 10

/**
 * Batches entries: each `add` joins the next call (calls go out on the next macrotask, or as soon as a slot
 * frees up), so a burst of N completions costs about N/10 calls instead of N.
 */
export class EntryBatcher<E extends object> {
  readonly #call: BatchCall<E>
  readonly #maxInFlight: number
  readonly #attempts: number
  readonly #retryBaseMs: number
  #queue: Pending<E>[] = []
  #inFlight = 0
  #scheduled = false
  #retrying = 0
  readonly #idle: Array<() => void> = []

  constructor(call: BatchCall<E>, options: EntryBatcherOptions = {}) {
    this.#call = call
    this.#maxInFlight = options.maxInFlight ?? 4
    this.#attempts = options.attempts ?? 5
    this.#retryBaseMs = options.retryBaseMs ?? 50
  }

  /** Queues `entry`; resolves once SQS confirmed it or it was given up. Never rejects. */
  add(entry: E): Promise<EntryOutcome> {
    return new Promise((resolve) => this.addThen(entry, resolve))
  }

  /**
   * {@link add} with a callback instead of a promise: the poller deletes thousands of messages a second, and a
   * promise per entry (plus the chain awaiting it) is a measurable share of its CPU time.
   */
  addThen(entry: E, done: EntryCallback): void {
    this.#queue.push({ entry, attempt: 1, done })
    this.#schedule()
  }

  /** Entries waiting, in flight, or waiting for a retry. */
  get size(): number {
    return this.#queue.length + this.#inFlight + this.#retrying
  }

  /** Resolves when no entry is waiting or in flight. */
  async drain(): Promise<void> {
    while (this.size > 0) await new Promise<void>((r) => this.#idle.push(r))
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      this.#pump()
    })
  }

  #pump(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_ENTRIES)
      this.#inFlight++
      void this.#send(batch).finally(() => {
        this.#inFlight--
        if (this.#queue.length > 0) this.#pump()
        this.#checkIdle()
      })
    }
  }

  async #send(batch: Pending<E>[]): Promise<void> {
    const entries = batch.map((p, i) => Object.assign({ Id: `e${i}` }, p.entry))
    let result: BatchCallResult
    try {
      result = await this.#call(entries)
    } catch (error) {
      const e = error as Error
      for (const p of batch) this.#failOrRetry(p, isRetryableSqsError(error), e.name ?? 'Error', e.message, error)
      return
    }
    let failed: Set<Pending<E>> | undefined
    for (const f of result.failed) {
      const p = batch[Number(f.id.slice(1))]
      if (!p) continue
      ;(failed ??= new Set()).add(p)
      this.#failOrRetry(p, !f.senderFault, f.code, f.message)
    }
    for (const p of batch) if (!failed?.has(p)) p.done(OK)
  }

  #failOrRetry(p: Pending<E>, retryable: boolean, code: string, message: string, cause?: unknown): void {
    if (!retryable || p.attempt >= this.#attempts) {
      p.done({ ok: false, code, message, cause })
      return
    }
    this.#retrying++
    const delay = this.#retryBaseMs * 2 ** (p.attempt - 1)
    setTimeout(() => {
      this.#retrying--
      this.#queue.push({ ...p, attempt: p.attempt + 1 })
      this.#schedule()
    }, delay)
  }

  #checkIdle(): void {
    if (this.size > 0) return
    for (const r of this.#idle.splice(0)) r()
  }
}
