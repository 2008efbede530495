// A local stand-in for Elastic Beanstalk's aws-sqsd: long-polls the worker queue, POSTs each message to the app
// with the real headers, deletes only on 200, and enqueues cron.yaml tasks.
import { setMaxListeners } from 'node:events'
import type { Agent } from 'node:http'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs'
import type { JobLogger } from '../jobs/index.js'
import type { CronEntry } from '../config/index.js'
import { QueueWrites, receiveTimeoutMs, sendScheduledTask, Slots } from '../sqs/index.js'
import type { Clock } from './clock.js'
import { CronScheduler } from './cron-scheduler.js'
import { queueNameOf, sqsdRequest } from './headers.js'
import { checkWorkerQueue } from './queue-check.js'
import { createSqsdAgent, postToApp, type PostOutcome } from './http-post.js'
import type { SqsdSettings } from './options.js'


/** What the daemon needs. */
export interface SqsdDaemonOptions {
  /** SQS client (its endpoint must be set for emulators: their queue URLs do not resolve). Not destroyed by the daemon. */
  sqs: SQSClient
  /** WorkerQueueURL. */
  queueUrl: string
  settings: SqsdSettings
  logger: JobLogger
  /** cron.yaml entries this daemon schedules (it acts as EB's leader). */
  cron?: readonly CronEntry[]
  /** Injectable time for the cron scheduler. */
  clock?: Clock
  /** Seconds `stop()` waits for POSTs in flight before aborting them (their messages come back after VisibilityTimeout). */
  drainTimeout?: number
}

/** Counters since start. */
export interface SqsdStats {
  received: number
  /** Answered 200 and deleted. */
  succeeded: number
  /** Any other status, a timeout or a connection error. */
  failed: number
  /** POSTs in flight now. */
  inFlight: number
  /** Most POSTs that were ever in flight at once. */
  maxInFlight: number
}

const RECEIVE_BATCH = 10
const MAX_BACKOFF_MS = 20_000

/**
 * The daemon. `start()` checks the queue and starts polling; `stop()` stops receiving, lets POSTs in flight
 * finish (up to `drainTimeout`) and cancels the cron timers. It never deletes a message the app did not
 * answer 200 to: a failed one is made visible again after ErrorVisibilityTimeout, and after MaxRetries
 * receives the queue's redrive policy moves it to the dead-letter queue.
 */
export class SqsdDaemon {
  readonly #o: SqsdDaemonOptions
  readonly #s: SqsdSettings
  readonly #log: JobLogger
  readonly #queueName: string
  readonly #slots: Slots
  readonly #agent: Agent
  /** Deletes after a 200 and visibility changes after a failure, in batches of 10 as aws-sqsd sends them. */
  readonly #writes: QueueWrites
  /** A long poll's time limit when the client honours one (made by createSqsClient), so a dead connection fails it. */
  readonly #receiveTimeout: number | undefined
  readonly #stopPolling = new AbortController()
  readonly #abortPosts = new AbortController()
  readonly #pollers: Promise<void>[] = []
  #scheduler: CronScheduler | undefined
  #started = false
  #stopped: Promise<void> | undefined
  readonly #stats: SqsdStats = { received: 0, succeeded: 0, failed: 0, inFlight: 0, maxInFlight: 0 }

