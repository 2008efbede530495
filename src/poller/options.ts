// Everything a Poller can be given, how code options override the queue configuration, and their checks.
import type { SQSClient } from '@aws-sdk/client-sqs'
import type { AwsClientOptions } from '../aws/index.js'
import { PollerConfigError } from '../errors.js'
import type { JobLogger, JobRegistry } from '../jobs/index.js'
import type { LoadQueueConfigOptions, QueueConfig } from '../queue/index.js'
import type { ReceivedMessage } from './received.js'

/** What to do with a message that can never run (malformed body, unknown job, unsupported argument). */
export type PermanentFailureAction = 'leave' | 'delete' | 'dead-letter'

/**
 * Decides the fate of a message that can never run. Return `'leave'` (the default: the queue's redrive
 * policy moves it after maxReceiveCount receives), `'delete'`, or `'dead-letter'` (send it to the queue's
 * dead-letter queue now). A handler that throws counts as `'leave'`.
 */
export type PermanentFailureHandler = (
  error: Error,
  message: ReceivedMessage,
) => PermanentFailureAction | undefined | Promise<PermanentFailureAction | undefined>

/** Options of {@link Poller}. Unset values come from the queue configuration (YAML, ENV) and its defaults. */
export interface PollerOptions {
  /** Where job names are looked up (default: the process-wide registry). */
  registry?: JobRegistry
  /**
   * Only these job names may run (default: config `job_class_allowlist`, else every registered job). The registry is
   * left as it is: other parts sharing it keep their own allowlist.
   */
  allowlist?: readonly string[]
  /** Queue names to poll (default: every configured queue). */
  queues?: readonly string[]
  /** An already loaded queue configuration. */
  config?: QueueConfig
  /** Where the queue configuration is read from when `config` is not given (`env`, `cwd`, `nodeEnv`, `code`). */
  configLoad?: LoadQueueConfigOptions
  /** @deprecated Renamed {@link PollerOptions.configLoad}; warns once (FASTIFY_AWS_DEP005). */
  load?: LoadQueueConfigOptions
  /** An SQS client (not destroyed by stop()); otherwise one is made from `aws` + config/aws.yml. */
  client?: SQSClient
  /** Options of the client made when `client` is not given. */
  aws?: AwsClientOptions
  /** Jobs running at once across all queues (default: config `concurrency`, 25). */
  concurrency?: number
  /** Messages per ReceiveMessage, 1..10 (default: per-queue config, 10). */
  maxMessages?: number
  /** Seconds a received message stays hidden (default: per-queue config, else the queue's own setting). */
  visibilityTimeout?: number
  /** Seconds running jobs get to finish on stop (default: config `shutdown_timeout`, 15). */
  shutdownTimeout?: number
  /** Long-poll wait, 0..20 s (default 20). stop() aborts a waiting receive at once. */
  waitTimeSeconds?: number
  /**
   * Seconds an SQS call may take before it fails and is retried on a new connection; a ReceiveMessage gets its wait
   * time on top (default: config `call_timeout`, 10). Applies to the client the poller makes, and to one made by
   * `createSqsClient`; a client of your own keeps its own limits.
   */
  callTimeoutSeconds?: number
  /** Seconds start() keeps retrying while SQS is unreachable, before it rejects (default: config `startup_timeout`, 60). */
  startupTimeoutSeconds?: number
  /** Receive calls in flight per queue (default: enough to fill `concurrency`, at most 8). */
  receiversPerQueue?: number
  /** Seconds between visibility extensions of a running job (default: a third of the visibility timeout); false: off. */
  heartbeatSeconds?: number | false
  /**
   * A job that failed for good (attempts exhausted, or an error its policy does not retry) on a queue with a
   * dead-letter queue: `'move'` (default) sends it there at once and deletes it; `'leave'` lets the redrive policy do it.
   */
  deadLetter?: 'move' | 'leave'
  /** Decides about messages that can never run (default: leave them for the redrive policy). */
  onPermanentFailure?: PermanentFailureHandler
  /** Gets one line per job run plus the poller's own lines (pino or Fastify's logger fit). */
  logger?: JobLogger
  /** Clock in epoch ms, used to decide whether a job arrived before its scheduled_at (tests inject a fake one). */
  now?: () => number
}

/**
 * The number of jobs to run at once (the option, else the config's), after checking every numeric option: a value
 * out of range is a {@link PollerConfigError} naming the option.
 */
export function checkPollerOptions(options: PollerOptions, configConcurrency: number): number {
  const concurrency = options.concurrency ?? configConcurrency
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new PollerConfigError(`concurrency must be a whole number >= 1, got ${concurrency}`)
  }
  checkRange('maxMessages', options.maxMessages, 1, 10)
  checkRange('visibilityTimeout', options.visibilityTimeout, 0, 43_200)
  checkRange('waitTimeSeconds', options.waitTimeSeconds, 0, 20)
  for (const [name, value] of [['callTimeoutSeconds', options.callTimeoutSeconds], ['startupTimeoutSeconds', options.startupTimeoutSeconds]] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new PollerConfigError(`${name} must be a number of seconds >= 0, got ${value}`)
  }
  if (options.shutdownTimeout !== undefined && !(options.shutdownTimeout >= 0)) {
    throw new PollerConfigError(`shutdownTimeout must be a number of seconds >= 0, got ${options.shutdownTimeout}`)
  }
  return concurrency
}

function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PollerConfigError(`${name} must be a whole number from ${min} to ${max}, got ${value}`)
  }
}
