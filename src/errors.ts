/**
 * Every error fastify-aws throws, with a stable `code` (`FASTIFY_AWS_…`).
 *
 * Match on `err.code`, never on the message text: messages may be improved, codes never change.
 * Each part keeps its errors in its own section below.
 */
import createError from '@fastify/error'

/**
 * `thrown` as an Error: itself when it is one, else an Error whose message is its text (a `throw 'text'` or a
 * rejected promise with a plain value). Every catch that hands a thrown value on as an Error goes through here.
 */
export function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown))
}

// ── config ────────────────────────────────────────────────────────────────────────────────
/** A configuration value (code, ENV or YAML) is missing, unknown or of the wrong type. */
export const ConfigError = createError<'FASTIFY_AWS_CONFIG', [string]>('FASTIFY_AWS_CONFIG', '%s')
/** A YAML configuration file could not be read or parsed. */
export const ConfigFileError = createError<'FASTIFY_AWS_CONFIG_FILE', [string, string]>(
  'FASTIFY_AWS_CONFIG_FILE',
  'Cannot read config file %s: %s',
)

// ── jobs ──────────────────────────────────────────────────────────────────────────────────
/**
 * A job class is defined wrongly when registered (no valid explicit jobName, no perform, a bad static policy, a name
 * taken by another class).
 */
export const JobDefinitionError = createError<'FASTIFY_AWS_JOB_DEFINITION', [string]>(
  'FASTIFY_AWS_JOB_DEFINITION',
  '%s',
)
/** An enqueue option (`wait`, `waitUntil`, `priority`) is invalid; nothing was sent. */
export const EnqueueOptionError = createError<'FASTIFY_AWS_ENQUEUE_OPTION', [string]>(
  'FASTIFY_AWS_ENQUEUE_OPTION',
  'Invalid enqueue option: %s',
)
/**
 * `performLater` (or `deliverLater`) was called and no queue is set: `useSqsQueue()`, the fastifyAwsQueue plugin or
 * `setQueueAdapter` was not called in this process. Nothing was sent.
 */
export const NoQueueAdapterError = createError<'FASTIFY_AWS_NO_QUEUE_ADAPTER', [string]>(
  'FASTIFY_AWS_NO_QUEUE_ADAPTER',
  "Cannot enqueue %s: no queue is configured. Call useSqsQueue() from 'fastify-aws/queue' (or setQueueAdapter) first.",
)
/** A message names a job that is not registered (or not allowlisted). */
export const UnknownJobError = createError<'FASTIFY_AWS_UNKNOWN_JOB', [string]>(
  'FASTIFY_AWS_UNKNOWN_JOB',
  'Unknown job %s: no job is registered under that name (or it is not in the allowlist).',
)
/** A message body is not a job envelope (not JSON, not an object, no job_class, bad field types). */
export const MalformedMessageError = createError<'FASTIFY_AWS_MALFORMED_MESSAGE', [string]>(
  'FASTIFY_AWS_MALFORMED_MESSAGE',
  'Malformed job message: %s',
)
/** An argument cannot be carried as JSON (enqueue side) or uses an ActiveJob form we do not read. */
export const UnsupportedArgumentError = createError<'FASTIFY_AWS_UNSUPPORTED_ARGUMENT', [string]>(
  'FASTIFY_AWS_UNSUPPORTED_ARGUMENT',
  'Unsupported job argument: %s',
)
/** The module that should register an app's jobs (`poll --jobs`, the ready-made Lambda handler) cannot be imported or registers none. */
export const JobsModuleError = createError<'FASTIFY_AWS_JOBS_MODULE', [string]>('FASTIFY_AWS_JOBS_MODULE', '%s')
/** `this.context` was read outside a run (in the constructor, or after perform ended). */
export const JobContextError = createError<'FASTIFY_AWS_JOB_CONTEXT', []>(
  'FASTIFY_AWS_JOB_CONTEXT',
  'Job context is only available while the job runs',
)
/**
 * The reason of a running job's `context.signal` once the worker or the poller shut down and the shutdown timeout
 * passed; a job that throws it fails its run, and its message comes back.
 */
