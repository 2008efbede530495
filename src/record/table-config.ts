// Table configs (aws-record's TableConfig): billing, throughput per table and per GSI, TTL, client options.
// The key schema and the indexes' keys and projections come from the model; the config adds what only the
// table has. Checked when defined, so a bad config fails before any request.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { AwsClientOptions } from '../aws/index.js'
import { RecordTableConfigError } from '../errors.js'
import type { ModelClass } from './model.js'
import { runtimeOf } from './runtime.js'
import type { Schema } from './schema.js'
import type { AttributeMap } from './types.js'

/** Read and write capacity units. */
export interface Throughput {
  readCapacityUnits: number
  writeCapacityUnits: number
}

/** What `defineTableConfig` takes; `A` are the model's attributes and `I` its index names. */
export interface TableConfigOptions<A extends AttributeMap, I extends string> {
  /** The model whose table this is. */
  model: ModelClass<A, I>
  /**
   * PAY_PER_REQUEST (on-demand) or PROVISIONED. Default: PROVISIONED when capacity units are given, else
   * PAY_PER_REQUEST (aws-record defaults to PROVISIONED and requires the units).
   */
  billingMode?: 'PROVISIONED' | 'PAY_PER_REQUEST'
  /** Table read capacity units (PROVISIONED). */
  readCapacityUnits?: number
  /** Table write capacity units (PROVISIONED). */
  writeCapacityUnits?: number
  /** Throughput of each global secondary index of the model (PROVISIONED: every index needs one). */
  globalSecondaryIndexes?: Partial<Record<I, Throughput>>
  /** The attribute DynamoDB TTL reads (an epochTime or integer attribute of the model, epoch seconds). */
  ttlAttribute?: keyof A & string
  /** Client options for migrations of this table (region, endpoint, credentials), over config/aws.yml. */
  clientOptions?: AwsClientOptions
  /** A client to use instead (never destroyed by migrate). */
  client?: DynamoDBClient
}

/** Marks table configs, across copies of the package. */
export const TABLE_CONFIG = Symbol.for('fastify-aws.record.tableConfig')

/** A checked table config, ready for `migrate`, `compatible` and `exactMatch`. */
export interface TableConfig {
  readonly [TABLE_CONFIG]: true
  /** The model's name. */
  readonly modelName: string
  /** The table's name. */
  readonly tableName: string
  readonly billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST'
  /** Table throughput (PROVISIONED). */
  readonly throughput: Throughput | undefined
  /** GSI name → throughput (PROVISIONED). */
  readonly indexThroughput: ReadonlyMap<string, Throughput>
  /** Stored name of the TTL attribute. */
  readonly ttlAttribute: string | undefined
  readonly clientOptions: AwsClientOptions | undefined
  readonly client: DynamoDBClient | undefined
  /** @internal */
  readonly schema: Schema
}

function fail(model: string, what: string): never {
  throw new RecordTableConfigError(`Table config of ${model}: ${what}`)
}

function checkUnits(model: string, what: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail(model, `${what} must be a whole number >= 1, got ${JSON.stringify(n)}.`)
  return n
}

/**
 * Defines the table config of a model (aws-record `TableConfig.define`). Throws
 * FASTIFY_AWS_RECORD_TABLE_CONFIG when it is incomplete or contradicts itself.
 *
 * @example
 * export default defineTableConfig({
 *   model: Forum,
 *   readCapacityUnits: 5,
 *   writeCapacityUnits: 2,
 *   globalSecondaryIndexes: { AuthorIndex: { readCapacityUnits: 12, writeCapacityUnits: 14 } },
 * })
 */
export function defineTableConfig<A extends AttributeMap, I extends string>(options: TableConfigOptions<A, I>): TableConfig {
  const runtime = runtimeOf(options?.model)
  if (runtime === undefined) throw new RecordTableConfigError('defineTableConfig needs `model`: a class made by defineModel.')
  const { schema } = runtime
  const model = schema.modelName
  const hasUnits = options.readCapacityUnits !== undefined || options.writeCapacityUnits !== undefined
  const billingMode = options.billingMode ?? (hasUnits ? 'PROVISIONED' : 'PAY_PER_REQUEST')
  if (billingMode !== 'PROVISIONED' && billingMode !== 'PAY_PER_REQUEST') fail(model, `billingMode must be PROVISIONED or PAY_PER_REQUEST, not ${JSON.stringify(billingMode)}.`)
  const gsis = [...schema.indexes.values()].filter((i) => i.type === 'global')
  const indexThroughput = new Map<string, Throughput>()
  for (const [name, t] of Object.entries((options.globalSecondaryIndexes ?? {}) as Record<string, Throughput | undefined>)) {
    if (!gsis.some((g) => g.name === name)) {
      fail(model, `globalSecondaryIndexes names "${name}", which is not a global secondary index of the model${gsis.length ? ` (${gsis.map((g) => g.name).join(', ')})` : ''}.`)
    }
    if (t === undefined) continue
    indexThroughput.set(name, {
      readCapacityUnits: checkUnits(model, `index ${name} readCapacityUnits`, t.readCapacityUnits),
      writeCapacityUnits: checkUnits(model, `index ${name} writeCapacityUnits`, t.writeCapacityUnits),
    })
  }
  let throughput: Throughput | undefined
  if (billingMode === 'PAY_PER_REQUEST') {
    if (hasUnits || indexThroughput.size > 0) fail(model, 'capacity units cannot be set with billingMode PAY_PER_REQUEST (on-demand tables have none); remove them, or set billingMode PROVISIONED.')
  } else {
    const missing = [options.readCapacityUnits === undefined && 'readCapacityUnits', options.writeCapacityUnits === undefined && 'writeCapacityUnits'].filter(Boolean)
    if (missing.length > 0) fail(model, `billingMode PROVISIONED needs ${missing.join(' and ')} (or use billingMode PAY_PER_REQUEST).`)
    throughput = {
      readCapacityUnits: checkUnits(model, 'readCapacityUnits', options.readCapacityUnits),
      writeCapacityUnits: checkUnits(model, 'writeCapacityUnits', options.writeCapacityUnits),
    }
    const without = gsis.filter((g) => !indexThroughput.has(g.name)).map((g) => g.name)
    if (without.length > 0) fail(model, `billingMode PROVISIONED needs throughput for every global secondary index; add globalSecondaryIndexes: { ${without.map((n) => `${n}: { readCapacityUnits: 5, writeCapacityUnits: 5 }`).join(', ')} }.`)
  }
  let ttlAttribute: string | undefined
  if (options.ttlAttribute !== undefined) {
    const a = schema.byName.get(options.ttlAttribute)
    if (a === undefined) fail(model, `ttlAttribute "${options.ttlAttribute}" is not an attribute of the model.`)
    if (a.kind !== 'epochTime' && a.kind !== 'integer') fail(model, `ttlAttribute "${a.name}" is ${a.kind}; DynamoDB TTL reads epoch seconds, so make it attr.epochTime() (or attr.integer()).`)
    ttlAttribute = a.dbName
  }
  return {
    [TABLE_CONFIG]: true,
    modelName: model,
    tableName: schema.tableName,
    billingMode,
    throughput,
    indexThroughput,
    ttlAttribute,
    clientOptions: options.clientOptions,
    client: options.client,
    schema,
  }
}

/** Whether `value` is a table config (made by any copy of fastify-aws). */
export function isTableConfig(value: unknown): value is TableConfig {
  return typeof value === 'object' && value !== null && (value as { [TABLE_CONFIG]?: unknown })[TABLE_CONFIG] === true
}
