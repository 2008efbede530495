// The @fastify/session store: callback methods over a promise core, DynamoDB calls in SessionTable.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { Session } from 'fastify'
import type { SessionStore } from '@fastify/session'
import { clientOrCreate, loadAwsClientOptions, type AwsClientOptions } from '../aws/index.js'
import { SessionDataError, SessionTooLargeError, toError } from '../errors.js'
import { defaultErrorHandler, type SessionErrorHandler, type SessionOperation } from './error-handler.js'
import { expireAtFor, isExpired, type ExpiryPolicy } from './expiry.js'
import { MAX_ITEM_BYTES, itemBytes, type StoredItem } from './item.js'
import { kCurrentLoad, loadedSessionOf, type LoadReport, type LoadedSession } from './loaded-session.js'
import { lockAndRead, type LockPolicy } from './locking.js'
import {
  loadSessionSettings,
  sessionSettingsFromOptions,
  type DeprecatedSessionOptions,
  type ResolvedSessionSettings,
  type SessionConfigLoad,
  type SessionOptions,
} from './options.js'
import { cookieExpiry, deserializeSession, serializeSession, type StoredSessionData } from './session-data.js'
import { SessionTable, type WriteGuard } from './session-table.js'

/** A session loaded by {@link DynamoDbSessionStore.load}. */
export interface LoadResult {
  /** The session as @fastify/session restores it: its fields plus `cookie`. */
  session: StoredSessionData
  /** What the write of this request needs to know. */
  loaded: LoadedSession
}

/** What {@link DynamoDbSessionStore.save} did: one write, an expiry-only write, a lock release, or nothing. */
export type SaveOutcome = 'written' | 'touched' | 'unlocked' | 'skipped' | 'gone'

type Callback = (err?: unknown) => void
type GetCallback = (err: unknown, session?: Session | null) => void

/** Longest session id looked up; DynamoDB keys stop at 2048 bytes and our ids are 32 characters. */
const MAX_ID_BYTES = 1024

/**
 * A @fastify/session (and express-session) store keeping sessions in DynamoDB.
 *
 * - Reads: one GetItem (consistent by default). An item past its expiry reads as missing, because TTL deletes
 *   lazily. A corrupt item reads as missing.
 * - Writes: only when the session changed; an unchanged session gets an expiry-only write at most once per
 *   `touch_after` seconds. (The Ruby store writes on every request.) This needs the plugin, which tells `set`
 *   what the request loaded; used bare with @fastify/session, the store writes whenever it is asked to.
 * - A write larger than DynamoDB's 400 KB limit is refused before any call, and the stored session is unchanged.
 * - Errors go to the error handler (default: log and carry on without the session; see {@link defaultErrorHandler}).
 *
 * @example
 * const store = new DynamoDbSessionStore({ tableName: 'app-sessions', maxStale: 3600 })
 * await app.register(fastifySession, { secret, store })
 */
export class DynamoDbSessionStore implements SessionStore {
  /** The resolved options (code > ENV > YAML > defaults). */
  readonly settings: ResolvedSessionSettings
  /** The DynamoDB client in use. */
  readonly client: DynamoDBClient
  /** True when this store made the client, and so {@link close} destroys it. */
  readonly ownsClient: boolean
  /** The table operations. */
  readonly table: SessionTable
  /**
   * Whether a new session with nothing in it is written when `set` is asked to (default true, as any store).
   * The plugin sets it on the store it makes to its `saveUninitialized` (false by default): then the empty session
   * `regenerate()` saves before the handler fills it costs no write, since @fastify/session would not keep it
   * anyway. A store given to the plugin keeps its own setting.
   */
  saveEmptySessions = true
  readonly #errorHandler: SessionErrorHandler
  readonly #expiry: ExpiryPolicy
  readonly #lock: LockPolicy | undefined
  #currentLoad: LoadReport | undefined

