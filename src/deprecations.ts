/**
 * Every name fastify-aws still accepts but has renamed, each with a stable code (`FASTIFY_AWS_DEP…`), warned once
 * per process through Fastify's process-warning (a `DeprecationWarning`, so `--no-deprecation` silences it and
 * `--throw-deprecation` makes it throw, as with Fastify's own FSTDEP warnings).
 *
 * Old names keep working until the next major version.
 */
import processWarning from 'process-warning'

// process-warning is CommonJS without named exports Node can detect.
const { createDeprecation } = processWarning

// ── plugins: one name each, fastifyAws<Part> (its fastify-plugin name is fastify-aws-<part>) ─────
/** `workerTier` was renamed `fastifyAwsWorker`. */
export const WORKER_TIER_RENAMED = createDeprecation({
  code: 'FASTIFY_AWS_DEP001',
  message: 'workerTier is deprecated: register fastifyAwsWorker (same options, same app.workerTier decorator).',
})
/** `sqsQueuePlugin` was renamed `fastifyAwsQueue`. */
export const SQS_QUEUE_PLUGIN_RENAMED = createDeprecation({
  code: 'FASTIFY_AWS_DEP002',
  message: 'sqsQueuePlugin is deprecated: register fastifyAwsQueue (same options, same app.jobQueue decorator).',
})
/** `dynamoDbSessions` was renamed `fastifyAwsSessions`. */
export const DYNAMODB_SESSIONS_RENAMED = createDeprecation({
  code: 'FASTIFY_AWS_DEP003',
  message: 'dynamoDbSessions is deprecated: register fastifyAwsSessions (same options).',
})

/** `sqsdGuard` was renamed `fastifyAwsSqsdGuard`. */
export const SQSD_GUARD_RENAMED = createDeprecation({
  code: 'FASTIFY_AWS_DEP008',
  message: 'sqsdGuard is deprecated: register fastifyAwsSqsdGuard (same options).',
})

// ── option names: camelCase in code (YAML keys and ENV names keep the Rails gems' snake_case) ──────
/** Session options in code were snake_case (`max_stale`); they are camelCase now (`maxStale`). */
export const SESSION_SNAKE_CASE_OPTIONS = createDeprecation({
  code: 'FASTIFY_AWS_DEP004',
  message:
    'Session options in code are camelCase now: %s. The snake_case spelling still works until the next major; YAML keys and AWS_DYNAMO_DB_SESSION_* names keep it.',
})

// ── one name for where configuration is read from: configLoad ({ env, cwd, nodeEnv, … }) ──────────
/** The queue's, poller's and Lambda handler's `load` option is `configLoad` now. */
export const LOAD_OPTION_RENAMED = createDeprecation({
  code: 'FASTIFY_AWS_DEP005',
  message: '%s: the load option is deprecated: pass configLoad (the same fields: env, cwd, nodeEnv, code).',
})
/** The mailer's and the instrumentation plugin's `config` option (where configuration is read from) is `configLoad` now. */
export const CONFIG_OPTION_RENAMED = createDeprecation({
  code: 'FASTIFY_AWS_DEP006',
  message: '%s: the config option is deprecated: pass configLoad (the same fields: env, cwd, nodeEnv).',
})

/** The worker's top-level `cwd` and `env` options are `configLoad: { cwd, env }` now. */
export const WORKER_CWD_ENV_MOVED = createDeprecation({
  code: 'FASTIFY_AWS_DEP007',
  message: 'fastifyAwsWorker: the cwd and env options are deprecated: pass configLoad: { cwd, env }.',
})

/** `value`, emitting `warning` (named after `where`) when it is set: an option given under its deprecated name. */
export function deprecatedOption<T>(value: T | undefined, warning: (where: string) => unknown, where: string): T | undefined {
  if (value !== undefined) warning(where)
  return value
}

/**
 * `fn` with `warning` emitted on each call before it runs (process-warning emits it once per process). For a
 * deprecated plugin name, wrap the plugin function and give the result to fastify-plugin with the new name's
 * metadata, so the alias has the same name, encapsulation and decorators as the new one.
 */
export function warnFirst<This, Args extends unknown[], Result>(
  fn: (this: This, ...args: Args) => Result,
  warning: () => unknown,
): (this: This, ...args: Args) => Result {
  return function (this: This, ...args: Args): Result {
    warning()
    return fn.apply(this, args)
  }
}
