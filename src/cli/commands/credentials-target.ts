// What `credentials show` and `credentials edit` both take: the --environment flag and the files it picks.
import { loadRailsCredentialsLocation } from '../../aws/config.js'
import type { RailsCredentialsLocation } from '../../aws/rails-credentials.js'
import { CliUsageError } from '../../errors.js'
import { parseFlags } from '../args.js'
import type { CommandIo } from '../command.js'

/** Environment names that make safe file names. */
const ENVIRONMENT = /^[A-Za-z0-9_-]+$/

/** Parses the subcommand's flags (`--environment` plus `extra`) and finds its files. */
export function credentialsTarget<E extends Record<string, { type: 'boolean' }>>(
  io: CommandIo,
  extra: E,
): { location: RailsCredentialsLocation; flags: { [K in keyof E]?: boolean } } {
  const values = parseFlags(io.argv, { environment: { type: 'string', short: 'e' }, ...extra }, false).values as Record<string, unknown>
  const environment = values.environment as string | undefined
  if (environment !== undefined && !ENVIRONMENT.test(environment)) {
    throw new CliUsageError(`--environment takes a name of letters, digits, "_" and "-", got "${environment}".`)
  }
  const { location } = loadRailsCredentialsLocation({ env: io.env, cwd: io.cwd }, undefined, environment)
  return { location, flags: values as { [K in keyof E]?: boolean } }
}
