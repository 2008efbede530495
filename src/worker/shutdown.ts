// The worker's close: new sqsd requests get 503, running jobs get shutdown_timeout seconds to finish, then their
// AbortSignal fires so cooperative jobs stop; close waits until every job has given its capacity slot back.
import type { FastifyBaseLogger } from 'fastify'
import { JobAbortedError } from '../errors.js'
import type { Slots } from '../sqs/index.js'

/** Close state shared by the route handler and the plugin's close hooks. */
export class WorkerShutdown {
  /** True once close began. */
  closing = false
  /** Set when shutdown_timeout has passed: the reason every job's signal is aborted with. */
  abortReason: Error | undefined
  readonly #controllers = new Set<AbortController>()
  readonly #capacity: Slots
  readonly #log: FastifyBaseLogger
  #abortTimer: NodeJS.Timeout | undefined

  constructor(capacity: Slots, log: FastifyBaseLogger) {
    this.#capacity = capacity
    this.#log = log
  }

  /** A running job's AbortController, aborted at the deadline; {@link forget} it when the job ends. */
  controller(): AbortController {
    const controller = new AbortController()
    this.#controllers.add(controller)
    return controller
  }

  /** The job of `controller` ended. */
  forget(controller: AbortController): void {
    this.#controllers.delete(controller)
  }

  /** preClose: refuse new jobs; abort the running ones after `timeoutSeconds`. */
  begin(timeoutSeconds: number): void {
    this.closing = true
    const capacity = this.#capacity
    this.#abortTimer = setTimeout(() => {
      this.abortReason = new JobAbortedError('worker shutting down')
      if (capacity.used > 0) this.#log.warn({ jobs: capacity.used }, 'Shutdown timeout reached; aborting running jobs')
      for (const c of this.#controllers) c.abort(this.abortReason)
    }, timeoutSeconds * 1000)
    // Not unref'd: while close waits for jobs, this timer may be the only thing left to end a job that waits on its
    // signal; unref'd, the event loop could empty and the process exit with the job unfinished. end() clears it.
  }

  /** onClose: resolves when every running job has finished. */
  async end(): Promise<void> {
    const capacity = this.#capacity
    if (capacity.used > 0) this.#log.info({ jobs: capacity.used }, 'Waiting for running jobs to finish')
    await capacity.idle()
    clearTimeout(this.#abortTimer)
  }
}
