// Flags every `sessions` subcommand but init shares: the table, the endpoint and region, the config file.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { createAwsClient, loadAwsClientOptions } from '../../aws/index.js'
import { loadSessionSettings, type ResolvedSessionSettings, type SessionSettings } from '../../sessions/index.js'
import type { CommandIo } from '../command.js'

/** parseArgs specs of the shared flags. */
export const tableFlags = {
  'table-name': { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'config-file': { type: 'string' },
} as const

/** The shared flags as parsed. */
export interface TableFlagValues {
  'table-name'?: string | undefined
  endpoint?: string | undefined
  region?: string | undefined
  'config-file'?: string | undefined
}

/** Session settings (flags > ENV > YAML > defaults) and a DynamoDB client (flags > config/aws.yml > SDK chain). */
export function sessionContext(
  io: CommandIo,
  flags: TableFlagValues,
  extra: SessionSettings = {},
): { settings: ResolvedSessionSettings; client: DynamoDBClient } {
  const load = { env: io.env, cwd: io.cwd }
  const code: SessionSettings & { configFile?: string } = { ...extra }
  if (flags['table-name'] !== undefined) code.table_name = flags['table-name']
  if (flags['config-file'] !== undefined) code.configFile = flags['config-file']
  const settings = loadSessionSettings(code, load)
  const clientOptions = loadAwsClientOptions(
    { ...(flags.endpoint !== undefined ? { endpoint: flags.endpoint } : {}), ...(flags.region !== undefined ? { region: flags.region } : {}) },
    load,
  )
  return { settings, client: createAwsClient(DynamoDBClient, clientOptions, 'sessions') }
}
