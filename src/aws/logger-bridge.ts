// Routes the AWS SDK's logger calls into pino, at or above a chosen level.
import type { JobLogger } from '../jobs/index.js'

/** The logger shape the AWS SDK v3 calls (`@smithy/types` Logger). */
export interface SdkLogger {
  trace?: (...content: unknown[]) => void
  debug: (...content: unknown[]) => void
  info: (...content: unknown[]) => void
  warn: (...content: unknown[]) => void
  error: (...content: unknown[]) => void
}

/** @deprecated The one logger type is {@link JobLogger} (from `fastify-aws/jobs`); this is the same type. */
export type PinoLike = JobLogger

/** Lowest SDK log level that reaches pino; `silent` drops everything. */
export type SdkLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'

const rank: Record<SdkLogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, silent: Infinity }
const noop = (): void => {}

/**
 * An SDK logger writing to `logger` (a child bound to `{ aws: component }`), dropping calls below `level`.
 * The SDK logs one `info` line per operation (`{ clientName, commandName, input, output, metadata }`), as the
 * Ruby SDK does under Rails; lower to `warn` to keep only problems.
 */
export function sdkLoggerFor(logger: JobLogger, level: SdkLogLevel = 'info', component = 'sdk'): SdkLogger {
  const child = logger.child({ aws: component })
  const at = (l: Exclude<SdkLogLevel, 'silent'>) =>
    rank[l] >= rank[level] ? (...content: unknown[]) => write(child, l, content) : noop
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

function write(logger: JobLogger, level: Exclude<SdkLogLevel, 'silent'>, content: unknown[]): void {
  const [first, ...rest] = content
  if (first !== null && typeof first === 'object' && !(first instanceof Error)) {
    emit(logger, level, first, rest.length ? join(rest) : undefined)
  } else if (first instanceof Error) {
    emit(logger, level, { err: first }, rest.length ? join(rest) : first.message)
  } else {
    emit(logger, level, join(content))
  }
}

/** A logger without `trace` (it is optional in JobLogger) gets the SDK's trace lines at debug. */
function emit(logger: JobLogger, level: Exclude<SdkLogLevel, 'silent'>, obj: unknown, msg?: string): void {
  if (level !== 'trace') logger[level](obj, msg)
  else if (logger.trace) logger.trace(obj, msg)
  else logger.debug(obj, msg)
}

/** Text of the remaining arguments: strings as they are, anything else as JSON (never "[object Object]"), never throwing. */
function join(parts: unknown[]): string {
  return parts
    .map((c) => {
      if (typeof c === 'string') return c
      if (c instanceof Error) return `${c.name}: ${c.message}`
      try {
        return JSON.stringify(c) ?? String(c)
      } catch {
        return String(c) // cycles, BigInt
      }
    })
    .join(' ')
}
