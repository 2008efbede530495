// Recent job runs of this process, from the `fastify-aws:job:run` channel, in a fixed-size ring buffer.
import { jobRunChannel, type DeliveryInfo, type JobRunEvent, type RunDecision } from '../jobs/index.js'

/** What a run ended as: the runner's decision. */
export type RunOutcome = RunDecision['outcome']

/** One recorded run, as the dashboard shows it. */
export interface RecordedRun {
  jobClass: string
  jobId: string
  queueName: string
  attempt: number
  transport: DeliveryInfo['transport']
  /** The cron.yaml task, for periodic runs. */
  taskName: string | undefined
  messageId: string | undefined
  outcome: RunOutcome
  durationMs: number
  /** When perform settled, epoch ms. */
  finishedAt: number
  /** The error of a run that did not succeed. */
  error: { name: string; message: string; stack: string | undefined } | undefined
}

/** Counts and durations of one job class over the recorded runs. */
export interface JobClassStats {
  jobClass: string
  runs: number
  succeeded: number
  retry: number
  failed: number
  discarded: number
  /** Median duration, ms (nearest rank). */
  p50: number
  /** 95th percentile duration, ms (nearest rank). */
  p95: number
}

/** Filters of {@link RunRecorder.runs}. */
export interface RunFilter {
  outcome?: RunOutcome | undefined
  jobClass?: string | undefined
}

/** Outcomes by code, for the ring buffer's byte column. */
const OUTCOMES: readonly RunOutcome[] = ['succeeded', 'retry', 'failed', 'discarded']
const OUTCOME_CODE: Readonly<Record<RunOutcome, number>> = { succeeded: 0, retry: 1, failed: 2, discarded: 3 }

/**
 * Keeps the last `capacity` runs that finished in this process (any transport: sqsd, poller, Lambda, inline).
 *
 * It subscribes to the plain `fastify-aws:job:run` channel, not the perform TracingChannel (a subscriber there would
 * wrap every perform in tracePromise). The hot path copies a run's fields into columns allocated up front (numbers
 * in typed arrays, strings in arrays) and keeps no object of the run: holding the run and delivery objects for 500
 * runs made every run's garbage survive young-generation collections, which cost more than the copy.
 */
export class RunRecorder {
  /** Most runs kept; 0 keeps none and subscribes to nothing. */
  readonly capacity: number
  readonly #jobClass: string[]
  readonly #jobId: string[]
  readonly #queueName: string[]
  readonly #transport: DeliveryInfo['transport'][]
  readonly #taskName: (string | undefined)[]
  readonly #messageId: (string | undefined)[]
  /** What was thrown, for runs that did not succeed (described only when someone looks). */
  readonly #error: (Error | undefined)[]
  readonly #attempt: Float64Array
  readonly #outcome: Uint8Array
  readonly #durationMs: Float64Array
  readonly #finishedAt: Float64Array
  #next = 0
  #size = 0
  /** Last periodic run per task name (task names are registered job names, so this stays small). */
  readonly #lastTask = new Map<string, RecordedRun>()
  #subscribed = false
  readonly #onRun = (message: unknown): void => this.#add(message as JobRunEvent)

