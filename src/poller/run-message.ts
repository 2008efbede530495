// Runs one received message: resolve its job (or find it can never run), send an early job back to wait, perform,
// and settle the message by the run's outcome. Keeps the set of running jobs that stop() waits for or abandons.
import type { EventEmitter } from 'node:events'
import { JobAbortedError } from '../errors.js'
import {
  isPermanentFailure,
  performJob,
  prepareJob,
  type JobAllowlist,
  type JobLogger,
  type JobRegistry,
  type JobRun,
  type PreparedJob,
} from '../jobs/index.js'
import { remainingDelaySeconds, type Slots } from '../sqs/index.js'
import type { PollerEvents } from './events.js'
import type { Heartbeats } from './heartbeat.js'
import type { PermanentFailureAction, PollerOptions } from './options.js'
import type { PolledQueue } from './polled-queue.js'
import { deliveryOf, type ReceivedMessage } from './received.js'
import type { Settler } from './settle.js'

/** The abort reason running jobs see when the shutdown timeout passes. */
const ABANDONED = new JobAbortedError('The poller is shutting down')

/** Counters since start (the jobs running now are counted apart). */
export interface PollerCounters {
  received: number
  completed: number
  retried: number
  failed: number
  discarded: number
  delayed: number
}

/** A job that is running. */
interface RunningJob {
  message: ReceivedMessage
  queue: PolledQueue
  /** Made only when the job reads `context.signal`: an AbortController per message is a real cost at thousands/s. */
  controller: AbortController | undefined
  /** Set at the shutdown deadline: the message was made visible again, the run's outcome is ignored. */
  abandoned: boolean
  /** The visibility heartbeat, stopped when the job ends or is abandoned. */
  heartbeat: NodeJS.Timeout | undefined
}

/** What a {@link MessageRunner} works with. */
export interface MessageRunnerParts {
  /** The poller, whose events each run emits. */
  events: EventEmitter<PollerEvents>
  logger: JobLogger
  registry: JobRegistry
  allowlist: JobAllowlist | undefined
  /** Clock in epoch ms, for early jobs. */
  now: () => number
  options: Pick<PollerOptions, 'deadLetter' | 'onPermanentFailure'>
  settle: Settler
  heartbeats: Heartbeats
  slots: Slots
  stats: PollerCounters
}

/** Runs messages and keeps track of the jobs running. */
export class MessageRunner {
  readonly #p: MessageRunnerParts
  readonly #running = new Set<RunningJob>()
  readonly #jobsChanged: Array<() => void> = []

  constructor(parts: MessageRunnerParts) {
    this.#p = parts
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running.size
  }

  /** {@link run}, then the message's slot is given back (one async frame: this runs for every message). */
  async runAndRelease(q: PolledQueue, m: ReceivedMessage): Promise<void> {
    try {
      await this.#process(q, m)
    } catch (error) {
      this.#unexpected(error as Error, m)
    } finally {
      this.#p.slots.release()
    }
  }

  /**
   * Runs one message; an unexpected throw (a throwing event listener, say) is reported, not fatal. Resolves when the
   * job has ended (deletes and events follow in the background): true when the message is done with (succeeded,
   * discarded, delayed, dead-lettered), false when it stays.
   */
  async run(q: PolledQueue, m: ReceivedMessage): Promise<boolean> {
    try {
      return await this.#process(q, m)
    } catch (error) {
      this.#unexpected(error as Error, m)
      return false
    }
  }

