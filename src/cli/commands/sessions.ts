// `fastify-aws sessions <init|create-table|delete-table|collect-garbage>`: the DynamoDB session table's life cycle.
import { CliUsageError } from '../../errors.js'
import type { Command, CommandIo } from '../command.js'
import { runSessionsInit } from './sessions-init.js'
import { runCreateTable, runDeleteTable } from './sessions-table.js'
import { runCollectGarbage } from './sessions-gc.js'

const help = `Usage: fastify-aws sessions <subcommand> [options]

Manages the DynamoDB table behind the session store (fastify-aws/sessions).

Subcommands:
  init              write a commented config/aws_dynamo_db_session_store.yml
                      --environment ENV   write config/aws_dynamo_db_session_store/ENV.yml instead
                      --force             overwrite an existing file
  create-table      create the table (hash key table_key, on-demand billing), wait until it is ACTIVE and
                    enable TTL on ttl_attribute; safe to run again
                      --provisioned       provisioned billing instead (read_capacity / write_capacity)
                      --read-capacity N   read capacity units with --provisioned (10)
                      --write-capacity N  write capacity units with --provisioned (5)
  delete-table      delete the table and wait until it is gone
                      --yes               required: the sessions are lost
  collect-garbage   delete expired sessions: expire_at passed, or older than max_age, or idle longer than
                    max_stale (Scan + BatchWriteItem of 25, retried with backoff); prints progress and a count
                      --max-age S         seconds since creation (else max_age from config)
                      --max-stale S       seconds since the last write (else max_stale from config)
                      --quiet             print only the final count

Options of every subcommand but init:
  --table-name NAME    the table (else table_name: ENV AWS_DYNAMO_DB_SESSION_TABLE_NAME, YAML, "sessions")
  --endpoint URL       DynamoDB endpoint (emulators; else config/aws.yml or AWS_ENDPOINT_URL_DYNAMODB)
  --region REGION      AWS region
  --config-file FILE   session YAML file to read instead of config/aws_dynamo_db_session_store[/<env>].yml
`

const subcommands: Record<string, (io: CommandIo) => Promise<number>> = {
  init: runSessionsInit,
  'create-table': runCreateTable,
  'delete-table': runDeleteTable,
  'collect-garbage': runCollectGarbage,
}

const command: Command = {
  summary: 'DynamoDB session table: init (YAML), create-table, delete-table, collect-garbage',
  help,
  async run(io) {
    const [name, ...rest] = io.argv
    if (name === undefined) throw new CliUsageError(`Give a subcommand: ${Object.keys(subcommands).join(', ')}.`)
    const run = subcommands[name]
    if (run === undefined) {
      throw new CliUsageError(`Unknown sessions subcommand "${name}"; use one of ${Object.keys(subcommands).join(', ')}.`)
    }
    return run({ ...io, argv: rest })
  },
}

export default command