  constructor(capacity = 500) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError(`RunRecorder capacity must be a whole number >= 0, got ${capacity}`)
    this.capacity = capacity
    this.#jobClass = new Array<string>(capacity).fill('')
    this.#jobId = new Array<string>(capacity).fill('')
    this.#queueName = new Array<string>(capacity).fill('')
    this.#transport = new Array<DeliveryInfo['transport']>(capacity).fill('inline')
    this.#taskName = new Array<string | undefined>(capacity).fill(undefined)
    this.#messageId = new Array<string | undefined>(capacity).fill(undefined)
    this.#error = new Array<Error | undefined>(capacity).fill(undefined)
    this.#attempt = new Float64Array(capacity)
    this.#outcome = new Uint8Array(capacity)
    this.#durationMs = new Float64Array(capacity)
    this.#finishedAt = new Float64Array(capacity)
  }

  /** Starts recording (idempotent). */
  start(): this {
    if (this.#subscribed || this.capacity === 0) return this
    jobRunChannel.subscribe(this.#onRun)
    this.#subscribed = true
    return this
  }

  /** Stops recording; what was recorded stays readable. */
  stop(): void {
    if (!this.#subscribed) return
    jobRunChannel.unsubscribe(this.#onRun)
    this.#subscribed = false
  }

  /** True while subscribed. */
  get recording(): boolean {
    return this.#subscribed
  }

  /** Runs now held (at most `capacity`). */
  get size(): number {
    return this.#size
  }

  #add({ run, delivery }: JobRunEvent): void {
    const i = this.#next
    this.#jobClass[i] = run.jobClass
    this.#jobId[i] = run.jobId
    this.#queueName[i] = run.queueName
    this.#transport[i] = delivery.transport
    this.#taskName[i] = delivery.taskName
    this.#messageId[i] = delivery.messageId
    this.#error[i] = run.error
    this.#attempt[i] = run.attempt
    this.#outcome[i] = OUTCOME_CODE[run.outcome]
    this.#durationMs[i] = run.durationMs
    this.#finishedAt[i] = Date.now()
    this.#next = i + 1 === this.capacity ? 0 : i + 1
    if (this.#size < this.capacity) this.#size++
    if (delivery.transport === 'periodic' && delivery.taskName !== undefined) {
      this.#lastTask.set(delivery.taskName, this.#recorded(i))
    }
  }

  /** The run in slot `i` as the dashboard shows it. */
  #recorded(i: number): RecordedRun {
    const error = this.#error[i]
    return {
      jobClass: this.#jobClass[i]!,
      jobId: this.#jobId[i]!,
      queueName: this.#queueName[i]!,
      attempt: this.#attempt[i]!,
      transport: this.#transport[i]!,
      taskName: this.#taskName[i],
      messageId: this.#messageId[i],
      outcome: OUTCOMES[this.#outcome[i]!]!,
      durationMs: this.#durationMs[i]!,
      finishedAt: this.#finishedAt[i]!,
      error: error === undefined ? undefined : describeError(error),
    }
  }

  /** Recorded runs, newest first, optionally filtered. */
  runs(filter: RunFilter = {}): RecordedRun[] {
    const out: RecordedRun[] = []
    for (let k = 1; k <= this.#size; k++) {
      const i = (this.#next - k + this.capacity) % this.capacity
      if (filter.outcome !== undefined && OUTCOMES[this.#outcome[i]!] !== filter.outcome) continue
      if (filter.jobClass !== undefined && this.#jobClass[i] !== filter.jobClass) continue
      out.push(this.#recorded(i))
    }
    return out
  }

  /** The last periodic run of cron.yaml task `name` seen by this process, even if the ring buffer has moved on. */
  lastTaskRun(name: string): RecordedRun | undefined {
    return this.#lastTask.get(name)
  }

  /** Per job class: runs by outcome and p50/p95 durations over the recorded runs, busiest class first. */
  stats(): JobClassStats[] {
    const byClass = new Map<string, { counts: Record<RunOutcome, number>; durations: number[] }>()
    for (const run of this.runs()) {
      let entry = byClass.get(run.jobClass)
      if (entry === undefined) byClass.set(run.jobClass, (entry = { counts: { succeeded: 0, retry: 0, failed: 0, discarded: 0 }, durations: [] }))
      entry.counts[run.outcome]++
      entry.durations.push(run.durationMs)
    }
    return [...byClass]
      .map(([jobClass, { counts, durations }]) => {
        durations.sort((a, b) => a - b)
        return { jobClass, runs: durations.length, ...counts, p50: percentile(durations, 0.5), p95: percentile(durations, 0.95) }
      })
      .sort((a, b) => b.runs - a.runs || a.jobClass.localeCompare(b.jobClass))
  }

  /** Forgets every recorded run. */
  clear(): void {
    this.#error.fill(undefined)
    this.#next = 0
    this.#size = 0
    this.#lastTask.clear()
  }
}

/** Nearest-rank percentile of sorted values (0 for none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}

/** Name, message and stack of anything thrown, without trusting it to behave (a getter may throw). */
function describeError(thrown: unknown): RecordedRun['error'] {
  const text = (read: () => unknown, fallback: string): string => {
    try {
      const v = read()
      return typeof v === 'string' ? v : v === undefined ? fallback : String(v)
    } catch {
      return fallback
    }
  }
  if (thrown !== null && typeof thrown === 'object') {
    const e = thrown as { name?: unknown; message?: unknown; stack?: unknown }
    const stack = text(() => e.stack, '')
    return { name: text(() => e.name, 'Error'), message: text(() => e.message, ''), stack: stack === '' ? undefined : stack }
  }
  return { name: typeof thrown, message: text(() => thrown, ''), stack: undefined }
}
