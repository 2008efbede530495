// What every model carries at run time (its compiled schema, its client, how to build an item from a stored one),
// found through one symbol on the model class, so batches, transactions and migrate can take any model.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Schema } from './schema.js'
import type { StoredItem } from './requests.js'

/** The symbol under which a model class keeps its {@link ModelRuntime}. `Symbol.for`: two copies of the package agree. */
export const MODEL = Symbol.for('fastify-aws.record.model')

/** Run-time side of a model class. */
export interface ModelRuntime {
  readonly schema: Schema
  /** The model's client (its own, else the shared one). */
  client(): DynamoDBDocumentClient
  /** An item as read from DynamoDB (persisted, clean). */
  fromStored(stored: StoredItem): object
}

/** The runtime of a model class, or undefined when `value` is not one. */
export function runtimeOf(value: unknown): ModelRuntime | undefined {
  if ((typeof value !== 'function' && typeof value !== 'object') || value === null) return undefined
  return (value as { [MODEL]?: ModelRuntime })[MODEL]
}

/** The error DynamoDB answered with, by name (the SDK's exception class name). */
export function awsErrorName(err: unknown): string | undefined {
  const name = (err as { name?: unknown } | null)?.name
  return typeof name === 'string' ? name : undefined
}

/** Describes a key for messages: `forum_uuid="f-1", post_id="p-1"`. */
export function describeKey(schema: Schema, key: StoredItem): string {
  return [schema.hashKey, schema.rangeKey]
    .filter((a) => a !== undefined)
    .map((a) => `${a.name}=${JSON.stringify(key[a.dbName])}`)
    .join(', ')
}
