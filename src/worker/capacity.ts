// A counter of running jobs with a ceiling: the worker answers 429 at once instead of queueing behind busy jobs.

/** Slots for running jobs. */
export class Capacity {
  #running = 0
  readonly #idle: (() => void)[] = []
  constructor(readonly limit: number) {}

  /** Takes a slot if one is free. */
  tryAcquire(): boolean {
    if (this.#running >= this.limit) return false
    this.#running++
    return true
  }

  /** Gives a slot back. */
  release(): void {
    this.#running--
    if (this.#running === 0) for (const resolve of this.#idle.splice(0)) resolve()
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running
  }

  /** Resolves when no job runs. */
  idle(): Promise<void> {
    return this.#running === 0 ? Promise.resolve() : new Promise((resolve) => this.#idle.push(resolve))
  }
}
