// The logger jobs and the runner write to: pino, Fastify's logger, or anything of the same shape.

/** The subset of pino's API used for job logs. */
export interface JobLogger {
  child(bindings: Record<string, unknown>): JobLogger
  debug(obj: unknown, msg?: string): void
  info(obj: unknown, msg?: string): void
  warn(obj: unknown, msg?: string): void
  error(obj: unknown, msg?: string): void
}

const noop = (): void => {}

/** A logger that drops everything (the default when none is given). */
export const silentLogger: JobLogger = {
  child: () => silentLogger,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
}
