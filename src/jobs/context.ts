// Each running job instance's context, under a module-private symbol so subclasses cannot clobber it by accident
// (a symbol, not a WeakMap: a WeakMap entry per run slows every garbage collection).
import { JobContextError } from '../errors.js'
import type { Job, JobContext } from './job.js'

const CONTEXT = Symbol('fastify-aws.jobContext')
type WithContext = Job & { [CONTEXT]?: JobContext }

/**
 * Gives a new job instance its (empty) context slot, from the base class constructor: as the instance's first
 * property it sits inside the object, where adding it before perform would allocate a property store for every run.
 */
export function reserveContext(job: Job): void {
  ;(job as WithContext)[CONTEXT] = undefined
}

/** Gives a job instance its context before perform. */
export function attachContext(job: Job, context: JobContext): void {
  ;(job as WithContext)[CONTEXT] = context
}

/** The context of a running job. */
export function contextOf(job: Job): JobContext {
  const c = (job as WithContext)[CONTEXT]
  if (!c) throw new JobContextError()
  return c
}
