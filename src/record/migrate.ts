// Migrations with TableConfig's meaning (migrate! / compatible? / exact_match?), made safe: one change per
// UpdateTable (DynamoDB takes one GSI creation per call, aws-record sends them all in one), waiting for the table
// and every index to be ACTIVE between steps; a key-schema mismatch is an error instead of a silent no-op; an
// index is never deleted or changed and TTL never disabled.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type GlobalSecondaryIndexDescription,
  type KeySchemaElement,
  type Projection,
  type TableDescription,
  type TimeToLiveDescription,
  type UpdateTableCommandInput,
} from '@aws-sdk/client-dynamodb'
import { setTimeout as sleep } from 'node:timers/promises'
import { createAwsClient, loadAwsClientOptions, type AwsClientOptions } from '../aws/index.js'
import { RecordMigrationError, RecordTableConfigError, RecordWaitTimeoutError } from '../errors.js'
import { DYNAMODB_TYPE } from './marshal.js'
import { awsErrorName } from './runtime.js'
import type { CompiledAttribute, CompiledIndex } from './schema.js'
import type { TableConfig, Throughput } from './table-config.js'

/** One change `migrate` makes. */
export interface MigrationStep {
  kind: 'create-table' | 'update-billing' | 'add-index' | 'update-index-throughput' | 'enable-ttl'
  /** One line for people: "add index AuthorIndex (author_username)". */
  description: string
  /** @internal */
  run(client: DynamoDBClient): Promise<void>
}

/** What a table needs: the steps, and what migrate will leave alone (with why). */
export interface MigrationPlan {
  table: string
  model: string
  /** The table does not exist yet. */
  missing: boolean
  steps: MigrationStep[]
  /** Differences migrate does not fix (changed index keys, an LSI on an existing table, extra indexes). */
  notes: string[]
  /** Whether the table matches the config exactly (exact_match?); false when it is missing. */
  exactMatch: boolean
}

/** Knobs of migrations. */
export interface MigrateOptions {
  /** Progress lines (each step, waits). */
  log?: (line: string) => void
  /** Plan only: nothing is changed. */
  dryRun?: boolean
  /** Time between DescribeTable polls while waiting, in ms (default 1 s, growing to 10 s). */
  pollIntervalMs?: number
  /** Longest wait for ACTIVE after each step, in ms (default 30 minutes: a GSI backfill on a big table is slow). */
  maxWaitMs?: number
}

/** What one table's migration did. */
export interface MigrationResult {
  table: string
  model: string
  /** created, updated or unchanged (in a dry run: what would happen). */
  outcome: 'created' | 'updated' | 'unchanged'
  /** The steps' descriptions, in order. */
  steps: string[]
  notes: string[]
}

const keySchema = (hash: CompiledAttribute, range: CompiledAttribute | undefined): KeySchemaElement[] => [
  { AttributeName: hash.dbName, KeyType: 'HASH' },
  ...(range ? [{ AttributeName: range.dbName, KeyType: 'RANGE' as const }] : []),
]

const projectionOf = (ix: CompiledIndex): Projection =>
  ix.projectionType === 'INCLUDE'
    ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...ix.nonKeyAttributes] }
    : { ProjectionType: ix.projectionType }

const attributeDefinition = (a: CompiledAttribute): AttributeDefinition => ({ AttributeName: a.dbName, AttributeType: DYNAMODB_TYPE[a.kind] as 'S' })

function definitionsFor(attrs: ReadonlyArray<CompiledAttribute | undefined>): AttributeDefinition[] {
  const out = new Map<string, AttributeDefinition>()
  for (const a of attrs) if (a) out.set(a.dbName, attributeDefinition(a))
  return [...out.values()]
}

const provisioned = (t: Throughput) => ({ ReadCapacityUnits: t.readCapacityUnits, WriteCapacityUnits: t.writeCapacityUnits })

function describeBilling(config: TableConfig): string {
  return config.throughput ? `provisioned ${config.throughput.readCapacityUnits} RCU / ${config.throughput.writeCapacityUnits} WCU` : 'on-demand'
}