  /** Resolves when no job is running. */
  allEnded(): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.#running.size === 0) resolve()
        else this.#jobsChanged.push(check)
      }
      check()
    })
  }

  /** The shutdown deadline: aborts the jobs still running and makes their messages visible again at once. */
  abandonAll(): void {
    const { settle } = this.#p
    for (const r of this.#running) {
      r.abandoned = true
      // The heartbeat would hide the message again; a job that ignores its signal keeps running unwatched.
      clearInterval(r.heartbeat)
      r.controller?.abort(ABANDONED)
      settle.track(settle.changeVisibility(r.queue, r.message, 0))
    }
  }

  #unexpected(error: Error, m: ReceivedMessage): void {
    this.#p.logger.error({ err: error, message_id: m.messageId }, 'Unexpected error while handling a message; it stays in the queue')
    if (this.#p.events.listenerCount('error') > 0) this.#p.events.emit('error', error)
  }

  async #process(q: PolledQueue, m: ReceivedMessage): Promise<boolean> {
    const p = this.#p
    let prepared: PreparedJob
    try {
      prepared = prepareJob(m.body, p.registry, p.allowlist)
    } catch (error) {
      if (!isPermanentFailure(error)) throw error
      return this.#permanentFailure(q, m, error as Error)
    }
    if (!q.settings.fifo) {
      const remaining = remainingDelaySeconds(prepared.envelope.scheduled_at, p.now())
      if (remaining > 0) return this.#delay(q, m, prepared, remaining)
    }
    const running: RunningJob = { message: m, queue: q, controller: undefined, abandoned: false, heartbeat: p.heartbeats.start(q, m) }
    this.#running.add(running)
    // A job that first reads its signal after being abandoned gets one that is already aborted.
    const signal = (): AbortSignal =>
      running.abandoned ? AbortSignal.abort(ABANDONED) : (running.controller = new AbortController()).signal
    let run: JobRun
    try {
      p.events.emit('active', m, prepared.envelope.job_id, prepared.envelope.job_class)
      run = await performJob(prepared, { logger: p.logger, signal, delivery: deliveryOf(m) })
    } finally {
      clearInterval(running.heartbeat)
      this.#running.delete(running)
      if (this.#jobsChanged.length > 0) for (const notify of this.#jobsChanged.splice(0)) notify()
    }
    if (running.abandoned) return false
    return this.#settleRun(q, m, run)
  }

  /** Deletes, backs off or dead-letters the message by the run's outcome. */
  #settleRun(q: PolledQueue, m: ReceivedMessage, run: JobRun): boolean {
    const { events, settle, stats } = this.#p
    switch (run.outcome) {
      case 'succeeded':
        stats.completed++
        settle.deleteThen(q, m, () => events.emit('completed', run, m))
        return true
      case 'discarded':
        stats.discarded++
        settle.deleteThen(q, m, () => events.emit('discarded', run, m))
        return true
      case 'retry':
        stats.retried++
        settle.track(
          (run.delaySeconds === undefined ? Promise.resolve() : settle.changeVisibility(q, m, run.delaySeconds)).then(
            () => void events.emit('retrying', run, m),
          ),
        )
        return false
      case 'failed': {
        stats.failed++
        const error = run.error ?? new Error('failed')
        if (q.info.deadLetter && (this.#p.options.deadLetter ?? 'move') === 'move') {
          settle.track(this.#deadLetter(q, m, error, run))
          return true
        }
        events.emit('failed', { message: m, error, run, permanent: false, action: 'left' })
        return false
      }
    }
  }

  /** A message that can never run: the handler (default: leave it for the redrive policy) decides. */
  async #permanentFailure(q: PolledQueue, m: ReceivedMessage, error: Error): Promise<boolean> {
    const { events, logger, settle, stats } = this.#p
    stats.failed++
    let action: PermanentFailureAction = 'leave'
    const handler = this.#p.options.onPermanentFailure
    if (handler) {
      try {
        action = (await handler(error, m)) ?? 'leave'
      } catch (handlerError) {
        logger.error({ err: handlerError, message_id: m.messageId }, 'onPermanentFailure threw; leaving the message')
      }
    }
    if (action === 'dead-letter' && !q.info.deadLetter) {
      logger.warn({ queue: q.settings.name }, `onPermanentFailure asked for 'dead-letter' but queue ${q.settings.name} has none; leaving the message`)
      action = 'leave'
    }
    logger.error(
      { err: error, queue: q.settings.name, message_id: m.messageId, receive_count: m.receiveCount, body: m.body.slice(0, 1024), action },
      `Message ${m.messageId} can never run (${error.message}); ${action === 'leave' ? 'left for the redrive policy' : action === 'delete' ? 'deleted' : 'moved to the dead-letter queue'}`,
    )
    if (action === 'dead-letter') {
      settle.track(this.#deadLetter(q, m, error, undefined, true))
      return true
    }
    if (action === 'delete') {
      settle.track(settle.delete(q, m).then(() => void events.emit('failed', { message: m, error, permanent: true, action: 'deleted' })))
      return true
    }
    events.emit('failed', { message: m, error, permanent: true, action: 'left' })
    return false
  }

  /** An early job (scheduled more than 900 s ahead): send a copy that waits, then delete this one. */
  async #delay(q: PolledQueue, m: ReceivedMessage, prepared: PreparedJob, remaining: number): Promise<boolean> {
    const { events, settle, stats } = this.#p
    if (!(await settle.sendBack(q, m, remaining))) return false
    stats.delayed++
    settle.track(settle.delete(q, m).then(() => void events.emit('delayed', { message: m, jobId: prepared.envelope.job_id, remainingSeconds: remaining })))
    return true
  }

  async #deadLetter(q: PolledQueue, m: ReceivedMessage, error: Error, run?: JobRun, permanent = false): Promise<void> {
    const moved = await this.#p.settle.deadLetter(q, m, error)
    this.#p.events.emit('failed', { message: m, error, ...(run ? { run } : {}), permanent, action: moved ? 'dead-lettered' : 'left' })
  }
}
