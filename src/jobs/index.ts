/**
 * Jobs: the base class, the name → class registry, the ActiveJob-compatible envelope, arguments,
 * retry/discard policy and the runner every transport (sqsd, poller, Lambda) shares.
 * @module
 */
export { Job, type JobClass, type JobContext, type DeliveryInfo, type PerformArgs, type ConfiguredJob } from './job.js'
export { JobRegistry, defaultRegistry } from './registry.js'
export { toJobAllowlist, isJobAllowed, resolveJob, type JobAllowlist } from './allowlist.js'
export { isPermanentFailure, permanentFailureKind, type PermanentFailureKind } from './permanent.js'
export { buildEnvelope, parseEnvelope, envelopeFrom, type JobEnvelope, type NewEnvelope } from './envelope.js'
export { serializeArguments, deserializeArguments, isoNanos, type JobArgument } from './arguments.js'
export {
  decideFailure,
  backoffSeconds,
  errorMatches,
  type RetryPolicy,
  type Backoff,
  type ErrorMatcher,
  type RunDecision,
} from './policy.js'
export {
  prepareJob,
  performJob,
  runJob,
  jobPerformChannel,
  jobRunChannel,
  type PreparedJob,
  type RunJobOptions,
  type JobRun,
  type JobPerformEvent,
  type JobRunEvent,
} from './runner.js'
export {
  setQueueAdapter,
  getQueueAdapter,
  jobRequest,
  enqueueJob,
  type JobQueueAdapter,
  type EnqueueOptions,
  type EnqueueRequest,
  type EnqueuedJob,
} from './enqueue.js'
export { silentLogger, type JobLogger } from './logger.js'
export { loadJobsModule, REGISTER_EXPORTS, type LoadJobsModuleOptions } from './jobs-module.js'
export { listenForStop, REPEATED_SIGNAL_WINDOW_MS, type StopListener } from './shutdown.js'
