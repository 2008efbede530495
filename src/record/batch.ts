// Batches: BatchGetItem in chunks of 100 and BatchWriteItem in chunks of 25, unprocessed keys and items
// resubmitted with exponential backoff (aws-record sends one BatchWriteItem of everything and leaves the
// unprocessed rest to the caller, and re-reads unprocessed keys in a tight loop).
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { setTimeout as sleep } from 'node:timers/promises'
import { RecordUnprocessedError, RecordUsageError } from '../errors.js'
import { markSaved, planSave, recordBaseOf, STATE, type RecordBase } from './item.js'
import type { ModelItem } from './transactions.js'
import { keyFor, type StoredItem } from './requests.js'
import { describeKey, MODEL, type ModelRuntime } from './runtime.js'

/** DynamoDB's limits per request. */
export const BATCH_GET_LIMIT = 100
/** DynamoDB's limits per request. */
export const BATCH_WRITE_LIMIT = 25

/** Retries of unprocessed keys or items. */
export interface BatchRetryOptions {
  /** Resubmissions of what stayed unprocessed before giving up (default 8). */
  maxRetries?: number
  /** First backoff delay in ms, doubled each retry up to 5 s, with jitter (default 50). */
  baseDelayMs?: number
}

/** Resubmits `pending` until nothing is left or retries run out; returns what stayed unprocessed. */
export async function untilProcessed<T>(
  pending: T[],
  attempt: (batch: T[]) => Promise<T[]>,
  options: BatchRetryOptions = {},
): Promise<T[]> {
  const maxRetries = options.maxRetries ?? 8
  const base = options.baseDelayMs ?? 50
  for (let retry = 0; ; retry++) {
    pending = await attempt(pending)
    if (pending.length === 0 || retry >= maxRetries) return pending
    // Unprocessed means throttled: back off before asking again (full jitter).
    const ceiling = Math.min(base * 2 ** retry, 5000)
    await sleep(ceiling / 2 + Math.random() * (ceiling / 2))
  }
}

function keyString(key: StoredItem): string {
  return JSON.stringify(Object.keys(key).sort().map((k) => [k, key[k]]))
}

/**
 * Reads many items of one model by key: BatchGetItem in chunks of 100, unprocessed keys retried with backoff.
 * Returns the items found, in the order of `keys` (missing ones left out; duplicates read once).
 */
export async function findAllOf(runtime: ModelRuntime, keys: readonly StoredItem[], options: BatchRetryOptions & { consistentRead?: boolean } = {}): Promise<object[]> {
  const { schema } = runtime
  const table = schema.tableName
  const unique = new Map<string, StoredItem>()
  for (const key of keys) unique.set(keyString(key), key)
  const found = new Map<string, object>()
  const keyNames = [schema.hashKey.dbName, ...(schema.rangeKey ? [schema.rangeKey.dbName] : [])]
  const all = [...unique.values()]
  for (let i = 0; i < all.length; i += BATCH_GET_LIMIT) {
    const left = await untilProcessed(
      all.slice(i, i + BATCH_GET_LIMIT),
      async (batch) => {
        const out = await runtime.client().send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: batch, ...(options.consistentRead ? { ConsistentRead: true } : {}) } } }),
        )
        for (const stored of out.Responses?.[table] ?? []) {
          const key: StoredItem = {}
          for (const k of keyNames) key[k] = stored[k]
          found.set(keyString(key), runtime.fromStored(stored))
        }
        return (out.UnprocessedKeys?.[table]?.Keys ?? []) as StoredItem[]
      },
      options,
    )
    if (left.length > 0) {
      const error = new RecordUnprocessedError(
        `${schema.modelName}: ${left.length} of ${all.length} keys stayed unprocessed after every retry (DynamoDB is throttling); the items read are on \`found\`, the keys on \`unprocessed\`.`,
      )
      Object.assign(error, { unprocessed: left, found: orderBy(keys, found) })
      throw error
    }
  }
  return orderBy(keys, found)
}

function orderBy(keys: readonly StoredItem[], found: Map<string, object>): object[] {
  const out: object[] = []
  const seen = new Set<string>()
  for (const key of keys) {
    const k = keyString(key)
    const item = found.get(k)
    if (item !== undefined && !seen.has(k)) {
      seen.add(k)
      out.push(item)
    }
  }
  return out
}

/** One write of a batch: put a model item (its full item, no condition), or delete one. */
export type BatchWriteOperation = { put: ModelItem } | { delete: ModelItem }