  /**
   * @param options session options in code (camelCase: `tableName` for YAML's `table_name`); ENV and YAML fill the
   *   rest. The snake_case spelling still works, with a deprecation warning (FASTIFY_AWS_DEP004).
   * @param load where ENV and YAML are read from (defaults: `process.env`, `process.cwd()`, `NODE_ENV`).
   */
  constructor(options: SessionOptions & DeprecatedSessionOptions = {}, load: SessionConfigLoad = {}) {
    const s = loadSessionSettings(sessionSettingsFromOptions(options), load)
    this.settings = s
    const { client, owned } = clientOrCreate(
      s.dynamo_db_client,
      DynamoDBClient,
      s.dynamo_db_client ? undefined : withTimeouts(loadAwsClientOptions(s.client_options ?? {}, load)),
      'sessions',
    )
    this.client = client
    this.ownsClient = owned
    this.table = new SessionTable(client, s.table_name, { key: s.table_key, ttl: s.ttl_attribute }, s.consistent_read)
    this.#errorHandler = s.error_handler ?? defaultErrorHandler({ raiseErrors: s.raise_errors, logger: s.logger })
    this.#expiry = { maxAge: s.max_age, maxStale: s.max_stale, touchAfter: s.touch_after }
    this.#lock = s.enable_locking
      ? { expiryMs: s.lock_expiry_time, retryDelayMs: s.lock_retry_delay, maxWaitS: s.lock_max_wait_time }
      : undefined
  }

  /** @fastify/session contract: the session, or null when there is none (or it expired). */
  get(sessionId: string, callback: GetCallback): void {
    this.load(sessionId).then(
      (result) => this.#deliver(result && { sessionId, loaded: result.loaded }, result?.session ?? null, callback),
      (err: unknown) => {
        const thrown = this.#handle('get', err)
        if (thrown !== undefined) callback(thrown)
        else this.#deliver({ sessionId, failed: true }, null, callback)
      },
    )
  }

