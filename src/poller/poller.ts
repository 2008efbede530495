// The long-running SQS consumer: keeps up to `concurrency` jobs running, refilling as each one finishes.
import { EventEmitter } from 'node:events'
import { ReceiveMessageCommand, type Message, type ReceiveMessageCommandInput, type SQSClient } from '@aws-sdk/client-sqs'
import { PollerConfigError } from '../errors.js'
import {
  defaultRegistry,
  isPermanentFailure,
  performJob,
  prepareJob,
  silentLogger,
  toJobAllowlist,
  type JobAllowlist,
  type JobLogger,
  type JobRegistry,
  type JobRun,
  type PreparedJob,
} from '../jobs/index.js'
import { loadQueueConfig, type QueueConfig, type QueueSettings } from '../queue/index.js'
import { createSqsClient, moveToDeadLetter, QueueWrites, readQueueInfo, remainingDelaySeconds, sendBackToWait, Slots, type QueueInfo } from '../sqs/index.js'
import type { PollerEvents } from './events.js'
import type { PermanentFailureAction, PermanentFailureHandler, PollerOptions } from './options.js'
import { deliveryOf, receivedMessage, type ReceivedMessage } from './received.js'
import { sqsFailure } from './sqs-failure.js'

/** One polled queue at run time. */
interface PolledQueue {
  settings: QueueSettings
  info: QueueInfo
  /** Effective visibility timeout (configured, else the queue's). */
  visibilityTimeout: number
  maxMessages: number
  writes: QueueWrites
  /** FIFO: messages waiting behind their group's running message, by group id. */
  groups: Map<string, ReceivedMessage[]>
}

/** What each ReceiveMessage asks for: what a job's attempt number and `context.delivery` are built from. */
export const RECEIVE_ATTRIBUTES = {
  MessageSystemAttributeNames: ['ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp', 'SenderId', 'MessageGroupId', 'SentTimestamp'],
  MessageAttributeNames: ['All'],
} satisfies Pick<ReceiveMessageCommandInput, 'MessageSystemAttributeNames' | 'MessageAttributeNames'>

/** The abort reason running jobs see when the shutdown timeout passes. */
const ABANDONED = new Error('The poller is shutting down')

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

/** Counters since start. */
export interface PollerStats {
  received: number
  running: number
  completed: number
  retried: number
  failed: number
  discarded: number
  delayed: number
}

/**
 * Polls SQS queues and runs their jobs.
 *
 * - Continuous bounded concurrency: slots are taken before each ReceiveMessage and given back as each job
 *   ends, so there are never more than `concurrency` messages in hand and a slow job never holds up the others.
 * - Deletes after success, in DeleteMessageBatch calls, failed entries retried.
 * - Failures: the job's retry policy sets the next visibility (backoff from the receive count); without a
 *   policy the queue's visibility timeout and redrive policy decide.
 * - FIFO: one message per group at a time, in order; different groups in parallel.
 * - Long jobs: the visibility timeout is extended while they run.
 * - stop(): no more receives (a waiting long poll is aborted), running jobs get `shutdownTimeout` seconds,
 *   then their AbortSignal fires and their messages are made visible at once.
 *
 * @example
 * const poller = new Poller({ registry, logger })
 * poller.on('failed', ({ error, message }) => alert(error, message.messageId))
 * await poller.start()
 * process.once('SIGTERM', () => poller.stop())
 */
export class Poller extends EventEmitter<PollerEvents> {
  /** The resolved queue configuration. */
  readonly config: QueueConfig
  /** The SQS client in use. */
  readonly client: SQSClient
  readonly #ownsClient: boolean
  readonly #options: PollerOptions
  readonly #registry: JobRegistry
  readonly #allowlist: JobAllowlist | undefined
  readonly #logger: JobLogger
  readonly #now: () => number
  readonly #slots: Slots
  readonly #queues: PolledQueue[] = []
  readonly #running = new Set<RunningJob>()
  readonly #settling = new Set<Promise<void>>()
  readonly #receiveAbort = new AbortController()
  readonly #loops: Promise<void>[] = []
  readonly #jobsChanged: Array<() => void> = []
  /** FIFO messages waiting behind their group's running message, with their visibility heartbeat. */
  readonly #waitingBeats = new Map<ReceivedMessage, NodeJS.Timeout>()
  #hurry: (() => void) | undefined
  #hurried = false
  #started = false
  #stopping = false
  #stopped: Promise<void> | undefined
  readonly #stats: Omit<PollerStats, 'running'> = { received: 0, completed: 0, retried: 0, failed: 0, discarded: 0, delayed: 0 }

