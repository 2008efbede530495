// The session item: attribute names, reading an item back, and its size against DynamoDB's 400 KB limit.
import type { AttributeValue } from '@aws-sdk/client-dynamodb'

/** DynamoDB's item size limit (names plus values), in bytes. */
export const MAX_ITEM_BYTES = 400 * 1024

/** Attribute names of one table: the configurable ones, then the fixed ones. */
export interface ItemLayout {
  /** Hash key (`table_key`, default `session_id`). */
  key: string
  /** Expiry for DynamoDB TTL (`ttl_attribute`, default `expire_at`). */
  ttl: string
}

/** Fixed attribute names. Timestamps are epoch seconds (N) with millisecond decimals; `expire_at` is whole seconds. */
export const ATTR = {
  data: 'data',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  lockedAt: 'locked_at',
  lockOwner: 'lock_owner',
} as const

/** A session item as read. */
export interface StoredItem {
  /** The session as JSON. */
  data: string
  createdAt: number
  updatedAt: number
  /** Epoch seconds; Infinity when the item has none (written by hand or another tool). */
  expireAt: number
  /** Epoch seconds the lock was taken, when locked. */
  lockedAt?: number
  /** Random id of the request holding the lock, when locked. */
  lockOwner?: string
}

/** Epoch seconds with millisecond precision, as a DynamoDB number. */
export function epochSeconds(ms: number): string {
  return (ms / 1000).toFixed(3)
}

/**
 * Reads an item; undefined when it has no `data` string (not a session this store can read). Timestamps written
 * as strings (the Ruby store's layout) are read too.
 */
export function readItem(item: Record<string, AttributeValue> | undefined, layout: ItemLayout): StoredItem | undefined {
  const data = item?.[ATTR.data]?.S
  if (item === undefined || data === undefined) return undefined
  const updatedAt = num(item[ATTR.updatedAt]) ?? 0
  const out: StoredItem = {
    data,
    createdAt: num(item[ATTR.createdAt]) ?? updatedAt,
    updatedAt,
    expireAt: num(item[layout.ttl]) ?? Infinity,
  }
  const lockedAt = num(item[ATTR.lockedAt])
  if (lockedAt !== undefined) out.lockedAt = lockedAt
  const owner = item[ATTR.lockOwner]?.S
  if (owner !== undefined) out.lockOwner = owner
  return out
}

function num(v: AttributeValue | undefined): number | undefined {
  const text = v?.N ?? v?.S
  if (text === undefined) return undefined
  const n = Number(text)
  return Number.isFinite(n) ? n : undefined
}

/** Largest size a DynamoDB number can take in an item. */
const NUMBER_BYTES = 21

/**
 * Size of the item a write produces, counted as DynamoDB does (UTF-8 names plus values), with numbers at their
 * maximum so the estimate never falls below DynamoDB's own.
 */
export function itemBytes(layout: ItemLayout, sessionId: string, data: string, locked: boolean): number {
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8')
  let total = bytes(layout.key) + bytes(sessionId) + bytes(ATTR.data) + bytes(data)
  for (const name of [ATTR.createdAt, ATTR.updatedAt, layout.ttl]) total += bytes(name) + NUMBER_BYTES
  if (locked) total += bytes(ATTR.lockedAt) + NUMBER_BYTES + bytes(ATTR.lockOwner) + 32
  return total
}
