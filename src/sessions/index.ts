/**
 * DynamoDB sessions for the web tier: a @fastify/session store, the Fastify plugin that wires it with safe
 * defaults, and the table and garbage-collection operations behind `fastify-aws sessions`.
 * @module
 */
export { fastifyAwsSessions, dynamoDbSessions, type FastifyAwsSessionsOptions, type DynamoDbSessionPluginOptions } from './plugin.js'
export { checkSecret, type SessionSigner } from './secret.js'
export { DynamoDbSessionStore, SESSION_CLIENT_TIMEOUTS, type LoadResult, type SaveOutcome } from './store.js'
export {
  sessionOptions,
  sessionConfigSource,
  loadSessionSettings,
  RESERVED_ATTRIBUTES,
  sessionSettingsFromOptions,
  type SessionSettings,
  type SessionOptions,
  type DeprecatedSessionOptions,
  type ResolvedSessionSettings,
  type SessionConfigLoad,
} from './options.js'
export {
  defaultErrorHandler,
  isConfigurationError,
  type SessionErrorHandler,
  type SessionErrorContext,
  type SessionOperation,
} from './error-handler.js'
export { createSessionTable, deleteSessionTable, type SessionTableSettings, type CreateTableResult, type TableLog } from './table.js'
export {
  collectGarbage,
  BATCH_SIZE,
  type GarbageCollectionSettings,
  type GarbageCollectionOptions,
  type GarbageCollectionProgress,
} from './garbage-collection.js'
export { expireAtFor, isExpired, DEFAULT_IDLE_SECONDS, type ExpiryPolicy, type ItemTimes } from './expiry.js'
export { MAX_ITEM_BYTES, ATTR as SESSION_ATTRIBUTES, type ItemLayout, type StoredItem } from './item.js'
export { type LoadedSession } from './loaded-session.js'
export { type StoredSessionData, type StoredCookie } from './session-data.js'
export { SessionTable, type WriteGuard } from './session-table.js'
export { type LockPolicy } from './locking.js'
