// Every DynamoDB call the session store makes, each one request, with SDK errors turned into session errors.
import {
  DeleteItemCommand,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb'
import { SessionStoreError, SessionTableMissingError, SessionTooLargeError, SessionLockLostError } from '../errors.js'
import { ATTR, MAX_ITEM_BYTES, epochSeconds, readItem, type ItemLayout, type StoredItem } from './item.js'
import type { SessionOperation } from './error-handler.js'

/**
 * What a write may assume about the stored item:
 * - `upsert`: nothing (a new session, or one whose load this request did not see);
 * - `exists`: it was loaded by this request, so it must still exist (a session destroyed meanwhile, e.g. by a
 *   logout in another tab, is not brought back by a slower request);
 * - `owner`: this request holds its lock; the write also releases it.
 */
export type WriteGuard = { kind: 'upsert' } | { kind: 'exists' } | { kind: 'owner'; owner: string }

/** The lock state of an item, read when taking the lock failed. */
export type LockState = { exists: false } | { exists: true; lockedAt?: number; owner?: string }

/** One session table: its name, attribute layout and client. */
export class SessionTable {
  readonly #client: DynamoDBClient
  readonly #consistentRead: boolean
  readonly #names: Record<string, string>

  /** @param tableName the table; `layout` its key and TTL attribute names. */
  constructor(
    client: DynamoDBClient,
    readonly tableName: string,
    readonly layout: ItemLayout,
    consistentRead: boolean,
  ) {
    this.#client = client
    this.#consistentRead = consistentRead
    this.#names = {
      '#key': layout.key,
      '#data': ATTR.data,
      '#created': ATTR.createdAt,
      '#updated': ATTR.updatedAt,
      '#ttl': layout.ttl,
      '#lockedAt': ATTR.lockedAt,
      '#owner': ATTR.lockOwner,
    }
  }

  /** GetItem of a session; undefined when there is none. */
  async read(sessionId: string): Promise<StoredItem | undefined> {
    const out = await this.#call('get', () =>
      this.#client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: this.#key(sessionId),
          ConsistentRead: this.#consistentRead,
          ProjectionExpression: '#data, #created, #updated, #ttl',
          ExpressionAttributeNames: this.#pick('#data', '#created', '#updated', '#ttl'),
        }),
      ),
    )
    return readItem(out.Item, this.layout)
  }

  /** Writes the whole session (data, timestamps, expiry). False when an `exists` guard found the item gone. */
  async write(sessionId: string, data: string, nowMs: number, expireAt: number, guard: WriteGuard): Promise<boolean> {
    return this.#update('set', sessionId, guard, {
      UpdateExpression:
        'SET #data = :data, #updated = :now, #ttl = :exp, #created = if_not_exists(#created, :now)' + releaseClause(guard),
      values: { ':data': { S: data }, ':now': { N: epochSeconds(nowMs) }, ':exp': { N: String(expireAt) } },
      names: ['#data', '#updated', '#ttl', '#created'],
    })
  }

  /** Moves an unchanged session's expiry (and releases a held lock). False when the item is gone. */
  async touch(sessionId: string, nowMs: number, expireAt: number, guard: WriteGuard): Promise<boolean> {
    return this.#update('touch', sessionId, guard.kind === 'upsert' ? { kind: 'exists' } : guard, {
      UpdateExpression: 'SET #updated = :now, #ttl = :exp' + releaseClause(guard),
      values: { ':now': { N: epochSeconds(nowMs) }, ':exp': { N: String(expireAt) } },
      names: ['#updated', '#ttl'],
    })
  }

  /** Releases a lock this request holds; false when it was no longer ours (taken over, or the item is gone). */
  async unlock(sessionId: string, owner: string): Promise<boolean> {
    try {
      return await this.#update('unlock', sessionId, { kind: 'owner', owner }, { UpdateExpression: 'REMOVE #lockedAt, #owner', values: {}, names: [] })
    } catch (err) {
      if (err instanceof SessionLockLostError) return false
      throw err
    }
  }

  /** DeleteItem; deleting a missing session is not an error. */
  async delete(sessionId: string): Promise<void> {
    await this.#call('destroy', () =>
      this.#client.send(new DeleteItemCommand({ TableName: this.tableName, Key: this.#key(sessionId) })),
    )
  }

  /**
   * Takes the lock of an existing, unlocked session and returns the item in the same request; `conflict` when the
   * item is locked or missing (see {@link lockState}). With `stealFrom`, takes a lock held by that owner instead.
   */
  async lock(sessionId: string, owner: string, nowMs: number, stealFrom?: string): Promise<StoredItem | 'conflict'> {
    const values: Record<string, AttributeValue> = { ':lockedAt': { N: epochSeconds(nowMs) }, ':owner': { S: owner } }
    if (stealFrom !== undefined) values[':theirs'] = { S: stealFrom }
    try {
      const out = await this.#call('get', () =>
        this.#client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: this.#key(sessionId),
            UpdateExpression: 'SET #lockedAt = :lockedAt, #owner = :owner',
            // Unlike the Ruby store, never create an item that holds nothing but a lock.
            ConditionExpression:
              stealFrom === undefined ? 'attribute_exists(#key) AND attribute_not_exists(#lockedAt)' : '#owner = :theirs',
            ExpressionAttributeNames:
              stealFrom === undefined ? this.#pick('#key', '#lockedAt', '#owner') : this.#pick('#lockedAt', '#owner'),
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        ),
      )
      return readItem(out.Attributes, this.layout) ?? 'conflict'
    } catch (err) {
      if (isConditionFailure(err)) return 'conflict'
      throw err
    }
  }

  /** Whether the item exists and who holds its lock (a consistent read of three attributes). */
  async lockState(sessionId: string): Promise<LockState> {
    const out = await this.#call('get', () =>
      this.#client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: this.#key(sessionId),
          ConsistentRead: true,
          ProjectionExpression: '#key, #lockedAt, #owner',
          ExpressionAttributeNames: this.#pick('#key', '#lockedAt', '#owner'),
        }),
      ),
    )
    if (out.Item === undefined) return { exists: false }
    const state: LockState = { exists: true }
    const lockedAt = out.Item[ATTR.lockedAt]?.N
    if (lockedAt !== undefined) state.lockedAt = Number(lockedAt)
    const owner = out.Item[ATTR.lockOwner]?.S
    if (owner !== undefined) state.owner = owner
    return state
  }

  async #update(
    operation: SessionOperation,
    sessionId: string,
    guard: WriteGuard,
    parts: { UpdateExpression: string; values: Record<string, AttributeValue>; names: string[] },
  ): Promise<boolean> {
    const input: UpdateItemCommandInput = {
      TableName: this.tableName,
      Key: this.#key(sessionId),
      UpdateExpression: parts.UpdateExpression,
    }
    const names = new Set(parts.names)
    const values = { ...parts.values }
    if (guard.kind === 'exists') {
      input.ConditionExpression = 'attribute_exists(#key)'
      names.add('#key')
    } else if (guard.kind === 'owner') {
      input.ConditionExpression = '#owner = :mine'
      values[':mine'] = { S: guard.owner }
      names.add('#owner')
    }
    if (parts.UpdateExpression.includes('REMOVE')) names.add('#lockedAt').add('#owner')
    input.ExpressionAttributeNames = this.#pick(...names)
    if (Object.keys(values).length > 0) input.ExpressionAttributeValues = values
    try {
      await this.#call(operation, () => this.#client.send(new UpdateItemCommand(input)))
      return true
    } catch (err) {
      if (!isConditionFailure(err)) throw err
      if (guard.kind === 'owner') throw new SessionLockLostError({ cause: err })
      return false
    }
  }

  async #call<T>(operation: SessionOperation, send: () => Promise<T>): Promise<T> {
    try {
      return await send()
    } catch (err) {
      throw this.#translate(operation, err)
    }
  }

  #translate(operation: SessionOperation, err: unknown): unknown {
    const e = err as { name?: string; message?: string }
    if (isConditionFailure(err)) return err
    if (e.name === 'ResourceNotFoundException') return new SessionTableMissingError(this.tableName, { cause: err })
    // Our size check runs first and counts high; this only catches a limit DynamoDB counts differently.
    if (e.name === 'ValidationException' && /item size/i.test(e.message ?? '')) {
      return new SessionTooLargeError('larger than DynamoDB accepts', MAX_ITEM_BYTES, { cause: err })
    }
    return new SessionStoreError(operation, `${e.name ?? 'Error'}: ${e.message ?? String(err)}`, { cause: err })
  }

  #key(sessionId: string): Record<string, AttributeValue> {
    return { [this.layout.key]: { S: sessionId } }
  }

  #pick(...placeholders: string[]): Record<string, string> {
    return Object.fromEntries(placeholders.map((p) => [p, this.#names[p]!]))
  }
}

function releaseClause(guard: WriteGuard): string {
  return guard.kind === 'owner' ? ' REMOVE #lockedAt, #owner' : ''
}

/** True for DynamoDB's ConditionalCheckFailedException. */
export function isConditionFailure(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException'
}
