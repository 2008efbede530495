// Retry and discard: what a failed run means for its message (BullMQ's attempts/backoff, ActiveJob's retry_on/discard_on).

/** An error class, or an error `name`/`code` string, that a rule matches. */
export type ErrorMatcher = string | (abstract new (...args: never[]) => Error)

/** Delay before the next attempt. `fixed`: always `delay`; `exponential`: `delay * 2^(attempt-1)`. */
export interface Backoff {
  type: 'fixed' | 'exponential'
  /** Seconds. */
  delay: number
  /** Adds up to this fraction of random extra delay (0..1), so retries of many jobs spread out. */
  jitter?: number
  /** Upper bound in seconds (default 43200, SQS's longest visibility timeout). */
  maxDelay?: number
}

/** How many times a job may run and how long to wait between runs. */
export interface RetryPolicy {
  /** Runs allowed in all, the first included (BullMQ `attempts`). */
  attempts: number
  /** Delay before each retry; a function gets the attempt that failed (1-based) and the error. */
  backoff?: Backoff | ((attempt: number, error: Error) => number)
  /** Errors to retry; others fail at once. Default: every error. */
  on?: readonly ErrorMatcher[]
}

/** What should happen to a message after a run. */
export type RunDecision =
  | { outcome: 'succeeded' }
  | { outcome: 'discarded'; reason: string }
  /** Run again later: `delaySeconds` undefined leaves the queue's own visibility timeout in charge. */
  | { outcome: 'retry'; delaySeconds: number | undefined }
  /** No attempts left (or not retryable): leave to the dead-letter queue / failure handler. */
  | { outcome: 'failed' }

/** True when `error` matches one of `matchers` (class via instanceof, string via name or code). */
export function errorMatches(error: Error, matchers: readonly ErrorMatcher[] | undefined): boolean {
  if (!matchers) return false
  const code = (error as { code?: unknown }).code
  return matchers.some((m) =>
    typeof m === 'string' ? error.name === m || code === m : error instanceof (m as abstract new (...a: never[]) => Error),
  )
}

/**
 * Decides a failed run. With no retry policy the message is simply left for redelivery (the queue's visibility
 * timeout and redrive policy decide, as with aws-activejob-sqs).
 */
export function decideFailure(
  error: Error,
  attempt: number,
  policy: { retry?: RetryPolicy | undefined; discardOn?: readonly ErrorMatcher[] | undefined },
): RunDecision {
  if ((error as { code?: string }).code === 'FASTIFY_AWS_DISCARD_JOB') return { outcome: 'discarded', reason: error.message }
  if (errorMatches(error, policy.discardOn)) return { outcome: 'discarded', reason: `${error.name}: ${error.message}` }
  const retry = policy.retry
  if (!retry) return { outcome: 'retry', delaySeconds: undefined }
  if (retry.on && !errorMatches(error, retry.on)) return { outcome: 'failed' }
  if (attempt >= retry.attempts) return { outcome: 'failed' }
  return { outcome: 'retry', delaySeconds: backoffSeconds(retry.backoff, attempt, error) }
}

/** Seconds to wait after `attempt` failed; whole seconds, as SQS takes them. */
export function backoffSeconds(backoff: RetryPolicy['backoff'], attempt: number, error: Error): number | undefined {
  if (backoff === undefined) return undefined
  if (typeof backoff === 'function') return clamp(backoff(attempt, error), 43200)
  const base = backoff.type === 'exponential' ? backoff.delay * 2 ** (attempt - 1) : backoff.delay
  const jitter = backoff.jitter ? base * backoff.jitter * Math.random() : 0
  return clamp(base + jitter, backoff.maxDelay ?? 43200)
}

function clamp(seconds: number, max: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) return 0
  return Math.min(Math.round(seconds), max, 43200)
}