export const JobAbortedError = createError<'FASTIFY_AWS_JOB_ABORTED', [string]>('FASTIFY_AWS_JOB_ABORTED', '%s')
/** Thrown inside a job to end it as discarded (deleted, not retried), whatever its policy. */
export const DiscardJobError = createError<'FASTIFY_AWS_DISCARD_JOB', [string]>(
  'FASTIFY_AWS_DISCARD_JOB',
  'Job discarded: %s',
)

// ── worker ────────────────────────────────────────────────────────────────────────────────
/** cron.yaml is missing a field, has a bad schedule, a duplicate name, or names an unregistered job. */
export const CronYamlError = createError<'FASTIFY_AWS_CRON_YAML', [string]>('FASTIFY_AWS_CRON_YAML', '%s')

// ── queue ─────────────────────────────────────────────────────────────────────────────────
/** A job names a queue that has no URL configured (YAML `queues`, `AWS_ACTIVE_JOB_SQS_<QUEUE>_URL`, or code). */
export const UnknownQueueError = createError<'FASTIFY_AWS_UNKNOWN_QUEUE', [string, string]>(
  'FASTIFY_AWS_UNKNOWN_QUEUE',
  'No URL is configured for queue "%s". %s',
)
/** A job cannot be enqueued as asked (a delay on a FIFO queue, a body over the size limit); nothing was sent. */
export const EnqueueError = createError<'FASTIFY_AWS_ENQUEUE', [string]>('FASTIFY_AWS_ENQUEUE', 'Cannot enqueue: %s')
/** SQS refused or failed to store a message; `sqsCode`, `senderFault` and `cause` say why. */
export const QueueSendError = createError<'FASTIFY_AWS_QUEUE_SEND', [string, string, string]>(
  'FASTIFY_AWS_QUEUE_SEND',
  'SQS did not accept job %s: %s: %s',
)
/** The queue was closed; it accepts no more jobs. */
export const QueueClosedError = createError<'FASTIFY_AWS_QUEUE_CLOSED', [string]>(
  'FASTIFY_AWS_QUEUE_CLOSED',
  'The SQS queue adapter is closed; cannot enqueue %s.',
)

// ── poller ────────────────────────────────────────────────────────────────────────────────
/** The poller cannot start as configured (no queues, an unknown queue name, a bad option). */
export const PollerConfigError = createError<'FASTIFY_AWS_POLLER_CONFIG', [string]>('FASTIFY_AWS_POLLER_CONFIG', '%s')
/** An SQS call of the poller (receive, delete, visibility change, re-send) failed; `cause` holds the SDK error. */
export const PollerSqsError = createError<'FASTIFY_AWS_POLLER_SQS', [string, string]>(
  'FASTIFY_AWS_POLLER_SQS',
  'SQS %s failed: %s',
)

// ── lambda ────────────────────────────────────────────────────────────────────────────────
/** The Lambda handler got an event that is not an SQS event (no `Records` array, a record with no body). */
export const LambdaEventError = createError<'FASTIFY_AWS_LAMBDA_EVENT', [string]>(
  'FASTIFY_AWS_LAMBDA_EVENT',
  'Not an SQS event: %s',
)

// ── dev ───────────────────────────────────────────────────────────────────────────────────
/** The sqsd daemon or the dev stack cannot start as configured (bad --http-url, an --app that does not load, a missing cron file, FIFO + cron). */
export const DevConfigError = createError<'FASTIFY_AWS_DEV_CONFIG', [string]>('FASTIFY_AWS_DEV_CONFIG', '%s')
/** A port the dev stack should listen on (the app's, the embedded SQS's) is taken; pick another or 0. */
export const DevPortInUseError = createError<'FASTIFY_AWS_DEV_PORT_IN_USE', [string]>('FASTIFY_AWS_DEV_PORT_IN_USE', '%s')
/**
 * The sqsd daemon could not read its queue's attributes at start (wrong URL or region, no permission, SQS
 * unreachable); `cause` holds the SDK error. Unlike a configuration error it may pass on a retry.
 */
