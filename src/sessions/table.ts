// Creating and deleting the session table: on-demand by default, TTL on the expiry attribute, idempotent.
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb'
import { SessionStoreError } from '../errors.js'
import type { ResolvedSessionSettings } from './options.js'

/** The settings table commands use (a subset of the session options). */
export type SessionTableSettings = Pick<
  ResolvedSessionSettings,
  'table_name' | 'table_key' | 'ttl_attribute' | 'billing_mode' | 'read_capacity' | 'write_capacity'
>

/** Progress lines, for the CLI. */
export type TableLog = (line: string) => void

/** What {@link createSessionTable} found and did. */
export interface CreateTableResult {
  /** False when the table already existed (nothing was changed but TTL, if it was off). */
  created: boolean
  /** `enabled` now, `already` on, or `unsupported` by this endpoint (dynalite has no UpdateTimeToLive). */
  ttl: 'enabled' | 'already' | 'unsupported'
}

/** Longest wait for the table to become ACTIVE or to disappear, in seconds. */
const WAIT_SECONDS = 300

/**
 * Creates the session table (hash key `table_key`, type S), waits until it is ACTIVE, and enables TTL on
 * `ttl_attribute`. Running it again is safe: an existing table with the right key is left as it is (TTL is
 * still switched on if it was off); one with another key is an error. The Ruby gem always creates a provisioned
 * table and never enables TTL.
 */
export async function createSessionTable(
  client: DynamoDBClient,
  s: SessionTableSettings,
  log: TableLog = () => {},
): Promise<CreateTableResult> {
  const input: CreateTableCommandInput = {
    TableName: s.table_name,
    AttributeDefinitions: [{ AttributeName: s.table_key, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: s.table_key, KeyType: 'HASH' }],
    BillingMode: s.billing_mode,
  }
  if (s.billing_mode === 'PROVISIONED') {
    input.ProvisionedThroughput = { ReadCapacityUnits: s.read_capacity, WriteCapacityUnits: s.write_capacity }
  }
  let created = true
  try {
    await client.send(new CreateTableCommand(input))
    log(`Creating table ${s.table_name} (${describeBilling(s)}), waiting until it is ACTIVE...`)
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceInUseException') throw storeError('create-table', err)
    created = false
    log(`Table ${s.table_name} already exists.`)
  }
  await waitUntilTableExists({ client, maxWaitTime: WAIT_SECONDS, minDelay: 1, maxDelay: 10 }, { TableName: s.table_name })
  if (!created) await checkKey(client, s)
  const ttl = await enableTtl(client, s, log)
  return { created, ttl }
}

/** Deletes the session table and waits until it is gone. False when there was no such table. */
export async function deleteSessionTable(client: DynamoDBClient, tableName: string, log: TableLog = () => {}): Promise<boolean> {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }))
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') {
      log(`Table ${tableName} does not exist; nothing to delete.`)
      return false
    }
    throw storeError('delete-table', err)
  }
  log(`Deleting table ${tableName}, waiting until it is gone...`)
  await waitUntilTableNotExists({ client, maxWaitTime: WAIT_SECONDS, minDelay: 1, maxDelay: 10 }, { TableName: tableName })
  return true
}

async function checkKey(client: DynamoDBClient, s: SessionTableSettings): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: s.table_name }))
  const hash = Table?.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName
  const range = Table?.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName
  if (hash !== s.table_key || range !== undefined) {
    throw new SessionStoreError(
      'create-table',
      `table ${s.table_name} exists with key ${hash}${range ? ` + ${range}` : ''}, but table_key is ${s.table_key} (and a session table has no sort key). Set table_key, or pick another table_name.`,
    )
  }
}

async function enableTtl(client: DynamoDBClient, s: SessionTableSettings, log: TableLog): Promise<CreateTableResult['ttl']> {
  let current
  try {
    current = (await client.send(new DescribeTimeToLiveCommand({ TableName: s.table_name }))).TimeToLiveDescription
  } catch (err) {
    if (isUnsupported(err)) return ttlUnsupported(s, log)
    throw storeError('create-table', err)
  }
  const status = current?.TimeToLiveStatus
  if ((status === 'ENABLED' || status === 'ENABLING') && current?.AttributeName === s.ttl_attribute) {
    log(`TTL is already on for ${s.table_name}.${s.ttl_attribute}.`)
    return 'already'
  }
  if (status === 'ENABLED' || status === 'ENABLING') {
    throw new SessionStoreError(
      'create-table',
      `TTL on table ${s.table_name} is on for attribute ${current?.AttributeName}, not ttl_attribute ${s.ttl_attribute}; a table has one TTL attribute. Set ttl_attribute to ${current?.AttributeName}, or turn TTL off first.`,
    )
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: s.table_name,
        TimeToLiveSpecification: { Enabled: true, AttributeName: s.ttl_attribute },
      }),
    )
  } catch (err) {
    if (isUnsupported(err)) return ttlUnsupported(s, log)
    throw storeError('create-table', err)
  }
  log(`TTL enabled on ${s.table_name}.${s.ttl_attribute}: DynamoDB deletes expired sessions by itself.`)
  return 'enabled'
}

function ttlUnsupported(s: SessionTableSettings, log: TableLog): 'unsupported' {
  log(
    `This endpoint cannot enable TTL on ${s.table_name} (an emulator?). Expired sessions still read as missing; delete them with "fastify-aws sessions collect-garbage".`,
  )
  return 'unsupported'
}

/** dynalite answers UpdateTimeToLive with UnknownOperationException. */
function isUnsupported(err: unknown): boolean {
  return (err as { name?: string }).name === 'UnknownOperationException'
}

function describeBilling(s: SessionTableSettings): string {
  return s.billing_mode === 'PROVISIONED' ? `provisioned ${s.read_capacity} RCU / ${s.write_capacity} WCU` : 'on-demand'
}

function storeError(operation: string, err: unknown): Error {
  const e = err as { name?: string; message?: string }
  return new SessionStoreError(operation, `${e.name ?? 'Error'}: ${e.message ?? String(err)}`, { cause: err })
}