function itemRuntime(item: RecordBase): ModelRuntime {
  return (item.constructor as unknown as { [MODEL]: ModelRuntime })[MODEL]
}

/**
 * Writes many items, of any models on one client: BatchWriteItem in chunks of 25, unprocessed items resubmitted
 * with backoff. A put writes the whole item with no condition (as aws-record's Batch.write; validations run
 * first); put items are then clean and persisted, deleted ones destroyed. Throws
 * {@link RecordUnprocessedError} with `unprocessed` when some stayed unprocessed after every retry.
 */
export async function batchWrite(operations: readonly BatchWriteOperation[], options: BatchRetryOptions & { client?: DynamoDBDocumentClient } = {}): Promise<void> {
  if (operations.length === 0) return
  type Entry = { table: string; id: string; request: Record<string, unknown>; op: BatchWriteOperation; item: RecordBase; put: boolean; undo?: () => void }
  const entries: Entry[] = []
  const keyNames = new Map<string, string[]>()
  const idOf = (table: string, item: StoredItem): string => {
    const key: StoredItem = {}
    for (const k of keyNames.get(table) ?? []) key[k] = item[k]
    return `${table}\u0000${keyString(key)}`
  }
  const seen = new Set<string>()
  let client = options.client
  try {
    for (const op of operations) {
      const put = typeof op === 'object' && op !== null && 'put' in op
      const item = recordBaseOf(put ? (op as { put: unknown }).put : (op as { delete?: unknown } | null)?.delete, 'batchWrite ({ put: item } or { delete: item })')
      const runtime = itemRuntime(item)
      if (options.client === undefined) {
        const c = runtime.client()
        if (client === undefined) client = c
        else if (client !== c) throw new RecordUsageError('batchWrite: every model in one batch must use the same client; split the batch, or pass { client }.')
      }
      const { schema } = runtime
      const table = schema.tableName
      keyNames.set(table, [schema.hashKey.dbName, ...(schema.rangeKey ? [schema.rangeKey.dbName] : [])])
      let entry: Entry
      if (put) {
        const plan = planSave(item, { force: true })
        const Item = (plan.input as { Item: StoredItem }).Item
        entry = { table, id: idOf(table, Item), request: { PutRequest: { Item } }, op, item, put, undo: plan.undo }
      } else {
        const Key = keyFor(schema, item[STATE].data, 'delete')
        entry = { table, id: idOf(table, Key), request: { DeleteRequest: { Key } }, op, item, put }
      }
      entries.push(entry)
      // DynamoDB refuses a batch that names one key twice; say which instead of its ValidationException.
      if (seen.has(entry.id)) {
        throw new RecordUsageError(`batchWrite: ${schema.modelName} ${describeKey(schema, keyFor(schema, item[STATE].data, 'batchWrite'))} is written twice in one batch; keep one write per item.`)
      }
      seen.add(entry.id)
    }
  } catch (err) {
    // Nothing was sent: put back the versions and timestamps the plans set.
    for (const e of entries) e.undo?.()
    throw err
  }
  const left: Entry[] = []
  for (let i = 0; i < entries.length; i += BATCH_WRITE_LIMIT) {
    const chunk = entries.slice(i, i + BATCH_WRITE_LIMIT)
    const stillLeft = await untilProcessed(
      chunk,
      async (batch) => {
        const RequestItems: Record<string, Array<Record<string, unknown>>> = {}
        for (const e of batch) (RequestItems[e.table] ??= []).push(e.request)
        const out = await client!.send(new BatchWriteCommand({ RequestItems: RequestItems as never }))
        const unprocessed = new Set<string>()
        for (const [table, requests] of Object.entries(out.UnprocessedItems ?? {})) {
          for (const r of requests) unprocessed.add(idOf(table, (r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {}) as StoredItem))
        }
        return batch.filter((e) => unprocessed.has(e.id))
      },
      options,
    )
    const leftSet = new Set(stillLeft)
    for (const e of chunk) {
      if (leftSet.has(e)) continue
      if (e.put) markSaved(e.item)
      else e.item[STATE].destroyed = true
    }
    left.push(...stillLeft)
  }
  if (left.length > 0) {
    for (const e of left) e.undo?.()
    const error = new RecordUnprocessedError(
      `batchWrite: ${left.length} of ${entries.length} writes stayed unprocessed after every retry (DynamoDB is throttling); they are on \`unprocessed\`, every other write was made.`,
    )
    Object.assign(error, { unprocessed: left.map((e) => e.op) })
    throw error
  }
}