export const SqsdQueueUnreadableError = createError<'FASTIFY_AWS_SQSD_QUEUE_UNREADABLE', [string, string, { cause: unknown }]>(
  'FASTIFY_AWS_SQSD_QUEUE_UNREADABLE',
  'Cannot read queue %s: %s. Check --queue-url, the region and the SQS endpoint.',
)
/** `fastify-aws dev` needs its embedded SQS, and the optional peer `fauxqs` is not installed; the message names the install command. */
export const DevSqsEmulatorMissingError = createError<'FASTIFY_AWS_DEV_SQS_EMULATOR_MISSING', [string]>(
  'FASTIFY_AWS_DEV_SQS_EMULATOR_MISSING',
  'the embedded SQS emulator (fauxqs) is not installed: %s',
)
/** `enqueue` / `cron run` found no queue: no flag, no configuration, and no running `fastify-aws dev`. */
export const DevQueueNotFoundError = createError<'FASTIFY_AWS_DEV_QUEUE_NOT_FOUND', [string]>(
  'FASTIFY_AWS_DEV_QUEUE_NOT_FOUND',
  'No queue to send to: %s',
)

// ── sessions ──────────────────────────────────────────────────────────────────────────────
/** The session plugin has no signing secret, or one shorter than 32 characters. */
export const SessionSecretError = createError<'FASTIFY_AWS_SESSION_SECRET', [string]>('FASTIFY_AWS_SESSION_SECRET', '%s')
/** A session is over DynamoDB's 400 KB item limit; nothing was written and the stored session is unchanged. */
export const SessionTooLargeError = createError<'FASTIFY_AWS_SESSION_TOO_LARGE', [string, number, { cause: unknown }?]>(
  'FASTIFY_AWS_SESSION_TOO_LARGE',
  'The session is %s as a DynamoDB item, over the %d-byte limit: it was not saved (the stored session is unchanged). Keep large data elsewhere and store its id in the session.',
)
/** The session table does not exist (wrong name or region, or it was never created). */
export const SessionTableMissingError = createError<'FASTIFY_AWS_SESSION_TABLE_MISSING', [string, { cause: unknown }?]>(
  'FASTIFY_AWS_SESSION_TABLE_MISSING',
  'The DynamoDB session table "%s" does not exist: create it with "fastify-aws sessions create-table", or fix table_name / the region.',
)
/** A request waited lock_max_wait_time for another request's lock on its session and gave up. */
export const SessionLockTimeoutError = createError<'FASTIFY_AWS_SESSION_LOCK_TIMEOUT', 503, [number]>(
  'FASTIFY_AWS_SESSION_LOCK_TIMEOUT',
  'Another request held the lock on this session for longer than lock_max_wait_time (%d s).',
  503,
)
/** The lock this request held expired and another request took it, so this request's write was refused. */
export const SessionLockLostError = createError<'FASTIFY_AWS_SESSION_LOCK_LOST', 409, [{ cause: unknown }?]>(
  'FASTIFY_AWS_SESSION_LOCK_LOST',
  'This request held the session lock longer than lock_expiry_time and another request took it over: its session changes were not saved.',
  409,
)
/** A DynamoDB call of the session store failed; `cause` holds the SDK error. */
export const SessionStoreError = createError<'FASTIFY_AWS_SESSION_STORE', [string, string, { cause: unknown }?]>(
  'FASTIFY_AWS_SESSION_STORE',
  'Session %s failed: %s',
)
/** The session holds something JSON cannot carry (a BigInt, a circular reference); nothing was written. */
export const SessionDataError = createError<'FASTIFY_AWS_SESSION_DATA', [string, { cause: unknown }?]>(
  'FASTIFY_AWS_SESSION_DATA',
  'The session cannot be stored as JSON (%s): nothing was saved. Keep only JSON values (strings, numbers, booleans, arrays, plain objects) in the session.',
)
/** Garbage collection could not delete some expired sessions after retrying. */
export const SessionGcError = createError<'FASTIFY_AWS_SESSION_GC', [number, number]>(
  'FASTIFY_AWS_SESSION_GC',
  'Garbage collection deleted %d sessions but %d stayed unprocessed after every retry; run it again later.',
)

