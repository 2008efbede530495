// cron.yaml in the daemon: at each scheduled time, enqueue the task's message into the worker queue, as EB's
// leader instance does. This process is always the leader (there is one daemon locally).
import type { JobLogger } from '../jobs/index.js'
import { nextFireTime, type CronEntry } from '../config/index.js'
import { systemClock, type Clock, type TimerHandle } from './clock.js'

/** What the scheduler needs. */
export interface CronSchedulerOptions {
  entries: readonly CronEntry[]
  /** Sends one task's message (see `sendScheduledTask`); a rejection is logged and the next time still fires. */
  send: (entry: CronEntry, scheduledAt: Date) => Promise<unknown>
  logger: JobLogger
  /** Injectable time (tests); defaults to the system clock. */
  clock?: Clock
}

/**
 * Fires each entry at its next UTC time, then at the one after, and so on. Times that passed while the
 * daemon was not running are not replayed; if the process was stalled past several times (a laptop asleep),
 * the overdue time fires once and the schedule resumes from now.
 */
export class CronScheduler {
  readonly #entries: readonly CronEntry[]
  readonly #send: CronSchedulerOptions['send']
  readonly #log: JobLogger
  readonly #clock: Clock
  readonly #timers = new Map<string, TimerHandle>()
  readonly #sending = new Set<Promise<void>>()
  #running = false

  /** The next time each entry fires (name → Date), for logs and tests. */
  readonly next = new Map<string, Date>()

  constructor(options: CronSchedulerOptions) {
    this.#entries = options.entries
    this.#send = options.send
    this.#log = options.logger.child({ component: 'cron' })
    this.#clock = options.clock ?? systemClock
  }

  /** Arms every entry for its next time after now. */
  start(): void {
    if (this.#running) return
    this.#running = true
    const now = new Date(this.#clock.now())
    for (const entry of this.#entries) this.#arm(entry, nextFireTime(entry.schedule, now))
    if (this.#entries.length > 0) this.#log.info({ tasks: this.#entries.map((e) => e.name) }, 'cron.yaml tasks scheduled')
  }

  /** Cancels every timer and waits for sends already started. */
  async stop(): Promise<void> {
    this.#running = false
    for (const handle of this.#timers.values()) this.#clock.clearTimer(handle)
    this.#timers.clear()
    this.next.clear()
    await Promise.allSettled([...this.#sending])
  }

  #arm(entry: CronEntry, at: Date): void {
    this.next.set(entry.name, at)
    const handle = this.#clock.setTimer(() => this.#fire(entry, at), at.getTime() - this.#clock.now())
    this.#timers.set(entry.name, handle)
  }

  #fire(entry: CronEntry, at: Date): void {
    if (!this.#running) return
    const now = this.#clock.now()
    // Long waits are split into several timers; a timer may also end before the wall clock reaches `at`.
    if (now < at.getTime()) return this.#arm(entry, at)
    const sending = this.#send(entry, at).then(
      () => this.#log.info({ task: entry.name, scheduledAt: at.toISOString() }, 'periodic task enqueued'),
      (err: unknown) => this.#log.error({ task: entry.name, scheduledAt: at.toISOString(), err }, 'periodic task could not be enqueued'),
    )
    this.#sending.add(sending)
    void sending.finally(() => this.#sending.delete(sending))
    const after = new Date(Math.max(now, at.getTime()))
    this.#arm(entry, nextFireTime(entry.schedule, after))
  }
}
