// The long-running SQS consumer: keeps up to `concurrency` jobs running, refilling as each one finishes. This file
// puts the parts together and owns start and stop; receiving, FIFO groups, heartbeats, runs and what happens to a
// message afterwards each live in a file of their own.
import { EventEmitter } from 'node:events'
import type { SQSClient } from '@aws-sdk/client-sqs'
import { PollerConfigError } from '../errors.js'
import { defaultRegistry, silentLogger, toJobAllowlist, type JobLogger } from '../jobs/index.js'
import { loadQueueConfig, type QueueConfig } from '../queue/index.js'
import { createSqsClient, receiveTimeoutMs, Slots } from '../sqs/index.js'
import type { PollerEvents } from './events.js'
import { FifoGroups } from './fifo-groups.js'
import { Heartbeats } from './heartbeat.js'
import { checkPollerOptions, type PollerOptions } from './options.js'
import { openQueue, type PolledQueue } from './polled-queue.js'
import type { ReceivedMessage } from './received.js'
import { receiveLoop, type ReceiveLoopParts } from './receive-loop.js'
import { MessageRunner, type PollerCounters } from './run-message.js'
import { Settler } from './settle.js'
import { deprecatedOption, LOAD_OPTION_RENAMED } from '../deprecations.js'

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
  readonly #logger: JobLogger
  readonly #slots: Slots
  readonly #settle: Settler
  readonly #heartbeats: Heartbeats
  readonly #runner: MessageRunner
  readonly #groups: FifoGroups
  readonly #queues: PolledQueue[] = []
  readonly #receiveAbort = new AbortController()
  readonly #loops: Promise<void>[] = []
  /** Seconds an SQS call may take (a long poll: its wait on top). */
  readonly #callTimeout: number
  #hurry: (() => void) | undefined
  #hurried = false
  #started = false
  #stopping = false
  #stopped: Promise<void> | undefined
  readonly #stats: PollerCounters = { received: 0, completed: 0, retried: 0, failed: 0, discarded: 0, delayed: 0 }

  constructor(options: PollerOptions = {}) {
    super()
    this.#options = options
    const load = options.configLoad ?? deprecatedOption(options.load, LOAD_OPTION_RENAMED, 'Poller') ?? {}
    this.config = options.config ?? loadQueueConfig(load)
    this.#slots = new Slots(checkPollerOptions(options, this.config.concurrency))
    this.#logger = options.logger ?? silentLogger
    this.#callTimeout = options.callTimeoutSeconds ?? this.config.callTimeout
    this.client =
      options.client ??
      createSqsClient(options.aws, 'poller', { env: load.env, cwd: load.cwd, nodeEnv: load.nodeEnv }, { callTimeoutSeconds: this.#callTimeout })
    this.#ownsClient = options.client === undefined
    this.#settle = new Settler(this.client, (error) => this.#error(error))
    this.#heartbeats = new Heartbeats(this.#settle, options.heartbeatSeconds)
    this.#runner = new MessageRunner({
      events: this,
      logger: this.#logger,
      registry: options.registry ?? defaultRegistry,
      allowlist: toJobAllowlist(options.allowlist ?? this.config.jobClassAllowlist),
      now: options.now ?? Date.now,
      options,
      settle: this.#settle,
      heartbeats: this.#heartbeats,
      slots: this.#slots,
      stats: this.#stats,
    })
    this.#groups = new FifoGroups({
      run: (q, m) => this.#runner.run(q, m),
      release: (q, messages) => this.#release(q, messages),
      slots: this.#slots,
      heartbeats: this.#heartbeats,
      stopping: () => this.#stopping,
    })
  }

  /** Counters since start, plus the jobs running now. */
  get stats(): PollerStats {
    return { ...this.#stats, running: this.#runner.running }
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
    // SQS may be unreachable for a while at start (a container up before its network, an endpoint still starting):
    // retry with backoff up to startup_timeout, saying each time which call on which queue failed.
    const startup = { timeoutSeconds: this.#options.startupTimeoutSeconds ?? this.config.startupTimeout, signal: this.#receiveAbort.signal }
    for (const s of settings) this.#queues.push(await openQueue(this.client, s, this.#options, this.#logger, startup))
    // stop() may have been called while the queues were being read: then there is nothing to start.
    if (this.#stopping) return
    const loop = this.#loopParts()
    for (const q of this.#queues) {
      const receivers = this.#options.receiversPerQueue ?? Math.min(8, Math.max(1, Math.ceil(this.#slots.size / q.maxMessages)))
      for (let i = 0; i < receivers; i++) this.#loops.push(receiveLoop(q, loop))
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

  /** What every receive loop of this poller works with. */
  #loopParts(): ReceiveLoopParts {
    const runner = this.#runner
    const groups = this.#groups
    return {
      client: this.client,
      slots: this.#slots,
      signal: this.#receiveAbort.signal,
      waitTimeSeconds: this.#options.waitTimeSeconds ?? 20,
      receiveTimeoutMs: receiveTimeoutMs(this.client, this.#options.waitTimeSeconds ?? 20, this.#callTimeout),
      visibilityTimeout: this.#options.visibilityTimeout,
      stopping: () => this.#stopping,
      dispatch: (q, messages) => {
        if (q.settings.fifo) for (const m of messages) groups.add(q, m)
        else for (const m of messages) void runner.runAndRelease(q, m)
      },
      release: (q, messages) => this.#release(q, messages),
      drained: (q) => void this.emit('drained', q.settings.name),
      report: (error) => this.#error(error),
      stats: this.#stats,
    }
  }

  async #shutdown(timeoutSeconds: number): Promise<void> {
    this.#stopping = true
    this.emit('closing')
    this.#logger.info({ running: this.#runner.running, timeout_s: timeoutSeconds }, 'Stopping: no more receives; waiting for running jobs')
    this.#receiveAbort.abort()
    this.#groups.releaseWaiting(this.#queues)
    await Promise.all(this.#loops)
    if (this.#runner.running > 0) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        this.#runner.allEnded(),
        new Promise<void>((r) => (timer = setTimeout(r, this.#hurried ? 0 : timeoutSeconds * 1000))),
        new Promise<void>((r) => (this.#hurry = r)),
      ])
      clearTimeout(timer)
    }
    if (this.#runner.running > 0) {
      this.#logger.warn({ jobs: this.#runner.running }, `Shutdown timeout (${timeoutSeconds} s): aborting the jobs still running and making their messages visible again`)
      this.#runner.abandonAll()
    }
    await this.#settle.drained(this.#queues)
    if (this.#ownsClient) this.client.destroy()
    this.#logger.info(this.stats, 'Poller stopped')
    this.emit('closed')
  }

  /** Makes `messages` visible again at once and gives their slots back. */
  #release(q: PolledQueue, messages: ReceivedMessage[]): void {
    for (const m of messages) {
      this.#heartbeats.stopWaiting(m)
      this.#settle.track(this.#settle.changeVisibility(q, m, 0))
      this.#slots.release()
    }
  }

  /** Logs an SQS failure and emits 'error' when someone listens (an unheard 'error' must not crash the process). */
  #error(error: Error): void {
    this.#logger.error({ err: error }, error.message)
    if (this.listenerCount('error') > 0) this.emit('error', error)
  }
}