// ── mail ──────────────────────────────────────────────────────────────────────────────────
/** A message cannot be sent as given (no sender, no recipient, an invalid address/header/tag); nothing was sent. */
export const MailMessageError = createError<'FASTIFY_AWS_MAIL_MESSAGE', 400, [string]>(
  'FASTIFY_AWS_MAIL_MESSAGE',
  'Cannot send this mail: %s',
  400,
)
/** The encoded message is over the SES API's size limit; nothing was sent. */
export const MailTooLargeError = createError<'FASTIFY_AWS_MAIL_TOO_LARGE', 400, [number, string, number]>(
  'FASTIFY_AWS_MAIL_TOO_LARGE',
  'The encoded message is %d bytes, over the %s limit of %d bytes; nothing was sent. Send large files as links instead of attachments.',
  400,
)
/** SES refused or failed the send; `sesCode` holds the SES error code, `cause` the SDK error. The mail was not sent. */
export const MailDeliveryError = createError<'FASTIFY_AWS_MAIL_DELIVERY', 502, [string, string, string, { cause: unknown }]>(
  'FASTIFY_AWS_MAIL_DELIVERY',
  'SES %s did not send the mail: %s: %s',
  502,
)
/** A mailer is misconfigured (a bad name or default, a client of the other SES API) or registered twice. */
export const MailerError = createError<'FASTIFY_AWS_MAILER', [string]>('FASTIFY_AWS_MAILER', '%s')
/** A mailer was used after `close()` (the app is shutting down); nothing was sent. */
export const MailerClosedError = createError<'FASTIFY_AWS_MAILER_CLOSED', [string]>(
  'FASTIFY_AWS_MAILER_CLOSED',
  'Mailer %s is closed.',
)
/**
 * A `deliverLater` job runs in a process where no mailer of that name is registered (the worker does not register
 * the mail plugin, or not with that namespace); the job fails and is retried under its policy.
 */
export const MailerNotFoundError = createError<'FASTIFY_AWS_MAILER_NOT_FOUND', [string]>('FASTIFY_AWS_MAILER_NOT_FOUND', '%s')

