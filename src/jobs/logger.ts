// The logger jobs and the runner write to: pino, Fastify's logger, or anything of the same shape.

/** The subset of pino's API used for job logs. */
export interface JobLogger {
  child(bindings: Record<string, unknown>): JobLogger
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
