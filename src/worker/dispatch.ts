// The worker route's handler: an sqsd POST names a job (its body) or a periodic task (X-Aws-Sqsd-Taskname); it runs
// if it can ever run and a capacity slot is free, and sqsd gets its answer when the job ends (or at once, async).
import type { FastifyReply, FastifyRequest } from 'fastify'
import { toError } from '../errors.js'
import {
  envelopeFrom,
  performJob,
  permanentFailureKind,
  prepareJob,
  resolveJob,
  type JobAllowlist,
  type JobLogger,
  type JobRegistry,
  type JobRun,
  type PreparedJob,
} from '../jobs/index.js'
import { remainingDelaySeconds, type Slots } from '../sqs/index.js'
import type { WorkerRequeue } from './requeue.js'
import { sendLine, type RunAnswers, type RunKind } from './responses.js'
import type { WorkerShutdown } from './shutdown.js'
import { deliveryFromHeaders } from './sqsd-headers.js'

/** What the handler works with. */
export interface DispatchParts {
  registry: JobRegistry
  allowlist: JobAllowlist | undefined
  /** One slot per running job: none free is a 429. */
  capacity: Slots
  /** Answer 200 when a job is accepted, not when it ends. */
  jobsAsync: boolean
  shutdown: WorkerShutdown
  answers: RunAnswers
  /** The logger every job gets, or undefined for the request's own logger. */
  jobLogger: JobLogger | undefined
  /** Sends early jobs back to wait and failed jobs with a retry policy to run again. */
  requeue: WorkerRequeue
  /** Clock in epoch ms (tests inject a fake one). */
  now: () => number
}