// ── record ────────────────────────────────────────────────────────────────────────────────
/** A model or table config is defined wrongly (no hash key, a name collision, a reserved name, a bad index); refused at definition. */
export const RecordDefinitionError = createError<'FASTIFY_AWS_RECORD_DEFINITION', [string]>(
  'FASTIFY_AWS_RECORD_DEFINITION',
  '%s',
)
/** An item failed its validations; `errors` lists every attribute and rule. Nothing was sent. */
export const RecordValidationError = createError<'FASTIFY_AWS_RECORD_VALIDATION', 422, [string, string]>(
  'FASTIFY_AWS_RECORD_VALIDATION',
  '%s is not valid, nothing was saved: %s',
  422,
)
/** A key attribute needed for the operation is missing; the message names it. Nothing was sent. */
export const RecordKeyMissingError = createError<'FASTIFY_AWS_RECORD_KEY_MISSING', [string, string, string, string]>(
  'FASTIFY_AWS_RECORD_KEY_MISSING',
  '%s: the %s key "%s" is missing; set it before %s.',
)
/** A conditional write failed (the item already exists, or a caller's condition was false); `cause` holds the SDK error. */
export const RecordConditionalWriteError = createError<'FASTIFY_AWS_RECORD_CONDITIONAL_WRITE', 409, [string, { cause: unknown }?]>(
  'FASTIFY_AWS_RECORD_CONDITIONAL_WRITE',
  '%s',
  409,
)
/** The item changed since it was read (optimistic locking: its version attribute moved on); nothing was written. */
export const RecordStaleItemError = createError<'FASTIFY_AWS_RECORD_STALE_ITEM', 409, [string, { cause: unknown }?]>(
  'FASTIFY_AWS_RECORD_STALE_ITEM',
  '%s',
  409,
)
/** `reload()` found no item under the key. */
export const RecordNotFoundError = createError<'FASTIFY_AWS_RECORD_NOT_FOUND', 404, [string]>(
  'FASTIFY_AWS_RECORD_NOT_FOUND',
  '%s',
  404,
)
/** A model method was used in a way that cannot work (a query naming an unknown attribute or index, a counter on a dirty item). */
export const RecordUsageError = createError<'FASTIFY_AWS_RECORD_USAGE', [string]>('FASTIFY_AWS_RECORD_USAGE', '%s')
/**
 * A value given for an attribute cannot be cast to its type (not a number DynamoDB can store, not a date, not a
 * list); the message names the model and attribute. Usually bad input: answer 400.
 */
export const RecordValueError = createError<'FASTIFY_AWS_RECORD_VALUE', 400, [string]>('FASTIFY_AWS_RECORD_VALUE', '%s', 400)
/** A batch left items or keys unprocessed after every retry; `unprocessed` holds them. */
export const RecordUnprocessedError = createError<'FASTIFY_AWS_RECORD_UNPROCESSED', [string]>(
  'FASTIFY_AWS_RECORD_UNPROCESSED',
  '%s',
)
/** DynamoDB cancelled a transaction; `reasons` has one entry per item (`ConditionalCheckFailed`, `None`, ...). */
export const RecordTransactionError = createError<'FASTIFY_AWS_RECORD_TRANSACTION', 409, [string, { cause: unknown }?]>(
  'FASTIFY_AWS_RECORD_TRANSACTION',
  'Transaction cancelled: %s',
  409,
)
/** A table config is incomplete or contradicts the table (capacity with on-demand, a key-schema mismatch). */
export const RecordTableConfigError = createError<'FASTIFY_AWS_RECORD_TABLE_CONFIG', [string]>(
  'FASTIFY_AWS_RECORD_TABLE_CONFIG',
  '%s',
)
/** `migrate` failed on a table; the message names the table and the cause. Tables migrated before stay migrated. */
export const RecordMigrationError = createError<'FASTIFY_AWS_RECORD_MIGRATION', [string, string, { cause: unknown }?]>(
  'FASTIFY_AWS_RECORD_MIGRATION',
  'Migrating table %s failed: %s',
)
/** A table or one of its indexes did not become ACTIVE within the wait (`maxWaitMs`, default 30 minutes). */
export const RecordWaitTimeoutError = createError<'FASTIFY_AWS_RECORD_WAIT_TIMEOUT', [number, string]>(
  'FASTIFY_AWS_RECORD_WAIT_TIMEOUT',
  'still not ACTIVE after %d s (%s)',
)
/** `generate model` got a bad field spec or option; the message names it, says what is wrong and shows the right form. */
export const RecordGeneratorError = createError<'FASTIFY_AWS_RECORD_GENERATOR', [string]>('FASTIFY_AWS_RECORD_GENERATOR', '%s')

