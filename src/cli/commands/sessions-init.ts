// `fastify-aws sessions init`: writes the commented session YAML (the Rails generator's job).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { CliUsageError } from '../../errors.js'
import { sessionConfigTemplate } from '../../sessions/config-template.js'
import { parseFlags } from '../args.js'
import type { CommandIo } from '../command.js'

/** Environment names that make safe file names. */
const ENVIRONMENT = /^[A-Za-z0-9_-]+$/

/** Writes config/aws_dynamo_db_session_store.yml (or .../<env>.yml); refuses to overwrite without --force. */
export async function runSessionsInit(io: CommandIo): Promise<number> {
  const { values } = parseFlags(io.argv, { environment: { type: 'string' }, force: { type: 'boolean' } }, false)
  const env = values.environment
  if (env !== undefined && !ENVIRONMENT.test(env)) {
    throw new CliUsageError(`--environment takes a name of letters, digits, "_" and "-", got "${env}".`)
  }
  const file =
    env === undefined
      ? join(io.cwd, 'config', 'aws_dynamo_db_session_store.yml')
      : join(io.cwd, 'config', 'aws_dynamo_db_session_store', `${env}.yml`)
  const shown = relative(io.cwd, file)
  if (existsSync(file) && !values.force) {
    throw new CliUsageError(`${shown} already exists; pass --force to overwrite it.`)
  }
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, sessionConfigTemplate())
  io.stdout.write(`Wrote ${shown}. Uncomment the options you want to change; set the secret in AWS_DYNAMO_DB_SESSION_SECRET_KEY.\n`)
  return 0
}