function sameKeys(a: readonly KeySchemaElement[] | undefined, b: readonly KeySchemaElement[]): boolean {
  const norm = (k: readonly KeySchemaElement[]) => k.map((e) => `${e.AttributeName}:${e.KeyType}`).sort().join(',')
  return norm(a ?? []) === norm(b)
}

function sameProjection(remote: Projection | undefined, local: Projection): boolean {
  const nonKey = (p: Projection | undefined) => [...(p?.NonKeyAttributes ?? [])].sort().join(',')
  return remote?.ProjectionType === local.ProjectionType && nonKey(remote) === nonKey(local)
}

function remoteThroughput(d: { ProvisionedThroughput?: { ReadCapacityUnits?: number; WriteCapacityUnits?: number } } | undefined): string {
  return `${d?.ProvisionedThroughput?.ReadCapacityUnits ?? 0}/${d?.ProvisionedThroughput?.WriteCapacityUnits ?? 0}`
}

const local = (t: Throughput | undefined) => `${t?.readCapacityUnits ?? 0}/${t?.writeCapacityUnits ?? 0}`

function isOnDemand(table: TableDescription): boolean {
  return table.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST'
}

/** A client for migrations of `config`: its own, else one from its clientOptions over config/aws.yml. */
export function migrationClient(config: TableConfig, overrides: AwsClientOptions = {}, load?: { env?: NodeJS.ProcessEnv; cwd?: string }): { client: DynamoDBClient; owned: boolean } {
  if (config.client) return { client: config.client, owned: false }
  return { client: createAwsClient(DynamoDBClient, loadAwsClientOptions({ ...config.clientOptions, ...overrides }, load), 'record'), owned: true }
}

async function describe(client: DynamoDBClient, table: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: table }))).Table
  } catch (err) {
    if (awsErrorName(err) === 'ResourceNotFoundException') return undefined
    throw err
  }
}

async function describeTtl(client: DynamoDBClient, table: string): Promise<TimeToLiveDescription | undefined> {
  try {
    return (await client.send(new DescribeTimeToLiveCommand({ TableName: table }))).TimeToLiveDescription
  } catch (err) {
    if (awsErrorName(err) === 'UnknownOperationException') return undefined
    throw err
  }
}

/**
 * Waits until the table is ACTIVE and every GSI is ACTIVE (not only the table, as aws-record's waiter: a new
 * index backfills while the table is already ACTIVE, and the next UpdateTable would fail on it).
 */
export async function waitUntilActive(client: DynamoDBClient, table: string, options: MigrateOptions = {}): Promise<void> {
  let delay = options.pollIntervalMs ?? 1000
  const deadline = Date.now() + (options.maxWaitMs ?? 30 * 60_000)
  let lastLine = ''
  for (;;) {
    const t = await describe(client, table)
    const busy = [
      ...(t?.TableStatus !== 'ACTIVE' ? [`table ${t?.TableStatus ?? 'missing'}`] : []),
      ...(t?.GlobalSecondaryIndexes ?? []).filter((g) => g.IndexStatus !== 'ACTIVE').map((g) => `index ${g.IndexName} ${g.IndexStatus}`),
    ]
    if (busy.length === 0) return
    if (Date.now() > deadline) throw new RecordWaitTimeoutError(Math.round((options.maxWaitMs ?? 1_800_000) / 1000), busy.join(', '))
    const line = `  waiting for ${table}: ${busy.join(', ')}...`
    if (line !== lastLine) options.log?.(line)
    lastLine = line
    await sleep(delay)
    delay = Math.min(delay * 2, Math.max(options.pollIntervalMs ?? 1000, 10_000))
  }
}