/** The route handler for sqsd POSTs. */
export function sqsdHandler(parts: DispatchParts): (request: FastifyRequest, reply: FastifyReply) => void {
  const { registry, allowlist, capacity, jobsAsync, shutdown, answers, jobLogger, requeue, now } = parts

  /** An early job (scheduled past SQS's 900 s delay limit) goes back to its queue; sqsd deletes this one on 200. */
  const delay = async (prepared: PreparedJob, request: FastifyRequest, reply: FastifyReply, remaining: number): Promise<void> => {
    const { envelope } = prepared
    const sent = await requeue.sendBackToWait(envelope, request.body as string, deliveryFromHeaders(request.headers), remaining)
    if (sent.sent) {
      request.log.info({ job_class: envelope.job_class, job_id: envelope.job_id, remaining_s: remaining }, 'Job arrived before its scheduled_at; sent back to wait')
      sendLine(reply, 200, `Job ${envelope.job_class} is scheduled for ${envelope.scheduled_at}: sent back to its queue to wait ${Math.min(remaining, 900)} s more.`)
      return
    }
    request.log.error({ job_class: envelope.job_class, job_id: envelope.job_id, reason: sent.reason }, 'Job arrived before its scheduled_at and could not be sent back to wait')
    sendLine(reply, 500, `Job ${envelope.job_class} is scheduled for ${envelope.scheduled_at} but could not be sent back to wait: ${sent.reason}.`)
  }

  /** A failed run of a job with a retry policy, attempts left: enqueued again (retry_on), or why not. */
  const retryLater = async (prepared: PreparedJob, result: JobRun & { outcome: 'retry' }, request: FastifyRequest) => {
    const sent = await requeue.retry(prepared, result.delaySeconds ?? 0, now())
    const fields = { job_class: result.jobClass, job_id: result.jobId, attempt: result.attempt }
    if (sent.sent) request.log.info({ ...fields, delay_s: sent.delaySeconds }, `Job ${result.jobClass} enqueued again by its retry policy`)
    else request.log.error({ ...fields, reason: sent.reason }, `Job ${result.jobClass} failed and its retry could not be enqueued; sqsd will retry the message`)
    return sent
  }

  const resolve = (request: FastifyRequest, taskName: string | undefined): PreparedJob => {
    if (taskName) {
      const job = resolveJob(registry, taskName, allowlist)
      return { job, envelope: envelopeFrom({ job_class: taskName, queue_name: job.queueName }), args: [] }
    }
    return prepareJob((request.body as string | undefined) ?? '', registry, allowlist)
  }

  // One async function per job, which also answers sqsd in sync mode (the route handler itself is synchronous: an
  // async handler and Fastify's promise wrapping around it were two more promises and closures for every job).
  // Every running job holds a capacity slot until it settles, so the capacity count is also what close waits for;
  // the slot is given back before the answer, so sqsd's next request on this connection finds it free.
  const run = async (prepared: PreparedJob, request: FastifyRequest, reply: FastifyReply | undefined, kind: RunKind): Promise<JobRun> => {
    // The job's AbortController is made only if it reads context.signal (an AbortSignal per request costs a lot of
    // throughput); one first read after the shutdown timeout gets an already aborted signal.
    let controller: AbortController | undefined
    const signal = (): AbortSignal => {
      if (shutdown.abortReason) return AbortSignal.abort(shutdown.abortReason)
      controller = shutdown.controller()
      return controller.signal
    }
    const delivery = deliveryFromHeaders(request.headers)
    let result: JobRun
    try {
      result = await performJob(prepared, { registry, logger: jobLogger ?? request.log, signal, delivery })
    } catch (thrown) {
      // performJob is not meant to reject; if it ever does, that is a failed run, not an unhandled rejection
      // (which would end the process).
      const error = toError(thrown)
      const { envelope } = prepared
      request.log.error({ err: error, job_class: envelope.job_class, job_id: envelope.job_id }, `Job ${envelope.job_class} could not be run to a decision`)
      result = {
        outcome: 'failed',
        jobClass: envelope.job_class,
        jobId: envelope.job_id,
        queueName: envelope.queue_name,
        attempt: envelope.executions + Math.max(1, delivery.receiveCount ?? 1),
        durationMs: 0,
        error,
      }
    } finally {
      if (controller) shutdown.forget(controller)
      capacity.release()
    }
    // Only a failed job with a retry policy awaits anything here: the usual run costs no extra promise.
    const retried = kind === 'job' && result.outcome === 'retry' && prepared.job.retry !== undefined ? await retryLater(prepared, result, request) : undefined
    if (reply) {
      try {
        answers.send(reply, result, kind, prepared.envelope.job_class, shutdown.closing, retried)
      } catch (err) {
        // Nothing here is expected to throw; if it does, the request gets the error handler's 500, not a hang.
        reply.send(err)
      }
    }
    return result
  }

  return (request: FastifyRequest, reply: FastifyReply): void => {
    // A periodic task is a present and non-blank Taskname (as in aws-sdk-rails); a blank one is an ordinary job.
    const task = request.headers['x-aws-sqsd-taskname']
    const taskName = (Array.isArray(task) ? task[0] : task)?.trim() || undefined
    const periodic = taskName !== undefined
    const kind = periodic ? 'periodic task' : 'job'
    if (shutdown.closing) {
      sendLine(reply, 503, 'Worker is shutting down; sqsd will retry the message.')
      return
    }
    let prepared: PreparedJob
    try {
      prepared = resolve(request, taskName)
    } catch (err) {
      const never = permanentFailureKind(err)
      if (never === undefined) throw err
      const e = err as Error & { code?: string }
      // Both are about the message, not a fault in this process, and sqsd repeats them on every receive until the
      // dead-letter queue: one line each with the reason, no stack.
      const seen = { code: e.code, msgid: request.headers['x-aws-sqsd-msgid'], receiveCount: request.headers['x-aws-sqsd-receive-count'] }
      // An unknown name gets 500, so sqsd retries it: a deploy that registers the job may be on its way.
      if (never === 'unknown-job') {
        request.log.error(seen, `${e.message}${periodic ? ' Check the cron.yaml name and url.' : ''}`)
        sendLine(reply, 500, e.message)
        return
      }
      request.log.warn(seen, `Rejected sqsd message: ${e.message}`)
      sendLine(reply, 400, e.message)
      return
    }
    const name = prepared.envelope.job_class
    if (!periodic && prepared.envelope.scheduled_at !== null) {
      const remaining = remainingDelaySeconds(prepared.envelope.scheduled_at, now())
      if (remaining > 0) {
        void delay(prepared, request, reply, remaining).catch((err: unknown) => reply.send(err))
        return
      }
    }
    if (!capacity.tryTake()) {
      request.log.info({ job_class: name }, `No capacity to execute ${kind}.`)
      sendLine(reply, 429, `No capacity to execute ${kind}.`)
      return
    }
    if (!jobsAsync) {
      void run(prepared, request, reply, kind)
      return
    }
    // sqsd deletes the message on this 200: a failure later cannot be retried, so it must not pass as "will retry".
    void run(prepared, request, undefined, kind).then((result) => {
      if (result.outcome !== 'retry' && result.outcome !== 'failed') return
      if (result.outcome === 'retry' && prepared.job.retry !== undefined) return // enqueued again by its policy (or logged why not)
      request.log.error(
        { job_class: name, job_id: result.jobId, outcome: 'failed', err: result.error },
        `Job ${name} failed after sqsd was already answered 200 (async mode): its message is deleted and will not be retried.`,
      )
    })
    sendLine(reply, 200, `Successfully queued ${kind} ${name}.`)
  }
}
