// Each running job instance's context, kept outside the instance so subclasses cannot clobber it.
import type { Job, JobContext } from './job.js'

const contexts = new WeakMap<Job, JobContext>()

/** Gives a job instance its context before perform. */
export function attachContext(job: Job, context: JobContext): void {
  contexts.set(job, context)
}

/** The context of a running job. */
export function contextOf(job: Job): JobContext {
  const c = contexts.get(job)
  if (!c) throw new Error('Job context is only available while the job runs')
  return c
}