  constructor(options: SqsdDaemonOptions) {
    this.#o = options
    this.#s = options.settings
    this.#queueName = queueNameOf(options.queueUrl)
    this.#log = options.logger.child({ component: 'sqsd', queue: this.#queueName })
    this.#slots = new Slots(options.settings.httpConnections)
    this.#agent = createSqsdAgent(options.settings.httpConnections)
    this.#writes = new QueueWrites(options.sqs, options.queueUrl)
    this.#receiveTimeout = receiveTimeoutMs(options.sqs, options.settings.waitTime)
    // Every POST in flight and every poller listens on these signals: up to HttpConnections (100) listeners each.
    setMaxListeners(0, this.#stopPolling.signal, this.#abortPosts.signal)
  }

  /** A copy of the counters. */
  get stats(): SqsdStats {
    return { ...this.#stats }
  }

  /** The cron scheduler, when cron entries were given (for its `next` times). */
  get scheduler(): CronScheduler | undefined {
    return this.#scheduler
  }

  /**
   * Checks the queue (it exists; FIFO queues take no periodic tasks; warns without a redrive policy), then
   * starts one long-poller per 10 HttpConnections and the cron timers. Throws `DevConfigError` (see `checkWorkerQueue`).
   */
  async start(): Promise<void> {
    if (this.#started) return
    this.#started = true
    await checkWorkerQueue(
      this.#o.sqs,
      this.#o.queueUrl,
      { maxRetries: this.#s.maxRetries, periodicTasks: (this.#o.cron?.length ?? 0) > 0 },
      this.#log,
    )
    const pollers = Math.ceil(this.#s.httpConnections / RECEIVE_BATCH)
    for (let i = 0; i < pollers; i++) this.#pollers.push(this.#poll())
    const cron = this.#o.cron ?? []
    if (cron.length > 0) {
      this.#scheduler = new CronScheduler({
        entries: cron,
        logger: this.#o.logger,
        send: (entry, at) => sendScheduledTask(this.#o.sqs, this.#o.queueUrl, entry, at),
        ...(this.#o.clock ? { clock: this.#o.clock } : {}),
      })
      this.#scheduler.start()
    }
    this.#log.info(
      { url: this.#s.httpUrl.href, httpConnections: this.#s.httpConnections, pollers },
      `sqsd polling ${this.#queueName}, POSTing to ${this.#s.httpUrl.href}`,
    )
  }

  /** Stops polling and cron, waits for POSTs in flight (up to `drainTimeout`), then aborts the rest. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= this.#shutdown()
    return this.#stopped
  }

  async #shutdown(): Promise<void> {
    this.#stopPolling.abort()
    await this.#scheduler?.stop()
    await Promise.allSettled(this.#pollers)
    const drain = AbortSignal.timeout((this.#o.drainTimeout ?? 10) * 1000)
    if (this.#stats.inFlight > 0) this.#log.info({ inFlight: this.#stats.inFlight }, 'sqsd waiting for POSTs in flight')
    await this.#slots.idle(drain)
    if (this.#stats.inFlight > 0) {
      this.#log.warn({ inFlight: this.#stats.inFlight }, 'sqsd drain timeout: aborting POSTs; their messages return after VisibilityTimeout')
      this.#abortPosts.abort()
      await this.#slots.idle()
    }
    await this.#writes.drain()
    this.#agent.destroy()
    this.#log.info(this.stats, 'sqsd stopped')
  }

  async #poll(): Promise<void> {
    const stop = this.#stopPolling.signal
    let backoff = 0
    while (!stop.aborted) {
      // Take the slots first: never receive a message that cannot be POSTed at once.
      const slots = await this.#slots.take(RECEIVE_BATCH, stop)
      if (slots === 0) continue // stopping
      let messages: Message[]
      try {
        const out = await this.#o.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.#o.queueUrl,
            MaxNumberOfMessages: slots,
            WaitTimeSeconds: this.#s.waitTime,
            VisibilityTimeout: this.#s.visibilityTimeout,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          this.#receiveTimeout === undefined ? { abortSignal: stop } : { abortSignal: stop, requestTimeout: this.#receiveTimeout },
        )
        messages = out.Messages ?? []
        backoff = 0
      } catch (err) {
        this.#slots.release(slots)
        if (stop.aborted) return
        backoff = Math.min(MAX_BACKOFF_MS, backoff === 0 ? 1000 : backoff * 2)
        this.#log.error({ err, retryInMs: backoff }, 'sqsd ReceiveMessage failed')
        await sleep(backoff, undefined, { signal: stop }).catch(() => undefined)
        continue
      }
      this.#slots.release(slots - messages.length)
      this.#stats.received += messages.length
      for (const message of messages) {
        // #deliver settles every outcome itself; this catch only keeps a bug from crashing the process.
        void this.#deliver(message)
          .catch((err: unknown) => this.#log.error({ err, msgid: message.MessageId }, 'sqsd delivery failed unexpectedly'))
          .finally(() => this.#slots.release(1))
      }
    }
  }

  async #deliver(message: Message): Promise<void> {
    const request = sqsdRequest(message, this.#queueName, this.#s.httpUrl.pathname + this.#s.httpUrl.search, this.#s.mimeType)
    const job = request.taskName ?? jobClassOf(request.body)
    const receiveCount = Number(request.headers['X-Aws-Sqsd-Receive-Count'])
    const log = this.#log.child({ msgid: message.MessageId, job })
    for (const s of request.skipped) log.warn({ attribute: s.name }, `message attribute not sent as a header: ${s.reason}`)

    this.#stats.inFlight++
    this.#stats.maxInFlight = Math.max(this.#stats.maxInFlight, this.#stats.inFlight)
    const started = performance.now()
    let outcome: PostOutcome
    try {
      outcome = await postToApp(
        {
          url: this.#s.httpUrl,
          agent: this.#agent,
          connectTimeout: this.#s.connectTimeout,
          inactivityTimeout: this.#s.inactivityTimeout,
          signal: this.#abortPosts.signal,
        },
        request.path,
        request.headers,
        request.body,
      )
    } finally {
      this.#stats.inFlight--
    }
    const durationMs = Math.round(performance.now() - started)
    const status = outcome.kind === 'response' ? outcome.status : outcome.kind

    if (outcome.kind === 'response' && outcome.status === 200) {
      this.#stats.succeeded++
      log.info({ status, durationMs, receiveCount }, `${job ?? 'message'} → 200 in ${durationMs} ms`)
      // Off the delivery path: the slot is free for the next message while the delete is on its way. A delete
      // that fails only delays the message: it comes back after VisibilityTimeout and is POSTed again.
      this.#writes.deleteThen(message.ReceiptHandle ?? '', (r) => {
        if (!r.ok) log.error({ code: r.code, reason: r.message }, 'sqsd DeleteMessage failed; the message returns after VisibilityTimeout')
      })
      return
    }
    this.#stats.failed++
    const why = outcome.kind === 'response' ? outcome.text : outcome.error
    log.warn(
      { status, durationMs, receiveCount, reason: why, retryInS: this.#s.errorVisibilityTimeout },
      `${job ?? 'message'} → ${status} in ${durationMs} ms; visible again in ${this.#s.errorVisibilityTimeout} s (receive ${receiveCount} of MaxRetries ${this.#s.maxRetries})`,
    )
    // A failed visibility change only delays the retry: the message comes back after VisibilityTimeout instead.
    const r = await this.#writes.changeVisibility(message.ReceiptHandle ?? '', this.#s.errorVisibilityTimeout)
    if (!r.ok) log.error({ code: r.code, reason: r.message }, 'sqsd ChangeMessageVisibility failed; the message returns after VisibilityTimeout')
  }
}

/** `job_class` of a JSON job body, for the log; undefined for anything else. */
function jobClassOf(body: string): string | undefined {
  if (!body.startsWith('{')) return undefined
  try {
    const data = JSON.parse(body) as { job_class?: unknown }
    return typeof data.job_class === 'string' ? data.job_class : undefined
  } catch {
    return undefined
  }
}
