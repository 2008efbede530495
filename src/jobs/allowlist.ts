// `job_class_allowlist`: which registered jobs may run from a message. Decided here once, and applied the same way
// by every transport (the EB worker, the poller, the Lambda handler) and by cron.yaml's start-up check, without
// changing the registry the app shares between them.
import { UnknownJobError } from '../errors.js'
import type { JobClass } from './job.js'
import type { JobRegistry } from './registry.js'

/** The job names that may run from messages, whatever else is registered. */
export type JobAllowlist = ReadonlySet<string>

/**
 * The allowlist for a configured list of names. No list (`undefined`) is no allowlist: every registered job may run.
 * A list allows exactly its names; an empty one allows none.
 */
export function toJobAllowlist(names: Iterable<string> | undefined): JobAllowlist | undefined {
  return names === undefined ? undefined : new Set(names)
}

/** True when `name` may run under `allowlist` (no allowlist: every name). Whether it is registered is not asked. */
export function isJobAllowed(allowlist: JobAllowlist | undefined, name: string): boolean {
  return allowlist === undefined || allowlist.has(name)
}

/**
 * The job a message may run under `name`: registered in `registry` and allowed by `allowlist`. Anything else throws
 * {@link UnknownJobError}, the same error for both, so a message cannot tell a job that is not allowed from one that
 * does not exist.
 */
export function resolveJob(registry: JobRegistry, name: string, allowlist: JobAllowlist | undefined): JobClass {
  if (!isJobAllowed(allowlist, name)) throw new UnknownJobError(JSON.stringify(name))
  return registry.resolve(name)
}
