/**
 * Every error fastify-aws throws, with a stable `code` (`FASTIFY_AWS_…`).
 *
 * Match on `err.code`, never on the message text: messages may be improved, codes never change.
 * Each part keeps its errors in its own section below.
 */
import createError from '@fastify/error'

// ── config ────────────────────────────────────────────────────────────────────────────────
/** A configuration value (code, ENV or YAML) is missing, unknown or of the wrong type. */
export const ConfigError = createError<'FASTIFY_AWS_CONFIG', [string]>('FASTIFY_AWS_CONFIG', '%s')
/** A YAML configuration file could not be read or parsed. */
export const ConfigFileError = createError<'FASTIFY_AWS_CONFIG_FILE', [string, string]>(
  'FASTIFY_AWS_CONFIG_FILE',
  'Cannot read config file %s: %s',
)

// ── jobs ──────────────────────────────────────────────────────────────────────────────────
/** A job class has no valid explicit name, or a name is registered twice. */
export const JobDefinitionError = createError<'FASTIFY_AWS_JOB_DEFINITION', [string]>(
  'FASTIFY_AWS_JOB_DEFINITION',
  '%s',
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
/** Thrown inside a job to end it as discarded (deleted, not retried), whatever its policy. */
export const DiscardJobError = createError<'FASTIFY_AWS_DISCARD_JOB', [string]>(
  'FASTIFY_AWS_DISCARD_JOB',
  'Job discarded: %s',
)

// ── worker ────────────────────────────────────────────────────────────────────────────────
/** cron.yaml is missing a field, has a bad schedule, a duplicate name, or names an unregistered job. */
export const CronYamlError = createError<'FASTIFY_AWS_CRON_YAML', [string]>('FASTIFY_AWS_CRON_YAML', '%s')

// ── queue ─────────────────────────────────────────────────────────────────────────────────

// ── poller ────────────────────────────────────────────────────────────────────────────────

// ── lambda ────────────────────────────────────────────────────────────────────────────────

// ── dev ───────────────────────────────────────────────────────────────────────────────────

// ── sessions ──────────────────────────────────────────────────────────────────────────────

// ── mail ──────────────────────────────────────────────────────────────────────────────────

// ── aws ───────────────────────────────────────────────────────────────────────────────────
/** AWS SDK operations cannot be instrumented: no SDK v3 client class was found, or one given is not a client. */
export const SdkInstrumentationError = createError<'FASTIFY_AWS_SDK_INSTRUMENTATION', [string]>(
  'FASTIFY_AWS_SDK_INSTRUMENTATION',
  'Cannot instrument AWS SDK operations: %s',
)

// ── cli ───────────────────────────────────────────────────────────────────────────────────
/** A command-line flag or argument is missing or invalid. */
export const CliUsageError = createError<'FASTIFY_AWS_CLI_USAGE', [string]>('FASTIFY_AWS_CLI_USAGE', '%s')
