// Session store options: AWS_DYNAMO_DB_SESSION_* (the Ruby gem's names), config/aws_dynamo_db_session_store.yml, code.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { AwsClientOptions } from '../aws/index.js'
import type { JobLogger } from '../jobs/index.js'
import {
  defineOptions,
  fromCamelCaseOptions,
  loadConfig,
  option,
  camelCase,
  type CamelCase,
  type CamelCaseKeys,
  type LoadConfigOptions,
  type OptionInput,
} from '../config/index.js'
import { SESSION_SNAKE_CASE_OPTIONS } from '../deprecations.js'
import { ConfigError } from '../errors.js'
import type { SessionErrorHandler } from './error-handler.js'

/** Attribute names the store writes besides the key and the TTL attribute; neither may reuse one of them. */
export const RESERVED_ATTRIBUTES = ['data', 'created_at', 'updated_at', 'locked_at', 'lock_owner'] as const

/**
 * Every session option. Names and units follow aws-sessionstore-dynamodb (so its YAML files keep working):
 * `max_age`, `max_stale`, `touch_after` and `lock_max_wait_time` are seconds; `lock_expiry_time` and
 * `lock_retry_delay` are milliseconds.
 */
export const sessionOptions = defineOptions({
  table_name: option.string({ description: 'DynamoDB table holding the sessions', default: 'sessions' }),
  table_key: option.string({ description: 'Hash key attribute (type S) holding the session id', default: 'session_id' }),
  consistent_read: option.boolean({ description: 'Strongly consistent GetItem, so a write is seen by the next request on any instance', default: true }),
  max_age: option.integer({ description: 'Seconds a session may live after creation, however active (unset: no limit)', min: 1 }),
  max_stale: option.integer({ description: 'Seconds a session may stay idle before it expires (unset: the cookie max age, else 1 day)', min: 1 }),
  ttl_attribute: option.string({ description: 'Number attribute holding the expiry in epoch seconds, for DynamoDB TTL', default: 'expire_at' }),
  touch_after: option.integer({
    description: 'Seconds between expiry-only writes of an unchanged session (0: touch on every request, as the Ruby store)',
    min: 0,
    default: 60,
  }),
  raise_errors: option.boolean({ description: 'The default error handler rethrows every DynamoDB error instead of logging it', default: false }),
  enable_locking: option.boolean({ description: 'Pessimistic locking: one request at a time per session, so no update is lost', default: false }),
  lock_expiry_time: option.integer({ description: 'Milliseconds after which a held lock is considered abandoned and may be taken', min: 1, default: 500 }),
  lock_retry_delay: option.integer({ description: 'Milliseconds between attempts to take a held lock', min: 1, default: 500 }),
  lock_max_wait_time: option.number({ description: 'Seconds a request waits for a lock before failing', min: 0, default: 1 }),
  billing_mode: option.enum({
    description: 'Billing mode of the table `sessions create-table` makes',
    values: ['PAY_PER_REQUEST', 'PROVISIONED'] as const,
    default: 'PAY_PER_REQUEST',
  }),
  read_capacity: option.integer({ description: 'Read capacity units when billing_mode is PROVISIONED', min: 1, default: 10 }),
  write_capacity: option.integer({ description: 'Write capacity units when billing_mode is PROVISIONED', min: 1, default: 5 }),
  secret_key: option.list({
    description: 'Cookie signing secrets, each >= 32 characters; the first signs, all verify (comma-separated in ENV)',
  }),
  cookie_name: option.string({ description: 'Name of the session cookie', default: 'sessionId' }),
  dynamo_db_client: option.code<DynamoDBClient>({
    description: 'An existing DynamoDBClient (never closed by the store or the plugin)',
    check: (v): v is DynamoDBClient => typeof v === 'object' && v !== null && typeof (v as { send?: unknown }).send === 'function',
    expected: 'a DynamoDBClient',
  }),
  client_options: option.code<AwsClientOptions>({
    description: 'Options for the DynamoDBClient made when no client is given (merged over config/aws.yml)',
    check: (v): v is AwsClientOptions => typeof v === 'object' && v !== null,
    expected: 'an object of AWS client options',
  }),
  error_handler: option.code<SessionErrorHandler>({
    description: 'Decides what a DynamoDB error does: throw to fail the request, return to carry on without the session',
    check: (v): v is SessionErrorHandler => typeof v === 'function',
    expected: 'a function (error, context) => void',
  }),
  logger: option.code<JobLogger>({
    description: 'Where the default error handler logs (the plugin passes the Fastify logger)',
    check: (v): v is JobLogger => typeof v === 'object' && v !== null && typeof (v as { error?: unknown }).error === 'function',
    expected: 'a pino-compatible logger',
  }),
})

