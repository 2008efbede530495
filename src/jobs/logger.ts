// The one logger type of the library: what jobs, the runner, the AWS SDK bridge, the mailer, sessions and the sqsd
// daemon write to. It lives in jobs (the lowest core part) so every part can name it.

/**
 * The subset of pino's API fastify-aws writes to: pino, Fastify's `app.log` / `request.log`, or anything of the same
 * shape. Given wherever an option is called `logger` (jobs, poller, Lambda handler, AWS clients, mailer, sessions,
 * sqsd daemon).
 */
export interface JobLogger {
  child(bindings: Record<string, unknown>): JobLogger
  /** Only the AWS SDK's trace lines use it; a logger without it gets them at debug. */
  trace?(obj: unknown, msg?: string): void
  debug(obj: unknown, msg?: string): void
  info(obj: unknown, msg?: string): void
  warn(obj: unknown, msg?: string): void
  error(obj: unknown, msg?: string): void
  /** pino's level check; when present, a run's log line is not even built at a level that is off. */
  isLevelEnabled?(level: string): boolean
}

const noop = (): void => {}

/** A logger that drops everything (the default when none is given). */
export const silentLogger: JobLogger = {
  child: () => silentLogger,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  isLevelEnabled: () => false,
}
