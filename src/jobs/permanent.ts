// "Can never run": a message whose job no retry can help, told apart from a run that failed. Every transport asks
// here instead of matching error codes of its own.

/**
 * Why a message can never run, whatever its retry policy:
 * - `malformed`: the body is not a job envelope (not JSON, no `job_class`, bad field types);
 * - `unknown-job`: no job is registered under its name, or the allowlist does not allow it (a deploy that registers
 *   it may still come, which is why the EB worker answers it 500 for sqsd to retry, not 400);
 * - `unsupported-argument`: an argument uses an ActiveJob form that is not read (GlobalID, ...).
 */
export type PermanentFailureKind = 'malformed' | 'unknown-job' | 'unsupported-argument'

const KINDS: ReadonlyMap<string, PermanentFailureKind> = new Map([
  ['FASTIFY_AWS_MALFORMED_MESSAGE', 'malformed'],
  ['FASTIFY_AWS_UNKNOWN_JOB', 'unknown-job'],
  ['FASTIFY_AWS_UNSUPPORTED_ARGUMENT', 'unsupported-argument'],
])

/** The kind of permanent failure `error` reports (as thrown by `prepareJob`), or undefined for any other error. */
export function permanentFailureKind(error: unknown): PermanentFailureKind | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code
  return typeof code === 'string' ? KINDS.get(code) : undefined
}

/** True when `error` says the message can never run (see {@link PermanentFailureKind}). */
export function isPermanentFailure(error: unknown): boolean {
  return permanentFailureKind(error) !== undefined
}
