// The logs of the long-running commands (dev, sqsd, poll): pretty, coloured lines when a person watches (stdout is a
// terminal), pino's JSON lines otherwise (files, pipes, log collectors), so one command serves a laptop and a container.
import { pino, type DestinationStream, type Logger } from 'pino'
import { CliUsageError } from '../errors.js'
import type { CommandIo } from './command.js'

/** The levels `--log-level` takes. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const

/** A command's logger and the stream behind it (for another logger in the same process, such as a Fastify app's). */
export interface CliLog {
  logger: Logger
  /** Where every line goes: a pretty-printer in front of stdout on a terminal, stdout itself otherwise. */
  destination: DestinationStream
  /** True when lines are pretty-printed. */
  pretty: boolean
}

/**
 * The logger of a long-running command at `level` (default info): on a terminal, pino-pretty's lines (local time,
 * level, message, then the fields on the same line; colours unless NO_COLOR is set); otherwise JSON lines.
 * `options` default to no `pid`/`hostname` on every line.
 */
export async function cliLogger(
  io: Pick<CommandIo, 'stdout' | 'env'>,
  level: string | undefined,
  options: Pick<pino.LoggerOptions, 'name' | 'base'> = { base: undefined },
): Promise<CliLog> {
  if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new CliUsageError(`--log-level takes one of ${LOG_LEVELS.join(', ')}, got "${level}".`)
  }
  const pretty = (io.stdout as { isTTY?: boolean }).isTTY === true
  const destination = pretty ? await prettyPrinter(io) : (io.stdout as DestinationStream)
  const logger = pino({ ...options, level: level ?? 'info' }, destination)
  return { logger, destination, pretty }
}

async function prettyPrinter(io: Pick<CommandIo, 'stdout' | 'env'>): Promise<DestinationStream> {
  // Loaded only for a terminal: JSON output (every deployment) never loads the pretty-printer.
  const { default: pinoPretty } = await import('pino-pretty')
  return pinoPretty({
    destination: io.stdout,
    colorize: !io.env.NO_COLOR, // https://no-color.org: any non-empty value turns colours off
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,component',
    // Which part of dev wrote the line (sqsd, cron, dev), before the message.
    messageFormat: '{if component}{component}: {end}{msg}',
    singleLine: true,
  })
}
