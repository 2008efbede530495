// Deleting expired sessions: a paginated Scan with a correct filter, then BatchWriteItem deletes of 25.
import {
  BatchWriteItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb'
import { setTimeout as sleep } from 'node:timers/promises'
import { SessionGcError, SessionStoreError } from '../errors.js'
import { ATTR, epochSeconds } from './item.js'
import type { ResolvedSessionSettings } from './options.js'

/** The settings garbage collection uses (a subset of the session options). */
export type GarbageCollectionSettings = Pick<
  ResolvedSessionSettings,
  'table_name' | 'table_key' | 'ttl_attribute' | 'max_age' | 'max_stale' | 'touch_after'
>

/** Progress after each scanned page. */
export interface GarbageCollectionProgress {
  /** Items read by the scan so far. */
  scanned: number
  /** Expired sessions deleted so far. */
  deleted: number
}

/** Knobs of {@link collectGarbage}. */
export interface GarbageCollectionOptions {
  /** Called after each page. */
  onProgress?: (progress: GarbageCollectionProgress) => void
  /** Items per Scan page (default: DynamoDB's 1 MB pages). */
  pageSize?: number
  /** Retries of unprocessed deletes before giving up (default 8). */
  maxRetries?: number
  /** First backoff delay in ms, doubled on each retry up to 5 s (default 50). */
  baseDelayMs?: number
  /** The moment that counts as now, in epoch ms (default `Date.now()`). */
  now?: number
}

/** DynamoDB's BatchWriteItem limit. */
export const BATCH_SIZE = 25

/**
 * Deletes every expired session, by the same rule reads use: `expire_at` passed, or (when set) older than
 * `max_age` since creation, or idle longer than `max_stale` (+ `touch_after`, the margin writes leave).
 * Deletes go in batches of 25; unprocessed items are retried with exponential backoff, and any left after
 * `maxRetries` make it throw {@link SessionGcError} (after the rest were deleted).
 *
 * Unlike the Ruby gem's `collect_garbage`, the filter compares numbers with numbers (its string/number mismatch
 * matched nothing), expired-by-TTL items are included, and with no max_age/max_stale it deletes only expired
 * items rather than sending an empty filter. DynamoDB TTL (which `sessions create-table` enables) does the
 * same for free, only later; this is for tables without TTL and for emulators.
 */
export async function collectGarbage(
  client: DynamoDBClient,
  s: GarbageCollectionSettings,
  options: GarbageCollectionOptions = {},
): Promise<GarbageCollectionProgress> {
  const nowMs = options.now ?? Date.now()
  const names: Record<string, string> = { '#key': s.table_key, '#ttl': s.ttl_attribute }
  const values: Record<string, AttributeValue> = { ':now': { N: String(Math.floor(nowMs / 1000)) } }
  const conditions = ['#ttl <= :now']
  if (s.max_age !== undefined) {
    names['#created'] = ATTR.createdAt
    values[':createdBefore'] = { N: epochSeconds(nowMs - s.max_age * 1000) }
    conditions.push('#created <= :createdBefore')
  }
  if (s.max_stale !== undefined) {
    names['#updated'] = ATTR.updatedAt
    values[':updatedBefore'] = { N: epochSeconds(nowMs - (s.max_stale + s.touch_after) * 1000) }
    conditions.push('#updated <= :updatedBefore')
  }

  const progress: GarbageCollectionProgress = { scanned: 0, deleted: 0 }
  let failed = 0
  let startKey: Record<string, AttributeValue> | undefined
  do {
    const page = await send('scan', () =>
      client.send(
        new ScanCommand({
          TableName: s.table_name,
          ProjectionExpression: '#key',
          FilterExpression: conditions.join(' OR '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ExclusiveStartKey: startKey,
          ...(options.pageSize !== undefined ? { Limit: options.pageSize } : {}),
        }),
      ),
    )
    progress.scanned += page.ScannedCount ?? 0
    const keys = (page.Items ?? []).map((item) => ({ [s.table_key]: item[s.table_key]! }))
    for (let i = 0; i < keys.length; i += BATCH_SIZE) {
      const left = await deleteBatch(client, s.table_name, keys.slice(i, i + BATCH_SIZE), options)
      progress.deleted += Math.min(BATCH_SIZE, keys.length - i) - left
      failed += left
    }
    options.onProgress?.({ ...progress })
    startKey = page.LastEvaluatedKey
  } while (startKey !== undefined)
  if (failed > 0) throw new SessionGcError(progress.deleted, failed)
  return progress
}

/** One BatchWriteItem of up to 25 deletes, resubmitting unprocessed ones with backoff; returns how many stayed. */
async function deleteBatch(
  client: DynamoDBClient,
  tableName: string,
  keys: Record<string, AttributeValue>[],
  options: GarbageCollectionOptions,
): Promise<number> {
  let pending: WriteRequest[] = keys.map((Key) => ({ DeleteRequest: { Key } }))
  const maxRetries = options.maxRetries ?? 8
  const baseDelay = options.baseDelayMs ?? 50
  for (let attempt = 0; ; attempt++) {
    const out = await send('collect-garbage', () =>
      client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } })),
    )
    pending = out.UnprocessedItems?.[tableName] ?? []
    if (pending.length === 0 || attempt >= maxRetries) return pending.length
    // Unprocessed items mean throttling: back off (the Ruby gem resubmits in a tight loop).
    await sleep(Math.min(baseDelay * 2 ** attempt, 5000))
  }
}

async function send<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    const e = err as { name?: string; message?: string }
    throw new SessionStoreError(operation, `${e.name ?? 'Error'}: ${e.message ?? String(err)}`, { cause: err })
  }
}