/** DynamoDB's rule for table names. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/

/** Where session options are read from; the second YAML name is the one older setups used. */
export const sessionConfigSource = {
  names: ['aws_dynamo_db_session_store', 'dynamo_db_session_store'],
  envPrefix: 'AWS_DYNAMO_DB_SESSION_',
} as const

/** Session settings under their YAML keys (snake_case): what {@link loadSessionSettings} takes. */
export type SessionSettings = OptionInput<typeof sessionOptions>

/** Session options as code gives them: camelCase (`maxStale`, `tableName`); each overrides its ENV/YAML counterpart. */
export type SessionOptions = CamelCaseKeys<SessionSettings> & {
  /** Explicit YAML file (else config/aws_dynamo_db_session_store[/<NODE_ENV>].yml). */
  configFile?: string
}

/**
 * Session options in code, snake_case keys that have a camelCase name: still accepted (a deprecation warning,
 * FASTIFY_AWS_DEP004, names the new spelling).
 */
export type DeprecatedSessionOptions = { [K in keyof SessionSettings as K extends CamelCase<K> ? never : K]?: SessionSettings[K] }

/** Code options (camelCase, or the deprecated snake_case) as settings; warns once when snake_case keys are used. */
export function sessionSettingsFromOptions(options: SessionOptions & DeprecatedSessionOptions): SessionSettings & { configFile?: string } {
  const { code, snakeCaseKeys } = fromCamelCaseOptions(sessionOptions, options)
  if (snakeCaseKeys.length > 0) SESSION_SNAKE_CASE_OPTIONS(snakeCaseKeys.map((k) => `${camelCase(k)} instead of ${k}`).join(', '))
  return code as SessionSettings & { configFile?: string }
}

/** Where to look for ENV and YAML (defaults: `process.env`, `process.cwd()`, `NODE_ENV`). */
export type SessionConfigLoad = Omit<LoadConfigOptions<typeof sessionOptions>, 'code'>

/** Resolved session options. */
export type ResolvedSessionSettings = ReturnType<typeof loadSessionSettings>

/**
 * Resolves the session options (code > ENV > YAML > defaults) and checks the ones that depend on each other.
 * @throws ConfigError naming the option, where it came from and what is wrong.
 */
export function loadSessionSettings(code: SessionSettings & { configFile?: string } = {}, load: SessionConfigLoad = {}) {
  const { values } = loadConfig(sessionConfigSource, sessionOptions, { ...load, code })
  if (!TABLE_NAME.test(values.table_name)) {
    throw new ConfigError(
      `Session option table_name "${values.table_name}" is not a DynamoDB table name: 3 to 255 characters of letters, digits, "_", "-" and ".".`,
    )
  }
  const clash = [values.table_key, values.ttl_attribute].find((a) => (RESERVED_ATTRIBUTES as readonly string[]).includes(a))
  if (clash !== undefined) {
    throw new ConfigError(`Session option table_key/ttl_attribute is "${clash}", an attribute the store writes itself (${RESERVED_ATTRIBUTES.join(', ')}): pick another name.`)
  }
  if (values.table_key === values.ttl_attribute) {
    throw new ConfigError(`Session options table_key and ttl_attribute are both "${values.table_key}": they must differ.`)
  }
  if (values.max_stale !== undefined && values.touch_after >= values.max_stale) {
    throw new ConfigError(
      `Session option touch_after (${values.touch_after} s) must be less than max_stale (${values.max_stale} s), or idle sessions would expire between touches.`,
    )
  }
  return values
}
