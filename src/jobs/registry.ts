// Name → job class, in a Map: a message can only reach a class that was registered under that exact name.
import { JobDefinitionError, UnknownJobError } from '../errors.js'
import { isJobAllowed, toJobAllowlist, type JobAllowlist } from './allowlist.js'
import type { JobClass } from './job.js'

/** Ruby-constant-shaped names (`ReportJob`, `Admin::ReportJob`), so names can be shared with Rails. */
const NAME = /^[A-Z][A-Za-z0-9_]*(::[A-Z][A-Za-z0-9_]*)*$/

/** Registered jobs. Lookups never touch object prototypes: `__proto__` or `constructor` are simply unknown. */
export class JobRegistry {
  readonly #jobs = new Map<string, JobClass>()
  #allowlist: JobAllowlist | undefined

  /** Registers job classes; a missing/invalid `jobName` or a name taken by another class is an error. */
  register(...classes: JobClass[]): this {
    for (const job of classes) {
      const name = Object.hasOwn(job, 'jobName') ? job.jobName : undefined
      if (typeof name !== 'string' || !NAME.test(name)) {
        throw new JobDefinitionError(
          `Job class ${job.name || '(anonymous)'} needs an explicit static jobName like 'ReportJob' or 'Admin::ReportJob' (got ${JSON.stringify(name)}).`,
        )
      }
      if (typeof job.prototype?.perform !== 'function') {
        throw new JobDefinitionError(`Job ${name} has no perform() method.`)
      }
      checkPolicy(job, name)
      const existing = this.#jobs.get(name)
      if (existing && existing !== job) throw new JobDefinitionError(`Job name ${name} is already registered by another class.`)
      this.#jobs.set(name, job)
    }
    return this
  }

  /**
   * Only these names may run from messages (sqsd, poller, Lambda), even if more are registered.
   * `undefined` lifts the restriction. This narrows the registry itself, for every transport that uses it; the
   * transports' own `allowlist` option (`job_class_allowlist`) leaves the registry as it is (see `resolveJob`).
   */
  allow(names: Iterable<string> | undefined): this {
    this.#allowlist = toJobAllowlist(names)
    return this
  }

  /** The job registered under `name`, or undefined. */
  get(name: string): JobClass | undefined {
    return this.#jobs.get(name)
  }

  /** The job a message may run under `name`; unknown or not allowlisted names throw {@link UnknownJobError}. */
  resolve(name: string): JobClass {
    const job = this.#jobs.get(name)
    if (!job || !isJobAllowed(this.#allowlist, name)) throw new UnknownJobError(JSON.stringify(name))
    return job
  }

  /** True when `name` is registered (allowlist ignored). */
  has(name: string): boolean {
    return this.#jobs.has(name)
  }

  /** True when `name` is registered and the registry's own allowlist ({@link allow}) lets it run. */
  allows(name: string): boolean {
    return this.#jobs.has(name) && isJobAllowed(this.#allowlist, name)
  }

  /** Registered names, in registration order. */
  names(): string[] {
    return [...this.#jobs.keys()]
  }
}

/** The process-wide registry, used when a part is not given one. */
export const defaultRegistry = new JobRegistry()

/**
 * A job's static settings are checked when it is registered, so a typo fails at start-up, not when the first run
 * fails (a bad matcher would make `instanceof` throw in the middle of deciding what to do with a message).
 */
function checkPolicy(job: JobClass, name: string): void {
  const bad = (what: string, got: unknown): never => {
    throw new JobDefinitionError(`Job ${name}: ${what} (got ${show(got)}).`)
  }
  if (typeof job.queueName !== 'string' || job.queueName.trim() === '') bad('static queueName must be a non-empty string', job.queueName)
  if (job.priority !== null && job.priority !== undefined && !Number.isSafeInteger(job.priority)) {
    bad('static priority must be a whole number or null (ActiveJob priorities are integers)', job.priority)
  }
  const matchers = (key: string, list: unknown): void => {
    if (list === undefined) return
    if (!Array.isArray(list)) bad(`${key} must be an array of error classes or error name/code strings`, list)
    for (const m of list as unknown[]) {
      const isClass = typeof m === 'function' && typeof (m as { prototype?: unknown }).prototype === 'object'
      if (!isClass && !(typeof m === 'string' && m !== '')) bad(`${key} entries must be error classes or non-empty name/code strings`, m)
    }
  }
  matchers('discardOn', job.discardOn)
  const retry = job.retry as unknown
  if (retry === undefined) return
  if (retry === null || typeof retry !== 'object') bad('static retry must be { attempts, backoff?, on? }', retry)
  const r = retry as { attempts?: unknown; backoff?: unknown; on?: unknown }
  if (!Number.isSafeInteger(r.attempts) || (r.attempts as number) < 1) bad('retry.attempts must be a whole number >= 1 (runs in all, the first included)', r.attempts)
  matchers('retry.on', r.on)
  const b = r.backoff
  if (b === undefined || typeof b === 'function') return
  const o = (b ?? {}) as { type?: unknown; delay?: unknown; jitter?: unknown; maxDelay?: unknown }
  if (b === null || typeof b !== 'object' || (o.type !== 'fixed' && o.type !== 'exponential')) {
    bad("retry.backoff must be a function or { type: 'fixed' | 'exponential', delay, jitter?, maxDelay? }", b)
  }
  if (typeof o.delay !== 'number' || !Number.isFinite(o.delay) || o.delay < 0) bad('retry.backoff.delay must be seconds >= 0', o.delay)
  if (o.jitter !== undefined && (typeof o.jitter !== 'number' || !(o.jitter >= 0 && o.jitter <= 1))) bad('retry.backoff.jitter must be from 0 to 1', o.jitter)
  if (o.maxDelay !== undefined && (typeof o.maxDelay !== 'number' || !Number.isFinite(o.maxDelay) || o.maxDelay < 0)) {
    bad('retry.backoff.maxDelay must be seconds >= 0', o.maxDelay)
  }
}

function show(v: unknown): string {
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`
  try {
    return JSON.stringify(v) ?? String(v)
  } catch {
    return String(v)
  }
}
