// Visibility heartbeats: a message whose job runs (or waits behind its FIFO group) longer than the visibility
// timeout would be received again and run twice; extending it every third of the timeout keeps it hidden.
import type { PolledQueue } from './polled-queue.js'
import type { ReceivedMessage } from './received.js'
import type { Settler } from './settle.js'

/** The heartbeats of running messages and of FIFO messages waiting for their turn. */
export class Heartbeats {
  readonly #settle: Settler
  readonly #everySeconds: number | false | undefined
  /** FIFO messages waiting behind their group's running message, with their heartbeat. */
  readonly #waiting = new Map<ReceivedMessage, NodeJS.Timeout>()

  /** `everySeconds`: the `heartbeatSeconds` option (undefined: a third of the visibility timeout; false: off). */
  constructor(settle: Settler, everySeconds: number | false | undefined) {
    this.#settle = settle
    this.#everySeconds = everySeconds
  }

  /**
   * Extends `m`'s visibility to the queue's timeout every third of it (or every `heartbeatSeconds`); undefined when
   * the heartbeat is off or the queue hides nothing. The timer does not keep the process alive; clearInterval it
   * when the job ends.
   */
  start(q: PolledQueue, m: ReceivedMessage): NodeJS.Timeout | undefined {
    const option = this.#everySeconds
    if (option === false || q.visibilityTimeout <= 0) return undefined
    const everyMs = option !== undefined ? option * 1000 : Math.max(200, (q.visibilityTimeout * 1000) / 3)
    const settle = this.#settle
    const timer = setInterval(() => settle.track(settle.changeVisibility(q, m, q.visibilityTimeout)), everyMs)
    timer.unref()
    return timer
  }

  /** Keeps a FIFO message hidden while it waits behind a long job of its group, as a running one is. */
  startWaiting(q: PolledQueue, m: ReceivedMessage): void {
    const beat = this.start(q, m)
    if (beat) this.#waiting.set(m, beat)
  }

  /** Stops a waiting message's heartbeat (its turn came, or it is handed back); nothing for any other message. */
  stopWaiting(m: ReceivedMessage): void {
    clearInterval(this.#waiting.get(m))
    this.#waiting.delete(m)
  }
}
