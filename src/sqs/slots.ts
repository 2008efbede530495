// The one concurrency limit of every consumer: the poller's jobs and the sqsd daemon's HttpConnections wait for a
// slot before ReceiveMessage (so no received message waits in memory while its visibility timeout runs); the EB
// worker takes one without waiting and answers 429 when none is free.

/** N slots: a counting semaphore whose waiters can be aborted. */
export class Slots {
  #free: number
  readonly #waiters: Array<() => void> = []

  constructor(readonly size: number) {
    this.#free = size
  }

  /** Slots not taken. */
  get free(): number {
    return this.#free
  }

  /** Slots taken (jobs running or reserved for a receive in flight). */
  get used(): number {
    return this.size - this.#free
  }

  /** Takes one slot if one is free, without waiting (the EB worker's "no capacity: 429"). */
  tryTake(): boolean {
    if (this.#free === 0) return false
    this.#free--
    return true
  }

  /** Takes up to `max` slots (at least 1), waiting until one is free; resolves 0 if `signal` aborts first. */
  async take(max: number, signal: AbortSignal): Promise<number> {
    while (this.#free === 0) {
      if (signal.aborted) return 0
      await this.#changed(signal)
    }
    if (signal.aborted) return 0
    const n = Math.min(max, this.#free)
    this.#free -= n
    return n
  }

  /** Waits (at most `ms`) until `want` slots are free, so receives are not made for one message at a time. */
  async fill(want: number, ms: number, signal: AbortSignal): Promise<void> {
    if (this.#free >= want || ms <= 0) return
    const deadline = Date.now() + ms
    while (this.#free < want && !signal.aborted) {
      const left = deadline - Date.now()
      if (left <= 0) return
      let timer: NodeJS.Timeout | undefined
      await Promise.race([this.#changed(signal), new Promise<void>((r) => (timer = setTimeout(r, left)))])
      clearTimeout(timer)
    }
  }

  /** Gives `n` slots back and wakes the waiters. */
  release(n = 1): void {
    if (n <= 0) return
    this.#free = Math.min(this.size, this.#free + n)
    // Per finished job on the worker's hot path: nobody waiting is the usual case, and costs no array.
    if (this.#waiters.length === 0) return
    const waiters = this.#waiters.splice(0)
    for (const w of waiters) w()
  }

  /** Resolves when every slot is free (or `signal` aborts). */
  async idle(signal?: AbortSignal): Promise<void> {
    while (this.#free < this.size && !signal?.aborted) await this.#changed(signal)
  }

  #changed(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done)
        resolve()
      }
      this.#waiters.push(done)
      signal?.addEventListener('abort', done, { once: true })
    })
  }
}
