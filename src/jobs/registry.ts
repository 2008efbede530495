// Name → job class, in a Map: a message can only reach a class that was registered under that exact name.
import { JobDefinitionError, UnknownJobError } from '../errors.js'
import type { JobClass } from './job.js'

/** Ruby-constant-shaped names (`ReportJob`, `Admin::ReportJob`), so names can be shared with Rails. */
const NAME = /^[A-Z][A-Za-z0-9_]*(::[A-Z][A-Za-z0-9_]*)*$/

/** Registered jobs. Lookups never touch object prototypes: `__proto__` or `constructor` are simply unknown. */
export class JobRegistry {
  readonly #jobs = new Map<string, JobClass>()
  #allowlist: ReadonlySet<string> | undefined

  /** Registers job classes; a missing/invalid `jobName` or a name taken by another class is an error. */
  register(...classes: JobClass[]): this {
    for (const job of classes) {
      const name = Object.hasOwn(job, 'jobName') ? job.jobName : undefined
      if (typeof name !== 'string' || !NAME.test(name)) {
        throw new JobDefinitionError(
          `Job class ${job.name || '(anonymous)'} needs an explicit static jobName like 'ReportJob' or 'Admin::ReportJob' (got ${JSON.stringify(name)}).`,
        )
      }
      if (typeof job.prototype.perform !== 'function') {
        throw new JobDefinitionError(`Job ${name} has no perform() method.`)
      }
      const existing = this.#jobs.get(name)
      if (existing && existing !== job) throw new JobDefinitionError(`Job name ${name} is already registered by another class.`)
      this.#jobs.set(name, job)
    }
    return this
  }

  /**
   * Only these names may run from messages (sqsd, poller, Lambda), even if more are registered.
   * `undefined` lifts the restriction.
   */
  allow(names: Iterable<string> | undefined): this {
    this.#allowlist = names === undefined ? undefined : new Set(names)
    return this
  }

  /** The job registered under `name`, or undefined. */
  get(name: string): JobClass | undefined {
    return this.#jobs.get(name)
  }

  /** The job a message may run under `name`; unknown or not allowlisted names throw {@link UnknownJobError}. */
  resolve(name: string): JobClass {
    const job = this.#jobs.get(name)
    if (!job || (this.#allowlist && !this.#allowlist.has(name))) throw new UnknownJobError(JSON.stringify(name))
    return job
  }

  /** True when `name` is registered (allowlist ignored). */
  has(name: string): boolean {
    return this.#jobs.has(name)
  }

  /** Registered names, in registration order. */
  names(): string[] {
    return [...this.#jobs.keys()]
  }
}

/** The process-wide registry, used when a part is not given one. */
export const defaultRegistry = new JobRegistry()