// ── dashboard ─────────────────────────────────────────────────────────────────────────────
/** The dashboard cannot start as configured (a bad option, an auth plugin already registered, no SQS client). */
export const DashboardConfigError = createError<'FASTIFY_AWS_DASHBOARD_CONFIG', [string]>('FASTIFY_AWS_DASHBOARD_CONFIG', '%s')
/** The server listens on a non-loopback address and the dashboard has neither basic-auth credentials nor an auth hook. */
export const DashboardUnguardedError = createError<'FASTIFY_AWS_DASHBOARD_UNGUARDED', [string]>(
  'FASTIFY_AWS_DASHBOARD_UNGUARDED',
  'The jobs dashboard refuses to serve on %s without authentication: set FASTIFY_AWS_DASHBOARD_USERNAME and FASTIFY_AWS_DASHBOARD_PASSWORD (or the username/password options), pass an auth hook, or listen on 127.0.0.1.',
)
/** A dashboard request that cannot be served as asked (a bad form value, an unknown queue, a message no longer there). */
export const DashboardRequestError = createError<'FASTIFY_AWS_DASHBOARD_REQUEST', 400, [string]>(
  'FASTIFY_AWS_DASHBOARD_REQUEST',
  '%s',
  400,
)
/** Basic auth was asked for and the user name or password given does not match the dashboard's. */
export const DashboardUnauthorizedError = createError<'FASTIFY_AWS_DASHBOARD_UNAUTHORIZED', 401, []>(
  'FASTIFY_AWS_DASHBOARD_UNAUTHORIZED',
  'Wrong user name or password for the jobs dashboard.',
  401,
)
/** An action was refused: read-only mode, a job outside the allowlist, a request from outside loopback while unguarded. */
export const DashboardForbiddenError = createError<'FASTIFY_AWS_DASHBOARD_FORBIDDEN', 403, [string]>(
  'FASTIFY_AWS_DASHBOARD_FORBIDDEN',
  '%s',
  403,
)
/** The queue, message, task or job a dashboard request names is not there (not configured, already moved or deleted). */
export const DashboardNotFoundError = createError<'FASTIFY_AWS_DASHBOARD_NOT_FOUND', 404, [string]>(
  'FASTIFY_AWS_DASHBOARD_NOT_FOUND',
  '%s',
  404,
)
/** A redrive of that dead-letter queue is already running; wait for it (its page shows the progress). */
export const DashboardConflictError = createError<'FASTIFY_AWS_DASHBOARD_CONFLICT', 409, [string]>(
  'FASTIFY_AWS_DASHBOARD_CONFLICT',
  '%s',
  409,
)
/** An SQS call of the dashboard failed; `cause` holds the SDK error. */
export const DashboardSqsError = createError<'FASTIFY_AWS_DASHBOARD_SQS', 502, [string, string, { cause: unknown }?]>(
  'FASTIFY_AWS_DASHBOARD_SQS',
  'SQS %s failed: %s',
  502,
)

// ── aws ───────────────────────────────────────────────────────────────────────────────────
/** AWS SDK operations cannot be instrumented: no SDK v3 client class was found, or one given is not a client. */
export const SdkInstrumentationError = createError<'FASTIFY_AWS_SDK_INSTRUMENTATION', [string]>(
  'FASTIFY_AWS_SDK_INSTRUMENTATION',
  'Cannot instrument AWS SDK operations: %s',
)
/** No AWS region was found for a client (nothing in code, config/aws.yml, AWS_REGION, the profile or instance metadata). */
export const AwsRegionMissingError = createError<'FASTIFY_AWS_REGION_MISSING', [string, { cause: unknown }?]>(
  'FASTIFY_AWS_REGION_MISSING',
  'The AWS region is missing for %s: set AWS_REGION, pass --region to the command, or add "region:" to config/aws.yml.',
)

