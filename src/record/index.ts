/**
 * DynamoDB models with aws-record's semantics and wire format, fully typed from their definition, so a Node
 * service and a Rails app can share tables; table configs and migrations (`fastify-aws migrate`); the model
 * generator (`fastify-aws generate model`).
 * @module
 */
export { attr, type AttributeDefinition, type AttributeOptions, type AttributeValidation, type AnyAttribute } from './attributes.js'
export { defineModel, type ModelClass, type ModelDefinition, type RecordItem, type RecordMethods, type FindOptions, type AttributesOf } from './model.js'
export type {
  AttributeMap,
  AttributeName,
  IndexDefinition,
  IndexMap,
  InputOf,
  ItemAssign,
  ItemInit,
  ItemValues,
  KeyOf,
  CounterName,
  NameOfKind,
  ValueOf,
  HashKeyName,
  RangeKeyName,
} from './types.js'
export type { AttributeKind } from './marshal.js'
export { RESERVED_NAMES } from './schema.js'
export type { SaveOptions } from './item.js'
export type { ValidationIssue } from './validation.js'
export { ItemCollection, QueryBuilder, ScanBuilder, type Page } from './query.js'
export { batchWrite, BATCH_GET_LIMIT, BATCH_WRITE_LIMIT, type BatchWriteOperation, type BatchRetryOptions } from './batch.js'
export {
  transactWrite,
  transactFind,
  type TransactWriteEntry,
  type TransactCheck,
  type TransactFind,
  type TransactFindResults,
  type WriteCondition,
  type ModelItem,
} from './transactions.js'
export { configureRecord, closeRecordClient, DOCUMENT_CLIENT_OPTIONS, type RecordClientInput, type RecordClientSettings } from './client.js'
export type { StoredItem } from './requests.js'
export { defineTableConfig, isTableConfig, TABLE_CONFIG, type TableConfig, type TableConfigOptions, type Throughput } from './table-config.js'
export {
  migrate,
  planMigration,
  compatible,
  exactMatch,
  waitUntilActive,
  migrationClient,
  type MigrationPlan,
  type MigrationStep,
  type MigrationResult,
  type MigrateOptions,
} from './migrate.js'
