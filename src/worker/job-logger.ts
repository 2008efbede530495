// Which logger the worker's jobs write their run lines to.
import type { FastifyInstance } from 'fastify'
import { silentLogger, type JobLogger } from '../jobs/index.js'

/**
 * The silent logger when `log` is Fastify's do-nothing logger, else undefined (jobs then use the request's logger).
 * Fastify without a logger gives every request abstract-logging's logger, which has no isLevelEnabled: the runner
 * could not tell that nobody reads its lines and would build one per job. The silent logger is the same silence.
 */
export function jobLoggerFor(log: FastifyInstance['log']): JobLogger | undefined {
  return isDoNothingLogger(log) ? silentLogger : undefined
}

/**
 * True for abstract-logging's logger: every level is the same empty function. (A real logger with one function for
 * every level still has a body that does something.)
 */
function isDoNothingLogger(log: FastifyInstance['log']): boolean {
  if (typeof (log as { isLevelEnabled?: unknown }).isLevelEnabled === 'function') return false
  const { info } = log
  const levels = [log.fatal, log.error, log.warn, log.debug, log.trace]
  return levels.every((f) => f === info) && /^function\s*\w*\s*\(\s*\)\s*\{\s*\}$/.test(Function.prototype.toString.call(info))
}