  /** @fastify/session contract: saves the session if it changed (or its expiry is due a move). */
  set(sessionId: string, session: Session, callback: Callback): void {
    this.save(sessionId, session, loadedSessionOf(session, sessionId)).then(
      () => callback(),
      (err: unknown) => callback(this.#handle('set', err)),
    )
  }

  /** @fastify/session contract: deletes the session. */
  destroy(sessionId: string, callback: Callback): void {
    this.table.delete(sessionId).then(
      () => callback(),
      (err: unknown) => callback(this.#handle('destroy', err)),
    )
  }

  /** express-session contract (@fastify/session never calls it): moves the expiry of an unchanged session. */
  touch(sessionId: string, session: Session, callback: Callback): void {
    const now = Date.now()
    const loaded = loadedSessionOf(session, sessionId)
    const expireAt = expireAtFor(this.#expiry, now, loaded?.createdAt ?? now / 1000, cookieExpiry(session.cookie))
    this.table.touch(sessionId, now, expireAt, { kind: 'exists' }).then(
      () => callback(),
      (err: unknown) => callback(this.#handle('touch', err)),
    )
  }

  /**
   * Reads a session (taking its lock when locking is on). Undefined when it does not exist, expired, or is
   * unreadable; ids that no generator produces (empty, over 1 KB) are answered without a call.
   */
  async load(sessionId: string): Promise<LoadResult | undefined> {
    if (sessionId.length === 0 || Buffer.byteLength(sessionId) > MAX_ID_BYTES) return undefined
    let item: StoredItem | undefined
    let lockOwner: string | undefined
    if (this.#lock) {
      const held = await lockAndRead(this.table, sessionId, this.#lock)
      item = held?.item
      lockOwner = held?.owner
    } else {
      item = await this.table.read(sessionId)
    }
    if (item === undefined) return undefined
    const session = isExpired(this.#expiry, item, Date.now()) ? undefined : deserializeSession(item.data)
    if (session === undefined) {
      if (lockOwner !== undefined) await this.table.unlock(sessionId, lockOwner)
      return undefined
    }
    const loaded: LoadedSession = {
      sessionId,
      data: serializeSession(session),
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      lockHeld: lockOwner !== undefined,
    }
    if (lockOwner !== undefined) loaded.lockOwner = lockOwner
    return { session, loaded }
  }

  /**
   * Saves a session: a full write when it differs from what `loaded` says was read (or nothing was read), else an
   * expiry-only write when `touch_after` has passed since the last write, else a lock release when one is held,
   * else nothing. `loaded` is updated so a second save in the same request does not repeat the write.
   * @throws SessionTooLargeError before any call when the item would exceed 400 KB, SessionDataError when the
   *   session is not JSON-serializable (a held lock is released in both cases).
   */
  async save(sessionId: string, session: object, loaded?: LoadedSession): Promise<SaveOutcome> {
    const now = Date.now()
    let data: string
    try {
      data = serializeSession(session)
    } catch (err) {
      await this.release(loaded)
      throw new SessionDataError((err as Error).message, { cause: err })
    }
    const guard: WriteGuard =
      loaded?.lockHeld && loaded.lockOwner !== undefined
        ? { kind: 'owner', owner: loaded.lockOwner }
        : loaded !== undefined
          ? { kind: 'exists' }
          : { kind: 'upsert' }
    const expireAt = expireAtFor(
      this.#expiry,
      now,
      loaded?.createdAt ?? now / 1000,
      cookieExpiry((session as { cookie?: unknown }).cookie),
    )
    if (loaded === undefined && !this.saveEmptySessions && isEmpty(session)) return 'skipped'
    let outcome: SaveOutcome
    if (loaded === undefined || data !== loaded.data) {
      const size = itemBytes(this.table.layout, sessionId, data, guard.kind === 'owner')
      if (size > MAX_ITEM_BYTES) {
        if (guard.kind === 'owner') await this.release(loaded)
        throw new SessionTooLargeError(`${size} bytes`, MAX_ITEM_BYTES)
      }
      outcome = (await this.table.write(sessionId, data, now, expireAt, guard)) ? 'written' : 'gone'
    } else if (now / 1000 - loaded.updatedAt >= this.#expiry.touchAfter) {
      outcome = (await this.table.touch(sessionId, now, expireAt, guard)) ? 'touched' : 'gone'
    } else if (guard.kind === 'owner') {
      await this.table.unlock(sessionId, guard.owner)
      outcome = 'unlocked'
    } else {
      return 'skipped'
    }
    if (loaded !== undefined) {
      loaded.lockHeld = false
      loaded.data = data
      loaded.updatedAt = now / 1000
    }
    return outcome
  }

  /** Releases the lock `loaded` still holds, if any (a request that ends without saving its session). */
  async release(loaded: LoadedSession | undefined): Promise<void> {
    if (!loaded?.lockHeld || loaded.lockOwner === undefined) return
    loaded.lockHeld = false
    try {
      await this.table.unlock(loaded.sessionId, loaded.lockOwner)
    } catch (err) {
      const thrown = this.#handle('unlock', err)
      if (thrown !== undefined) throw thrown
    }
  }

  /** Destroys the DynamoDB client if this store made it. */
  close(): void {
    if (this.ownsClient) this.client.destroy()
  }

  /**
   * For the plugin: what the `get` whose callback is running right now loaded. @fastify/session restores the
   * session and calls the next onRequest hook synchronously inside that callback, so the plugin's hook right
   * after it can attach the result to the request's session; outside the callback this is undefined, and the
   * store then simply writes whenever it is asked to.
   */
  [kCurrentLoad](): LoadReport | undefined {
    return this.#currentLoad
  }

  /** Calls back with the session, publishing `report` to the plugin for exactly the duration of the callback. */
  #deliver(report: LoadReport | undefined, session: StoredSessionData | null, callback: GetCallback): void {
    this.#currentLoad = report
    try {
      callback(null, session as Session | null)
    } finally {
      this.#currentLoad = undefined
    }
  }

  /** Runs the error handler; returns what it threw (the request then fails), or undefined when it carried on. */
  #handle(operation: SessionOperation, err: unknown): Error | undefined {
    const error = toError(err)
    try {
      this.#errorHandler(error, { operation, tableName: this.settings.table_name })
      return undefined
    } catch (thrown) {
      return toError(thrown)
    }
  }
}

/**
 * Session reads sit on every request's path, and the SDK's HTTP handler has no effective request timeout by
 * default, so an unreachable DynamoDB would hang every request. The client we make gives up after 1 s to connect
 * and 3 s to answer (then the error handler decides), unless `client_options.clientConfig.requestHandler` says
 * otherwise.
 */
export const SESSION_CLIENT_TIMEOUTS = { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true } as const

function withTimeouts(options: AwsClientOptions): AwsClientOptions {
  if (options.clientConfig?.requestHandler !== undefined) return options
  return { ...options, clientConfig: { ...options.clientConfig, requestHandler: { ...SESSION_CLIENT_TIMEOUTS } } }
}

/** True when a session has no field of its own (only its cookie). */
function isEmpty(session: object): boolean {
  return Object.keys(session).every((key) => key === 'cookie')
}