/** Works out what `migrate` would do to the table of `config` (reads only). */
export async function planMigration(client: DynamoDBClient, config: TableConfig): Promise<MigrationPlan> {
  const { schema } = config
  const table = config.tableName
  const wanted = keySchema(schema.hashKey, schema.rangeKey)
  const gsis = [...schema.indexes.values()].filter((i) => i.type === 'global')
  const lsis = [...schema.indexes.values()].filter((i) => i.type === 'local')
  const remote = await describe(client, table)
  const plan: MigrationPlan = { table, model: config.modelName, missing: remote === undefined, steps: [], notes: [], exactMatch: false }
  const ttlStep = (): MigrationStep => ({
    kind: 'enable-ttl',
    description: `enable TTL on ${config.ttlAttribute}`,
    run: async (c) => {
      try {
        await c.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { Enabled: true, AttributeName: config.ttlAttribute! } }))
      } catch (err) {
        if (awsErrorName(err) !== 'UnknownOperationException') throw err
      }
    },
  })

  if (remote === undefined) {
    const input: CreateTableCommandInput = {
      TableName: table,
      KeySchema: wanted,
      AttributeDefinitions: definitionsFor([schema.hashKey, schema.rangeKey, ...gsis.flatMap((g) => [g.hashKey, g.rangeKey]), ...lsis.map((l) => l.rangeKey)]),
    }
    if (config.throughput) input.ProvisionedThroughput = provisioned(config.throughput)
    else input.BillingMode = 'PAY_PER_REQUEST'
    if (gsis.length > 0) {
      input.GlobalSecondaryIndexes = gsis.map((g) => ({
        IndexName: g.name,
        KeySchema: keySchema(g.hashKey, g.rangeKey),
        Projection: projectionOf(g),
        ...(config.throughput ? { ProvisionedThroughput: provisioned(config.indexThroughput.get(g.name)!) } : {}),
      }))
    }
    // aws-record's migrate! never creates LSIs (only TableMigration#create! does); they can only be made with the table.
    if (lsis.length > 0) {
      input.LocalSecondaryIndexes = lsis.map((l) => ({ IndexName: l.name, KeySchema: keySchema(l.hashKey, l.rangeKey), Projection: projectionOf(l) }))
    }
    const indexes = [...gsis, ...lsis].map((i) => i.name)
    plan.steps.push({
      kind: 'create-table',
      description: `create table ${table} (${describeBilling(config)}${indexes.length ? `, index ${indexes.join(', ')}` : ''})`,
      run: async (c) => void (await c.send(new CreateTableCommand(input))),
    })
    if (config.ttlAttribute) plan.steps.push(ttlStep())
    return plan
  }

  // Keys cannot change: say so (aws-record's migrate! silently leaves an incompatible table as it is).
  if (!sameKeys(remote.KeySchema, wanted)) {
    const show = (k: readonly KeySchemaElement[] | undefined) => (k ?? []).map((e) => `${e.AttributeName} (${e.KeyType})`).join(' + ')
    throw new RecordTableConfigError(
      `table ${table} has key ${show(remote.KeySchema)}, but model ${config.modelName} declares ${show(wanted)}. DynamoDB cannot change a table's keys: fix the model's hashKey/rangeKey (or databaseName), or use another table (tableName).`,
    )
  }
  const remoteDefs = new Map((remote.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]))
  for (const a of [schema.hashKey, schema.rangeKey, ...gsis.flatMap((g) => [g.hashKey, g.rangeKey])]) {
    if (!a) continue
    const remoteType = remoteDefs.get(a.dbName)
    if (remoteType !== undefined && remoteType !== DYNAMODB_TYPE[a.kind]) {
      throw new RecordTableConfigError(
        `table ${table} declares ${a.dbName} as type ${remoteType}, but model ${config.modelName} has ${a.name} as ${a.kind} (${DYNAMODB_TYPE[a.kind]}); a key's type cannot change.`,
      )
    }
  }

  // Billing and table throughput.
  const remoteGsis = new Map<string, GlobalSecondaryIndexDescription>((remote.GlobalSecondaryIndexes ?? []).map((g) => [g.IndexName!, g]))
  if (config.throughput === undefined) {
    if (!isOnDemand(remote)) {
      plan.steps.push({
        kind: 'update-billing',
        description: `switch ${table} to on-demand (was provisioned ${remoteThroughput(remote)})`,
        run: async (c) => void (await c.send(new UpdateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST' }))),
      })
    }
  } else {
    const t = config.throughput
    const switching = isOnDemand(remote)
    if (switching || remoteThroughput(remote) !== local(t)) {
      const input: UpdateTableCommandInput = { TableName: table, ProvisionedThroughput: provisioned(t) }
      if (switching) {
        input.BillingMode = 'PROVISIONED'
        // Switching to provisioned needs throughput for every index on the table (aws-record sends it for every remote GSI).
        const updates = [...remoteGsis.keys()].map((name) => ({ Update: { IndexName: name, ProvisionedThroughput: provisioned(config.indexThroughput.get(name) ?? t) } }))
        if (updates.length > 0) input.GlobalSecondaryIndexUpdates = updates
      }
      plan.steps.push({
        kind: 'update-billing',
        description: switching ? `switch ${table} to ${describeBilling(config)} (was on-demand)` : `set ${table} throughput to ${local(t)} RCU/WCU (was ${remoteThroughput(remote)})`,
        run: async (c) => void (await c.send(new UpdateTableCommand(input))),
      })
    }
  }

  // Indexes: add the missing ones, one per UpdateTable; existing ones only get their throughput updated.
  for (const g of gsis) {
    const r = remoteGsis.get(g.name)
    const keys = keySchema(g.hashKey, g.rangeKey)
    if (r === undefined) {
      const t = config.indexThroughput.get(g.name)
      plan.steps.push({
        kind: 'add-index',
        description: `add index ${g.name} (${[g.hashKey, g.rangeKey].filter(Boolean).map((a) => a!.dbName).join(' + ')}, ${g.projectionType})`,
        run: async (c) =>
          void (await c.send(
            new UpdateTableCommand({
              TableName: table,
              AttributeDefinitions: definitionsFor([g.hashKey, g.rangeKey]),
              GlobalSecondaryIndexUpdates: [
                { Create: { IndexName: g.name, KeySchema: keys, Projection: projectionOf(g), ...(t && config.throughput ? { ProvisionedThroughput: provisioned(t) } : {}) } },
              ],
            }),
          )),
      })
      continue
    }
    if (!sameKeys(r.KeySchema, keys) || !sameProjection(r.Projection, projectionOf(g))) {
      plan.notes.push(`index ${g.name} exists with other keys or projection than the model's; migrate never changes or deletes an index (create one under a new name, move reads to it, then delete the old one by hand)`)
    }
    const t = config.indexThroughput.get(g.name)
    if (config.throughput && t && !isOnDemand(remote) && remoteThroughput(r) !== local(t)) {
      plan.steps.push({
        kind: 'update-index-throughput',
        description: `set index ${g.name} throughput to ${local(t)} RCU/WCU (was ${remoteThroughput(r)})`,
        run: async (c) =>
          void (await c.send(
            new UpdateTableCommand({ TableName: table, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: g.name, ProvisionedThroughput: provisioned(t) } }] }),
          )),
      })
    }
  }
  for (const name of remoteGsis.keys()) {
    if (!gsis.some((g) => g.name === name)) plan.notes.push(`index ${name} is on the table but not in the model; it is left as it is`)
  }
  const remoteLsis = new Set((remote.LocalSecondaryIndexes ?? []).map((l) => l.IndexName))
  for (const l of lsis) {
    if (!remoteLsis.has(l.name)) plan.notes.push(`local index ${l.name} is missing; DynamoDB adds local indexes only when a table is created`)
  }

  // TTL: switched on when configured and off; never switched off.
  const ttl = await describeTtl(client, table)
  const ttlOn = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING'
  if (config.ttlAttribute) {
    if (ttlOn && ttl?.AttributeName !== config.ttlAttribute) {
      throw new RecordTableConfigError(`table ${table} has TTL on ${ttl?.AttributeName}, not ttlAttribute ${config.ttlAttribute}; a table has one TTL attribute. Set ttlAttribute to ${ttl?.AttributeName}, or turn TTL off by hand first.`)
    }
    if (!ttlOn && ttl !== undefined) plan.steps.push(ttlStep())
    if (ttl === undefined) plan.notes.push('this endpoint cannot describe TTL (an emulator?); TTL left as it is')
  }

  // exact_match?: the same, with attribute definitions equal, the same index names, and TTL off when none is configured.
  const localDefs = definitionsFor([schema.hashKey, schema.rangeKey, ...gsis.flatMap((g) => [g.hashKey, g.rangeKey]), ...lsis.map((l) => l.rangeKey)])
  const defsEqual = localDefs.length === remoteDefs.size && localDefs.every((d) => remoteDefs.get(d.AttributeName) === d.AttributeType)
  const namesEqual = remoteGsis.size === gsis.length && gsis.every((g) => remoteGsis.has(g.name))
  const ttlExact = config.ttlAttribute ? ttlOn : !ttlOn
  plan.exactMatch = plan.steps.length === 0 && plan.notes.length === 0 && defsEqual && namesEqual && ttlExact
  return plan
}

