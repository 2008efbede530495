// Every answer the worker gives sqsd: a status and one line of text/plain.
import type { FastifyReply } from 'fastify'
import type { JobRun } from '../jobs/index.js'
import type { RequeueOutcome } from './requeue.js'

/** What a request ran: a job from its body, or a periodic task named by `X-Aws-Sqsd-Taskname`. */
export type RunKind = 'job' | 'periodic task'

/** Sends `status` with `text` as a single text/plain line (`folded`: the text went through {@link oneLine} already). */
export function sendLine(reply: FastifyReply, status: number, text: string, folded = false): FastifyReply {
  return reply.code(status).type('text/plain; charset=utf-8').send(folded ? text : oneLine(text))
}

/** Newlines folded, length capped, so a body is always one readable line. */
export function oneLine(text: string, max = 500): string {
  if (text.length <= max && !/[\r\n]/.test(text)) return text.trim() // the usual case: already one line
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/**
 * The answers to sqsd for finished runs (sync mode): 200 only when the job succeeded or was discarded, 500 otherwise.
 * The success line per job name is made once, not per job (only registered names succeed, so the cache stays small).
 */
export class RunAnswers {
  readonly #succeeded = { job: new Map<string, string>(), 'periodic task': new Map<string, string>() }

  /**
   * Answers `reply` for `result`; `closing` asks the client to reconnect (to another instance) for its next request.
   * `retried`: a retry policy's new message was sent (200: this one is done) or could not be (500: sqsd retries).
   */
  send(reply: FastifyReply, result: JobRun, kind: RunKind, name: string, closing: boolean, retried?: RequeueOutcome): void {
    // Finished during close: this keep-alive connection would stay open until sqsd/nginx hang up or keepAliveTimeout
    // (72 s) passes, and server.close() waits for it. Ask the client to reconnect (to another instance) instead.
    if (closing) reply.header('connection', 'close')
    switch (result.outcome) {
      case 'succeeded':
        sendLine(reply, 200, this.#successLine(kind, name), true)
        return
      case 'discarded':
        sendLine(reply, 200, `Discarded ${kind} ${name}: ${result.reason}`)
        return
      default:
        if (retried?.sent) {
          sendLine(reply, 200, `Job ${name} failed (attempt ${result.attempt}) and was enqueued again by its retry policy, to run in ${retried.delaySeconds} s.`)
          return
        }
        sendLine(
          reply,
          500,
          `Failed to execute ${kind} ${name} (${result.error?.name ?? 'Error'}); see the log for job_id ${result.jobId}.${retried ? ` Its retry could not be enqueued: ${retried.reason}.` : ''}`,
        )
    }
  }

  #successLine(kind: RunKind, name: string): string {
    const lines = this.#succeeded[kind]
    let line = lines.get(name)
    if (line === undefined) lines.set(name, (line = oneLine(`Successfully ran ${kind} ${name}.`)))
    return line
  }
}
