// The job message body: ActiveJob's serialize hash as JSON, shared with Rails' aws-activejob-sqs.
import { randomUUID } from 'node:crypto'
import { MalformedMessageError } from '../errors.js'
import { isIsoTime, isoNanos, serializeArguments } from './arguments.js'

/** A job message as it travels (ActiveJob's JSON form). */
export interface JobEnvelope {
  job_class: string
  job_id: string
  provider_job_id: string | null
  queue_name: string
  priority: number | null
  arguments: unknown[]
  executions: number
  exception_executions: Record<string, number>
  locale: string
  timezone: string | null
  enqueued_at: string
  scheduled_at: string | null
}

/** What goes into a new envelope. */
export interface NewEnvelope {
  jobClass: string
  queueName: string
  args: readonly unknown[]
  priority?: number | null
  scheduledAt?: Date | null
  jobId?: string
  locale?: string
  timezone?: string | null
  now?: Date
}

/** Builds an envelope; arguments are checked and serialized (see `serializeArguments`). */
export function buildEnvelope(e: NewEnvelope): JobEnvelope {
  return {
    job_class: e.jobClass,
    job_id: e.jobId ?? randomUUID(),
    provider_job_id: null,
    queue_name: e.queueName,
    priority: e.priority ?? null,
    arguments: serializeArguments(e.args),
    executions: 0,
    exception_executions: {},
    locale: e.locale ?? 'en',
    timezone: e.timezone ?? 'UTC',
    enqueued_at: isoNanos(e.now ?? new Date()),
    scheduled_at: e.scheduledAt ? isoNanos(e.scheduledAt) : null,
  }
}

const NOT_BLANK = /\S/

/**
 * Parses a message body into an envelope. Throws {@link MalformedMessageError} for text that is not JSON, JSON that
 * is not an object, a missing or non-string `job_class`, fields of the wrong type, or a `__proto__` key anywhere.
 * Absent optional fields get ActiveJob's defaults.
 */
export function parseEnvelope(body: string | Buffer): JobEnvelope {
  const text = typeof body === 'string' ? body : body.toString('utf8')
  if (!NOT_BLANK.test(text)) throw new MalformedMessageError('the body is empty; a job message is a JSON object')
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new MalformedMessageError(`the body is not JSON (${(err as Error).message})`)
  }
  // JSON.parse keeps "__proto__" as an own key, but code that later copies the object would set a prototype.
  // The key can be spelt with escapes ("\u005f_proto__"), so look at the parsed keys, not the text; the text only
  // says whether that walk is needed (a "__proto__" string value is plain data and is fine).
  if ((text.includes('__proto__') || text.includes('\\u')) && hasProtoKey(data)) {
    throw new MalformedMessageError('the body contains a "__proto__" key')
  }
  return envelopeFrom(data)
}

/** True when any object in a parsed JSON value has an own `__proto__` key (iterative: nesting depth cannot overflow). */
function hasProtoKey(root: unknown): boolean {
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const v = stack.pop()
    if (v === null || typeof v !== 'object') continue
    if (Array.isArray(v)) {
      for (const item of v) stack.push(item)
      continue
    }
    if (Object.hasOwn(v, '__proto__')) return true
    for (const item of Object.values(v)) stack.push(item)
  }
  return false
}

/** Validates an already-parsed object as an envelope (see {@link parseEnvelope}). */
export function envelopeFrom(data: unknown): JobEnvelope {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new MalformedMessageError('the body must be a JSON object with a "job_class"')
  }
  const o = data as Record<string, unknown>
  if (typeof o.job_class !== 'string' || o.job_class.trim() === '') {
    throw new MalformedMessageError('"job_class" is missing or not a string')
  }
  const args = o.arguments ?? []
  if (!Array.isArray(args)) throw new MalformedMessageError('"arguments" must be an array')
  const exceptionExecutions = o.exception_executions ?? {}
  if (typeof exceptionExecutions !== 'object' || exceptionExecutions === null || Array.isArray(exceptionExecutions)) {
    throw new MalformedMessageError('"exception_executions" must be an object')
  }
  for (const k in exceptionExecutions) {
    if (!Object.hasOwn(exceptionExecutions, k)) continue
    if (!isCount((exceptionExecutions as Record<string, unknown>)[k])) throw new MalformedMessageError(`"exception_executions" entry ${JSON.stringify(k)} must be a whole number >= 0`)
  }
  // executions feeds the attempt number (executions + receive count): a negative or fractional count would make
  // retry policies misfire (attempt 0 or 2.5), so it must be a whole number, as Rails writes it.
  const executions = num(o, 'executions', 0) ?? 0
  if (!isCount(executions)) throw new MalformedMessageError(`"executions" must be a whole number >= 0, got ${executions}`)
  const scheduledAt = str(o, 'scheduled_at', null)
  if (scheduledAt !== null && !isIsoTime(scheduledAt)) {
    throw new MalformedMessageError(`"scheduled_at" is not an ISO-8601 time: ${JSON.stringify(scheduledAt)}`)
  }
  const enqueuedAt = str(o, 'enqueued_at', null)
  if (enqueuedAt !== null && !isIsoTime(enqueuedAt)) {
    throw new MalformedMessageError(`"enqueued_at" is not an ISO-8601 time: ${JSON.stringify(enqueuedAt)}`)
  }
  return {
    job_class: o.job_class,
    job_id: str(o, 'job_id', null) ?? randomUUID(),
    provider_job_id: str(o, 'provider_job_id', null),
    queue_name: str(o, 'queue_name', 'default') ?? 'default',
    priority: num(o, 'priority', null),
    arguments: args,
    executions,
    exception_executions: exceptionExecutions as Record<string, number>,
    locale: str(o, 'locale', 'en') ?? 'en',
    timezone: str(o, 'timezone', null),
    enqueued_at: enqueuedAt ?? isoNanos(new Date()),
    scheduled_at: scheduledAt,
  }
}

// Module-level, not closures inside envelopeFrom: it runs for every message.
function str(o: Record<string, unknown>, k: string, d: string | null): string | null {
  const v = o[k]
  if (v === undefined || v === null) return d
  if (typeof v !== 'string') throw new MalformedMessageError(`"${k}" must be a string, got ${typeof v}`)
  return v
}

function num(o: Record<string, unknown>, k: string, d: number | null): number | null {
  const v = o[k]
  if (v === undefined || v === null) return d
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new MalformedMessageError(`"${k}" must be a number`)
  return v
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
}