/**
 * Brings the table of `config` in line with it: creates it, or changes billing, throughput, indexes and TTL, one
 * step at a time, waiting for the table and its indexes to be ACTIVE after each. A failure throws
 * {@link RecordMigrationError} naming the table and the cause; steps already done stay done.
 */
export async function migrate(config: TableConfig, options: MigrateOptions & { client?: DynamoDBClient } = {}): Promise<MigrationResult> {
  const { client, owned } = options.client ? { client: options.client, owned: false } : migrationClient(config)
  const log = options.log ?? (() => {})
  try {
    let plan: MigrationPlan
    try {
      plan = await planMigration(client, config)
    } catch (err) {
      if (String((err as { code?: unknown }).code).startsWith('FASTIFY_AWS_')) throw err
      throw new RecordMigrationError(config.tableName, `${awsErrorName(err)}: ${(err as Error).message}`, { cause: err })
    }
    for (const note of plan.notes) log(`  note: ${note}`)
    for (const step of plan.steps) {
      log(`  ${options.dryRun ? 'would ' : ''}${step.description}`)
      if (options.dryRun) continue
      try {
        await step.run(client)
        await waitUntilActive(client, config.tableName, { ...options, log })
      } catch (err) {
        // Our own errors (a wait that timed out) say what happened themselves; SDK errors are named by their type.
        const named = String((err as { code?: unknown }).code).startsWith('FASTIFY_AWS_') ? '' : `${awsErrorName(err) ?? 'Error'}: `
        throw new RecordMigrationError(config.tableName, `${step.description}: ${named}${(err as Error).message}`, { cause: err })
      }
    }
    return {
      table: config.tableName,
      model: config.modelName,
      outcome: plan.missing ? 'created' : plan.steps.length > 0 ? 'updated' : 'unchanged',
      steps: plan.steps.map((s) => s.description),
      notes: plan.notes,
    }
  } finally {
    if (owned) client.destroy()
  }
}