// ── credentials (Rails encrypted credentials) ─────────────────────────────────────────────
// Messages name the file, where the key came from and the fix; never a key, a value or a line of the plaintext.
/** The encrypted credentials file cannot be read: named explicitly but missing, unreadable, or absent for `show`. */
export const CredentialsFileError = createError<'FASTIFY_AWS_CREDENTIALS_FILE', [string, string]>(
  'FASTIFY_AWS_CREDENTIALS_FILE',
  'Cannot read encrypted credentials %s: %s',
)
/** The encrypted credentials file exists but no key to decrypt it was found. */
export const CredentialsKeyMissingError = createError<'FASTIFY_AWS_CREDENTIALS_KEY_MISSING', [string, string]>(
  'FASTIFY_AWS_CREDENTIALS_KEY_MISSING',
  'Cannot decrypt %s: no key. %s',
)
/** The key is not a Rails credentials key (32 hexadecimal characters). */
export const CredentialsKeyError = createError<'FASTIFY_AWS_CREDENTIALS_KEY', [string, string]>(
  'FASTIFY_AWS_CREDENTIALS_KEY',
  'The key from %s is not a Rails credentials key: %s',
)
/** Decryption failed: the key is not the one the file was encrypted with, or the file was changed. */
export const CredentialsDecryptError = createError<'FASTIFY_AWS_CREDENTIALS_DECRYPT', [string, string]>(
  'FASTIFY_AWS_CREDENTIALS_DECRYPT',
  'Cannot decrypt %s with the key from %s: the key is not the one this file was encrypted with, or the file was changed after it was written. Use the key it was made with (config/master.key, RAILS_MASTER_KEY), or restore the file from version control.',
)
/** The file is not in Rails' format, or its plaintext is not a Marshal-wrapped or JSON string. */
export const CredentialsFormatError = createError<'FASTIFY_AWS_CREDENTIALS_FORMAT', [string, string]>(
  'FASTIFY_AWS_CREDENTIALS_FORMAT',
  '%s is not a Rails encrypted credentials file: %s',
)
/** The decrypted YAML is invalid, or its `aws` section is not what aws-sdk-rails reads. */
export const CredentialsContentError = createError<'FASTIFY_AWS_CREDENTIALS_CONTENT', [string, string]>(
  'FASTIFY_AWS_CREDENTIALS_CONTENT',
  '%s: %s',
)
/** `fastify-aws credentials edit` could not open an editor, the editor failed, or the edit was not saved. */
export const CredentialsEditError = createError<'FASTIFY_AWS_CREDENTIALS_EDIT', [string]>(
  'FASTIFY_AWS_CREDENTIALS_EDIT',
  '%s',
)

// ── deploy ────────────────────────────────────────────────────────────────────────────────
/**
 * `fastify-aws init` cannot write an app's deployment files: no package.json in the folder, an entry point it cannot
 * find (give `--entry`), or a file that exists already (give `--force` to overwrite it).
 */
export const DeployInitError = createError<'FASTIFY_AWS_DEPLOY_INIT', [string]>('FASTIFY_AWS_DEPLOY_INIT', '%s')
/**
 * `fastify-aws bundle` refused to write the source bundle: a required file is missing, the build is missing or older
 * than the sources, a `node_modules/` or a secret-looking file (`.env`, `.npmrc`) would go in, or `engines.node`
 * admits none of Elastic Beanstalk's Node.js platform branches. Nothing was written.
 */
export const DeployBundleError = createError<'FASTIFY_AWS_DEPLOY_BUNDLE', [string]>('FASTIFY_AWS_DEPLOY_BUNDLE', '%s')
/** `fastify-aws doctor` cannot read a deployment file it must check (invalid YAML in `.ebextensions`, an unreadable Procfile). */
export const DeployConfigError = createError<'FASTIFY_AWS_DEPLOY_CONFIG', [string]>('FASTIFY_AWS_DEPLOY_CONFIG', '%s')

// ── cli ───────────────────────────────────────────────────────────────────────────────────
/** A command-line flag or argument is missing or invalid. */
export const CliUsageError = createError<'FASTIFY_AWS_CLI_USAGE', [string]>('FASTIFY_AWS_CLI_USAGE', '%s')
/** An unknown flag, a flag without its value or a stray word; the message names the nearest flag (or lists them). */
export const CliFlagError = createError<'FASTIFY_AWS_CLI_FLAG', [string]>('FASTIFY_AWS_CLI_FLAG', '%s')
