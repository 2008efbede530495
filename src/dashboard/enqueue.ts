// The enqueue form: which jobs it may send, and the arguments as the user typed them.
import { DashboardForbiddenError, DashboardNotFoundError, DashboardRequestError } from '../errors.js'
import { MAX_DELAY_SECONDS } from '../sqs/index.js'
import { jobRequest, type EnqueuedJob, type JobClass, type JobQueueAdapter, type JobRegistry } from '../jobs/index.js'

/** Names the form may send: registered, allowed by the registry's own allowlist, and in `allowlist` when one is set. */
export function enqueueableJobs(registry: JobRegistry, allowlist: ReadonlySet<string> | undefined): string[] {
  return registry.names().filter((name) => mayEnqueue(registry, allowlist, name) !== undefined)
}

function mayEnqueue(registry: JobRegistry, allowlist: ReadonlySet<string> | undefined, name: string): JobClass | undefined {
  if (allowlist !== undefined && !allowlist.has(name)) return undefined
  try {
    return registry.resolve(name)
  } catch {
    return undefined
  }
}

/** What the form sent. */
export interface EnqueueForm {
  job: string
  args: string
  delay: string
}

/**
 * Checks and sends one job from the form. A name outside the allowlist is refused (403) whether or not it is
 * registered; arguments must be one JSON array; the delay 0–900 s. Argument and size checks are the queue's own
 * (the same as performLater's).
 */
export async function enqueueFromForm(
  registry: JobRegistry,
  allowlist: ReadonlySet<string> | undefined,
  queue: JobQueueAdapter,
  form: EnqueueForm,
): Promise<EnqueuedJob> {
  const job = mayEnqueue(registry, allowlist, form.job)
  if (job === undefined) {
    if (registry.has(form.job)) throw new DashboardForbiddenError(`Job ${JSON.stringify(form.job)} is not in the dashboard's enqueue allowlist.`)
    throw new DashboardNotFoundError(`No job is registered under ${JSON.stringify(form.job)} (names are case-sensitive).`)
  }
  const args = argumentsOf(form.args)
  const delay = form.delay.trim() === '' ? 0 : Number(form.delay)
  if (!Number.isSafeInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) {
    throw new DashboardRequestError(`The delay must be a whole number of seconds from 0 to ${MAX_DELAY_SECONDS}, got ${JSON.stringify(form.delay)}.`)
  }
  try {
    return await queue.enqueue(jobRequest(job, args, delay > 0 ? { wait: delay } : {}))
  } catch (err) {
    const e = err as Error & { code?: string; statusCode?: number }
    // Bad arguments and oversized messages are the user's to fix; SQS failures are not.
    if (e.code === 'FASTIFY_AWS_UNSUPPORTED_ARGUMENT' || e.code === 'FASTIFY_AWS_ENQUEUE' || e.code === 'FASTIFY_AWS_UNKNOWN_QUEUE') {
      throw new DashboardRequestError(e.message)
    }
    throw err
  }
}

function argumentsOf(text: string): unknown[] {
  if (text.trim() === '') return []
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new DashboardRequestError(`The arguments are not valid JSON (${(err as Error).message}); write a JSON array, e.g. ["world", 2].`)
  }
  if (!Array.isArray(value)) {
    throw new DashboardRequestError(`The arguments must be a JSON array of perform's arguments, got ${value === null ? 'null' : typeof value}; wrap one argument in brackets.`)
  }
  return value
}