/** TableConfig#compatible?: the table exists and migrate has nothing to do. */
export async function compatible(config: TableConfig, options: { client?: DynamoDBClient } = {}): Promise<boolean> {
  return withClient(config, options.client, async (client) => {
    try {
      const plan = await planMigration(client, config)
      return !plan.missing && plan.steps.length === 0
    } catch (err) {
      if ((err as { code?: string }).code === 'FASTIFY_AWS_RECORD_TABLE_CONFIG') return false
      throw err
    }
  })
}

/** TableConfig#exact_match?: compatible, and nothing more on the table (same attribute definitions and indexes, no TTL unless configured). */
export async function exactMatch(config: TableConfig, options: { client?: DynamoDBClient } = {}): Promise<boolean> {
  return withClient(config, options.client, async (client) => {
    try {
      return (await planMigration(client, config)).exactMatch
    } catch (err) {
      if ((err as { code?: string }).code === 'FASTIFY_AWS_RECORD_TABLE_CONFIG') return false
      throw err
    }
  })
}

async function withClient<T>(config: TableConfig, given: DynamoDBClient | undefined, fn: (c: DynamoDBClient) => Promise<T>): Promise<T> {
  const { client, owned } = given ? { client: given, owned: false } : migrationClient(config)
  try {
    return await fn(client)
  } finally {
    if (owned) client.destroy()
  }
}
