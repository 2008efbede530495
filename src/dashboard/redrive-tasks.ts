// "Redrive all" runs in the background, one at a time per dead-letter queue; its page polls the progress.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { SQSClient } from '@aws-sdk/client-sqs'
import { DashboardConflictError } from '../errors.js'
import type { JobLogger } from '../jobs/index.js'
import type { DeadLetterQueue } from './queues.js'
import { moveMessages, moveTaskStatus, startMoveTask } from './sqs/move.js'
import { readQueueAttributes } from './sqs/queue-attributes.js'

/** How a redrive moves messages. */
export type RedriveMethod = 'StartMessageMoveTask' | 'receive/send/delete'

/** One redrive of a whole dead-letter queue. */
export interface RedriveTask {
  id: string
  deadLetter: string
  target: string
  method: RedriveMethod | undefined
  state: 'running' | 'done' | 'failed' | 'stopped'
  moved: number
  failed: number
  /** Messages in the dead-letter queue when it started (visible + in flight). */
  total: number
  /** Why StartMessageMoveTask was not used, a refused message's error, or why the task failed. */
  note: string | undefined
  startedAt: number
  finishedAt: number | undefined
}

/** Most finished tasks remembered (their pages stay readable). */
const KEEP = 50

/** Redrives running and recently finished. `close()` stops the running ones after their current batch. */
export class RedriveTasks {
  readonly #tasks = new Map<string, RedriveTask>()
  readonly #running = new Set<Promise<void>>()
  readonly #stop = new AbortController()
  readonly #sqs: SQSClient
  readonly #log: JobLogger
  /** Seconds between ListMessageMoveTasks polls of an SQS move task. */
  readonly #pollSeconds: number

  constructor(sqs: SQSClient, log: JobLogger, pollSeconds = 2) {
    this.#sqs = sqs
    this.#log = log
    this.#pollSeconds = pollSeconds
  }

  /** The task `id`, if remembered. */
  get(id: string): RedriveTask | undefined {
    return this.#tasks.get(id)
  }

  /** Tasks, newest first. */
  list(): RedriveTask[] {
    return [...this.#tasks.values()].reverse()
  }

  /** Starts moving every message of `dlq` back to `target`; a redrive of `dlq` already running is a 409. */
  start(dlq: DeadLetterQueue, target: DeadLetterQueue['sources'][number]): RedriveTask {
    const busy = [...this.#tasks.values()].find((t) => t.deadLetter === dlq.name && t.state === 'running')
    if (busy !== undefined) throw new DashboardConflictError(`A redrive of ${dlq.name} is already running (task ${busy.id}); wait for it to finish.`)
    const task: RedriveTask = {
      id: randomUUID(),
      deadLetter: dlq.name,
      target: target.name,
      method: undefined,
      state: 'running',
      moved: 0,
      failed: 0,
      total: 0,
      note: undefined,
      startedAt: Date.now(),
      finishedAt: undefined,
    }
    this.#tasks.set(task.id, task)
    this.#forgetOld()
    const run = this.#run(task, dlq, target)
      .catch((err: unknown) => {
        const e = err as Error
        task.state = this.#stop.signal.aborted ? 'stopped' : 'failed'
        task.note = `${e.name}: ${e.message}`
        this.#log.error({ err: e, deadLetter: dlq.name }, `redrive of ${dlq.name} failed`)
      })
      .finally(() => {
        task.finishedAt = Date.now()
        this.#running.delete(run)
      })
    this.#running.add(run)
    return task
  }

  async #run(task: RedriveTask, dlq: DeadLetterQueue, target: DeadLetterQueue['sources'][number]): Promise<void> {
    const counts = (await readQueueAttributes(this.#sqs, dlq.url)).counts
    task.total = counts.visible + counts.inFlight
    if (target.arn !== undefined) {
      const started = await startMoveTask(this.#sqs, dlq.arn, target.arn)
      if ('taskHandle' in started) {
        task.method = 'StartMessageMoveTask'
        await this.#follow(task, dlq.arn, started.taskHandle)
        return
      }
      task.note = `StartMessageMoveTask is not available here (${started.unavailable}); moving message by message`
    }
    task.method = 'receive/send/delete'
    const moved = await moveMessages(this.#sqs, {
      from: dlq.url,
      to: target.url,
      toFifo: target.fifo,
      limit: task.total,
      signal: this.#stop.signal,
      onProgress: (p) => {
        task.moved = p.moved
        task.failed = p.failed
      },
    })
    task.moved = moved.moved
    task.failed = moved.failed
    if (moved.lastError !== undefined) task.note = moved.lastError
    task.state = this.#stop.signal.aborted ? 'stopped' : 'done'
  }

  /** Polls SQS's own move task until it ends. */
  async #follow(task: RedriveTask, sourceArn: string, handle: string): Promise<void> {
    for (;;) {
      const status = await moveTaskStatus(this.#sqs, sourceArn, handle)
      if (status !== undefined) {
        task.moved = status.moved
        if (status.toMove !== undefined) task.total = status.toMove
        if (status.failureReason) task.note = status.failureReason
        if (status.status === 'COMPLETED') return void (task.state = 'done')
        if (status.status === 'FAILED' || status.status === 'CANCELLED') return void (task.state = 'failed')
      }
      if (this.#stop.signal.aborted) return void (task.state = 'stopped')
      await sleep(this.#pollSeconds * 1000, undefined, { signal: this.#stop.signal }).catch(() => undefined)
    }
  }

  #forgetOld(): void {
    for (const [id, t] of this.#tasks) {
      if (this.#tasks.size <= KEEP) break
      if (t.state !== 'running') this.#tasks.delete(id)
    }
  }

  /** Stops running moves after their batch in flight (held messages come back) and waits for them. */
  async close(): Promise<void> {
    this.#stop.abort()
    await Promise.all(this.#running)
  }
}
