// HttpConnections as a counter: a poller takes free slots before it receives, so the daemon never holds a
// message it cannot POST at once (a held message would burn its visibility timeout in our memory).

/** A pool of `size` delivery slots. */
export class DeliverySlots {
  #free: number
  #waiters: (() => void)[] = []

  /** @param size HttpConnections. */
  constructor(readonly size: number) {
    this.#free = size
  }

  /** Slots free right now. */
  get free(): number {
    return this.#free
  }

  /** Slots in use (POSTs in flight or messages being received). */
  get busy(): number {
    return this.size - this.#free
  }

  /** Takes up to `wanted` free slots at once; returns how many were taken (0 when none is free). */
  take(wanted: number): number {
    const n = Math.max(0, Math.min(wanted, this.#free))
    this.#free -= n
    return n
  }

  /** Gives `n` slots back and wakes whoever waits for one. */
  release(n: number): void {
    if (n <= 0) return
    this.#free = Math.min(this.size, this.#free + n)
    const waiters = this.#waiters
    this.#waiters = []
    for (const wake of waiters) wake()
  }

  /** Resolves when a slot is free (at once if one is), or when `signal` aborts. */
  whenFree(signal?: AbortSignal): Promise<void> {
    if (this.#free > 0 || signal?.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const wake = (): void => {
        signal?.removeEventListener('abort', wake)
        resolve()
      }
      this.#waiters.push(wake)
      signal?.addEventListener('abort', wake, { once: true })
    })
  }

  /** Resolves when every slot is free again (all deliveries done), or when `signal` aborts. */
  async whenIdle(signal?: AbortSignal): Promise<void> {
    while (this.#free < this.size && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          signal?.removeEventListener('abort', wake)
          resolve()
        }
        this.#waiters.push(wake)
        signal?.addEventListener('abort', wake, { once: true })
      })
    }
  }
}