  constructor(options: PollerOptions = {}) {
    super()
    this.#options = options
    this.config = options.config ?? loadQueueConfig(options.load)
    const concurrency = options.concurrency ?? this.config.concurrency
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new PollerConfigError(`concurrency must be a whole number >= 1, got ${concurrency}`)
    }
    checkRange('maxMessages', options.maxMessages, 1, 10)
    checkRange('visibilityTimeout', options.visibilityTimeout, 0, 43_200)
    checkRange('waitTimeSeconds', options.waitTimeSeconds, 0, 20)
    if (options.shutdownTimeout !== undefined && !(options.shutdownTimeout >= 0)) {
      throw new PollerConfigError(`shutdownTimeout must be a number of seconds >= 0, got ${options.shutdownTimeout}`)
    }
    this.#slots = new Slots(concurrency)
    this.#registry = options.registry ?? defaultRegistry
    this.#allowlist = toJobAllowlist(options.allowlist ?? this.config.jobClassAllowlist)
    this.#logger = options.logger ?? silentLogger
    this.#now = options.now ?? Date.now
    const load = options.load ?? {}
    this.client = options.client ?? createSqsClient(options.aws, 'poller', { env: load.env, cwd: load.cwd, nodeEnv: load.nodeEnv })
    this.#ownsClient = options.client === undefined
  }

  /** Counters since start, plus the jobs running now. */
  get stats(): PollerStats {
    return { ...this.#stats, running: this.#running.size }
  }

  /** Jobs that may run at once. */
  get concurrency(): number {
    return this.#slots.size
  }

  /**
   * Checks the queues (URL configured, attributes readable), warns about queues without a dead-letter
   * queue, and starts polling. Resolves once polling has begun; rejects on a configuration error.
   */
  async start(): Promise<void> {
    if (this.#started) throw new PollerConfigError('This poller was already started; create a new one to poll again.')
    this.#started = true
    const names = this.#options.queues?.length ? [...new Set(this.#options.queues)] : [...this.config.queues.keys()]
    if (names.length === 0) {
      throw new PollerConfigError(
        `No queue to poll: none is configured. Add "queues:" to ${this.config.file ?? 'config/aws_active_job_sqs.yml'} or set AWS_ACTIVE_JOB_SQS_<QUEUE>_URL.`,
      )
    }
    const settings = names.map((n) => this.config.queue(n))
    for (const s of settings) {
      const info = await readQueueInfo(this.client, s.url)
      const configured = this.#options.visibilityTimeout ?? s.visibilityTimeout
      this.#queues.push({
        settings: s,
        info,
        visibilityTimeout: configured ?? info.visibilityTimeout,
        maxMessages: this.#options.maxMessages ?? s.maxMessages,
        writes: new QueueWrites(this.client, s.url),
        groups: new Map(),
      })
      if (!info.deadLetter) {
        this.#logger.warn(
          { queue: s.name, queue_url: s.url },
          `Queue ${s.name} has no dead-letter queue (RedrivePolicy): a message that always fails, cannot be parsed or names an unknown job is received again and again until its retention period ends. Add a RedrivePolicy.`,
        )
      }
    }
    // stop() may have been called while the queues were being read: then there is nothing to start.
    if (this.#stopping) return
    const wait = this.#options.waitTimeSeconds ?? 20
    for (const q of this.#queues) {
      const receivers = this.#options.receiversPerQueue ?? Math.min(8, Math.max(1, Math.ceil(this.#slots.size / q.maxMessages)))
      for (let i = 0; i < receivers; i++) this.#loops.push(this.#receiveLoop(q, wait))
    }
    this.#logger.info(
      {
        queues: this.#queues.map((q) => ({ name: q.settings.name, url: q.settings.url, fifo: q.settings.fifo, visibility_timeout: q.visibilityTimeout })),
        concurrency: this.#slots.size,
      },
      `Polling ${this.#queues.map((q) => q.settings.name).join(', ')} with up to ${this.#slots.size} jobs at once`,
    )
    this.emit('ready')
  }

  /**
   * Stops: no more receives, running jobs get `timeoutSeconds` (default `shutdownTimeout`) to finish, then
   * they are aborted and their messages made visible again at once. Resolves when every pending delete and
   * visibility change has ended. Calling it again while stopping shortens the wait to `timeoutSeconds`.
   */
  stop(timeoutSeconds?: number): Promise<void> {
    if (this.#stopped) {
      if (timeoutSeconds === 0) {
        this.#hurried = true
        this.#hurry?.()
      }
      return this.#stopped
    }
    const timeout = timeoutSeconds ?? this.#options.shutdownTimeout ?? this.config.shutdownTimeout
    this.#stopped = this.#shutdown(timeout)
    return this.#stopped
  }

  /** Resolves when the poller has stopped (after stop()). */
  async closed(): Promise<void> {
    while (!this.#stopped) await new Promise<void>((r) => this.once('closing', () => r()))
    await this.#stopped
  }

  async #shutdown(timeoutSeconds: number): Promise<void> {
    this.#stopping = true
    this.emit('closing')
    this.#logger.info({ running: this.#running.size, timeout_s: timeoutSeconds }, 'Stopping: no more receives; waiting for running jobs')
    this.#receiveAbort.abort()
    for (const q of this.#queues) {
      for (const waiting of q.groups.values()) this.#release(q, waiting.splice(0))
    }
    await Promise.all(this.#loops)
    if (this.#running.size > 0) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        this.#allJobsEnded(),
        new Promise<void>((r) => (timer = setTimeout(r, this.#hurried ? 0 : timeoutSeconds * 1000))),
        new Promise<void>((r) => (this.#hurry = r)),
      ])
      clearTimeout(timer)
    }
    if (this.#running.size > 0) {
      this.#logger.warn({ jobs: this.#running.size }, `Shutdown timeout (${timeoutSeconds} s): aborting the jobs still running and making their messages visible again`)
      for (const r of this.#running) {
        r.abandoned = true
        // The heartbeat would hide the message again; a job that ignores its signal keeps running unwatched.
        clearInterval(r.heartbeat)
        r.controller?.abort(ABANDONED)
        this.#track(this.#changeVisibility(r.queue, r.message, 0))
      }
    }
    while (this.#settling.size > 0) await Promise.all(this.#settling)
    await Promise.all(this.#queues.map((q) => q.writes.drain()))
    if (this.#ownsClient) this.client.destroy()
    this.#logger.info(this.stats, 'Poller stopped')
    this.emit('closed')
  }

  async #receiveLoop(q: PolledQueue, waitTimeSeconds: number): Promise<void> {
    const signal = this.#receiveAbort.signal
    let failures = 0
    while (!this.#stopping) {
      const n = await this.#slots.take(q.maxMessages, signal)
      if (n === 0) break
      let messages: Message[]
      try {
        const res = await this.client.send(
          new ReceiveMessageCommand({
            QueueUrl: q.settings.url,
            MaxNumberOfMessages: n,
            WaitTimeSeconds: waitTimeSeconds,
            VisibilityTimeout: this.#options.visibilityTimeout ?? q.settings.visibilityTimeout,
            // Only what DeliveryInfo and FIFO need: every extra attribute costs parsing on each message.
            ...RECEIVE_ATTRIBUTES,
          }),
          { abortSignal: signal },
        )
        messages = uniqueById(res.Messages ?? [])
        failures = 0
      } catch (error) {
        this.#slots.release(n)
        if (signal.aborted) break
        failures++
        this.#error(sqsFailure('ReceiveMessage', q.settings.name, error))
        await sleep(Math.min(30_000, 500 * 2 ** (failures - 1)), signal)
        continue
      }
      this.#slots.release(n - messages.length)
      if (messages.length === 0) {
        this.emit('drained', q.settings.name)
        continue
      }
      const received = messages.map((m) => receivedMessage(q.settings.name, q.settings.url, m))
      this.#stats.received += received.length
      if (this.#stopping) {
        // Arrived while stopping: hand them straight back.
        this.#release(q, received)
        break
      }
      if (q.settings.fifo) for (const m of received) this.#enqueueInGroup(q, m)
      else for (const m of received) void this.#processAndRelease(q, m)
    }
  }

  /** FIFO: runs messages of one group one after another, in the order received. */
  #enqueueInGroup(q: PolledQueue, m: ReceivedMessage): void {
    const key = m.groupId ?? ''
    const waiting = q.groups.get(key)
    if (waiting) {
      // It may wait behind a long job of its group: keep it hidden meanwhile, as a running job is.
      const beat = this.#heartbeat(q, m)
      if (beat) this.#waitingBeats.set(m, beat)
      waiting.push(m)
      return
    }
    const queue: ReceivedMessage[] = []
    q.groups.set(key, queue)
    void (async () => {
      let next: ReceivedMessage | undefined = m
      while (next) {
        const ranThrough = await this.#processSafely(q, next)
        this.#slots.release()
        if (!ranThrough) {
          // The group's head stays in SQS; the ones behind it must not overtake it.
          this.#release(q, queue.splice(0))
        }
        next = this.#stopping ? undefined : queue.shift()
        if (next) this.#stopWaitingBeat(next)
      }
      this.#release(q, queue.splice(0))
      q.groups.delete(key)
    })()
  }

  /** Makes `messages` visible again at once and gives their slots back. */
  #release(q: PolledQueue, messages: ReceivedMessage[]): void {
    for (const m of messages) {
      this.#stopWaitingBeat(m)
      this.#track(this.#changeVisibility(q, m, 0))
      this.#slots.release()
    }
  }

  /** {@link #processSafely}, then the message's slot is given back (one async frame: this runs for every message). */
  async #processAndRelease(q: PolledQueue, m: ReceivedMessage): Promise<void> {
    try {
      await this.#process(q, m)
    } catch (error) {
      this.#unexpected(error as Error, m)
    } finally {
      this.#slots.release()
    }
  }

  /** {@link #process}, where an unexpected throw (a throwing event listener, say) is reported, not fatal. */
  async #processSafely(q: PolledQueue, m: ReceivedMessage): Promise<boolean> {
    try {
      return await this.#process(q, m)
    } catch (error) {
      this.#unexpected(error as Error, m)
      return false
    }
  }

  #unexpected(error: Error, m: ReceivedMessage): void {
    this.#logger.error({ err: error, message_id: m.messageId }, 'Unexpected error while handling a message; it stays in the queue')
    if (this.listenerCount('error') > 0) this.emit('error', error)
  }

  /**
   * Runs one message. Resolves when the job has ended (deletes and events follow in the background):
   * true when the message is done with (succeeded, discarded, delayed, dead-lettered), false when it stays.
   */
  async #process(q: PolledQueue, m: ReceivedMessage): Promise<boolean> {
    let prepared: PreparedJob
    try {
      prepared = prepareJob(m.body, this.#registry, this.#allowlist)
    } catch (error) {
      if (!isPermanentFailure(error)) throw error
      return this.#permanentFailure(q, m, error as Error)
    }
    if (!q.settings.fifo) {
      const remaining = remainingDelaySeconds(prepared.envelope.scheduled_at, this.#now())
      if (remaining > 0) return this.#delay(q, m, prepared, remaining)
    }
    const running: RunningJob = { message: m, queue: q, controller: undefined, abandoned: false, heartbeat: this.#heartbeat(q, m) }
    this.#running.add(running)
    // A job that first reads its signal after being abandoned gets one that is already aborted.
    const signal = (): AbortSignal =>
      running.abandoned ? AbortSignal.abort(ABANDONED) : (running.controller = new AbortController()).signal
    let run: JobRun
    try {
      this.emit('active', m, prepared.envelope.job_id, prepared.envelope.job_class)
      run = await performJob(prepared, { logger: this.#logger, signal, delivery: deliveryOf(m) })
    } finally {
      clearInterval(running.heartbeat)
      this.#running.delete(running)
      if (this.#jobsChanged.length > 0) for (const notify of this.#jobsChanged.splice(0)) notify()
    }
    if (running.abandoned) return false
    switch (run.outcome) {
      case 'succeeded':
        this.#stats.completed++
        this.#deleteThen(q, m, () => this.emit('completed', run, m))
        return true
      case 'discarded':
        this.#stats.discarded++
        this.#deleteThen(q, m, () => this.emit('discarded', run, m))
        return true
      case 'retry':
        this.#stats.retried++
        this.#track(
          (run.delaySeconds === undefined ? Promise.resolve() : this.#changeVisibility(q, m, run.delaySeconds)).then(
            () => void this.emit('retrying', run, m),
          ),
        )
        return false
      case 'failed': {
        this.#stats.failed++
        const error = run.error ?? new Error('failed')
        if (q.info.deadLetter && (this.#options.deadLetter ?? 'move') === 'move') {
          this.#track(this.#deadLetter(q, m, error, run))
          return true
        }
        this.emit('failed', { message: m, error, run, permanent: false, action: 'left' })
        return false
      }
    }
  }

  /** A message that can never run: the handler (default: leave it for the redrive policy) decides. */
  async #permanentFailure(q: PolledQueue, m: ReceivedMessage, error: Error): Promise<boolean> {
    this.#stats.failed++
    let action: PermanentFailureAction = 'leave'
    const handler: PermanentFailureHandler | undefined = this.#options.onPermanentFailure
    if (handler) {
      try {
        action = (await handler(error, m)) ?? 'leave'
      } catch (handlerError) {
        this.#logger.error({ err: handlerError, message_id: m.messageId }, 'onPermanentFailure threw; leaving the message')
      }
    }
    if (action === 'dead-letter' && !q.info.deadLetter) {
      this.#logger.warn({ queue: q.settings.name }, `onPermanentFailure asked for 'dead-letter' but queue ${q.settings.name} has none; leaving the message`)
      action = 'leave'
    }
    this.#logger.error(
      { err: error, queue: q.settings.name, message_id: m.messageId, receive_count: m.receiveCount, body: m.body.slice(0, 1024), action },
      `Message ${m.messageId} can never run (${error.message}); ${action === 'leave' ? 'left for the redrive policy' : action === 'delete' ? 'deleted' : 'moved to the dead-letter queue'}`,
    )
    if (action === 'dead-letter') {
      this.#track(this.#deadLetter(q, m, error, undefined, true))
      return true
    }
    if (action === 'delete') {
      this.#track(this.#delete(q, m).then(() => void this.emit('failed', { message: m, error, permanent: true, action: 'deleted' })))
      return true
    }
    this.emit('failed', { message: m, error, permanent: true, action: 'left' })
    return false
  }

  /** An early job (scheduled more than 900 s ahead): send a copy that waits, then delete this one. */
  async #delay(q: PolledQueue, m: ReceivedMessage, prepared: PreparedJob, remaining: number): Promise<boolean> {
    try {
      await sendBackToWait(this.client, q.settings.url, { body: m.body, attributes: m.raw.MessageAttributes }, remaining)
    } catch (error) {
      this.#error(sqsFailure('SendMessage (re-schedule)', q.settings.name, error))
      return false
    }
    this.#stats.delayed++
    this.#track(
      this.#delete(q, m).then(() => void this.emit('delayed', { message: m, jobId: prepared.envelope.job_id, remainingSeconds: remaining })),
    )
    return true
  }

  async #deadLetter(q: PolledQueue, m: ReceivedMessage, error: Error, run?: JobRun, permanent = false): Promise<void> {
    try {
      await moveToDeadLetter(this.client, q.info.deadLetter!.url, { body: m.body, attributes: m.raw.MessageAttributes, messageId: m.messageId, groupId: m.groupId }, error)
    } catch (sendFailure) {
      this.#error(sqsFailure('SendMessage (dead-letter)', q.settings.name, sendFailure))
      this.emit('failed', { message: m, error, ...(run ? { run } : {}), permanent, action: 'left' })
      return
    }
    await this.#delete(q, m)
    this.emit('failed', { message: m, error, ...(run ? { run } : {}), permanent, action: 'dead-lettered' })
  }

  /**
   * Deletes `m`, then calls `then` (whether or not the delete went through: a failed delete is logged, and the job
   * did run). The hot path of every successful job, so callbacks, not a chain of promises; `stop()` waits for it
   * through the batcher's drain.
   */
  #deleteThen(q: PolledQueue, m: ReceivedMessage, then: () => void): void {
    q.writes.deleteThen(m.receiptHandle, (r) => {
      try {
        if (!r.ok) this.#error(sqsFailure('DeleteMessage', q.settings.name, r.cause ?? r, m.messageId))
        then()
      } catch (error) {
        // A throwing event listener: reported like any other unexpected error, never thrown into the batcher.
        try {
          this.#error(error as Error)
        } catch {
          // The 'error' listener threw too; #error logged the error before calling it.
        }
      }
    })
  }

  async #delete(q: PolledQueue, m: ReceivedMessage): Promise<void> {
    const r = await q.writes.delete(m.receiptHandle)
    if (!r.ok) this.#error(sqsFailure('DeleteMessage', q.settings.name, r.cause ?? r, m.messageId))
  }

  async #changeVisibility(q: PolledQueue, m: ReceivedMessage, seconds: number): Promise<void> {
    const r = await q.writes.changeVisibility(m.receiptHandle, seconds)
    if (!r.ok) this.#error(sqsFailure('ChangeMessageVisibility', q.settings.name, r.cause ?? r, m.messageId))
  }

  #stopWaitingBeat(m: ReceivedMessage): void {
    clearInterval(this.#waitingBeats.get(m))
    this.#waitingBeats.delete(m)
  }

  /** Extends the visibility of a running job's message every third of its timeout. */
  #heartbeat(q: PolledQueue, m: ReceivedMessage): NodeJS.Timeout | undefined {
    const option = this.#options.heartbeatSeconds
    if (option === false || q.visibilityTimeout <= 0) return undefined
    const everyMs = option !== undefined ? option * 1000 : Math.max(200, (q.visibilityTimeout * 1000) / 3)
    const timer = setInterval(() => this.#track(this.#changeVisibility(q, m, q.visibilityTimeout)), everyMs)
    timer.unref()
    return timer
  }

  #allJobsEnded(): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.#running.size === 0) resolve()
        else this.#jobsChanged.push(check)
      }
      check()
    })
  }

  /** Keeps a background write's promise until it settles, so stop() can wait for it. */
  #track(p: Promise<void>): void {
    const tracked = p.catch((error: unknown) => this.#error(error as Error)).finally(() => this.#settling.delete(tracked))
    this.#settling.add(tracked)
  }

  /** Logs an SQS failure and emits 'error' when someone listens (an unheard 'error' must not crash the process). */
  #error(error: Error): void {
    this.#logger.error({ err: error }, error.message)
    if (this.listenerCount('error') > 0) this.emit('error', error)
  }
}

function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PollerConfigError(`${name} must be a whole number from ${min} to ${max}, got ${value}`)
  }
}

function uniqueById(messages: Message[]): Message[] {
  const seen = new Set<string>()
  return messages.filter((m) => (m.MessageId && seen.has(m.MessageId) ? false : (seen.add(m.MessageId ?? ''), true)))
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}
