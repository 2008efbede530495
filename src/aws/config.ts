// Shared AWS settings (config/aws.yml, FASTIFY_AWS_* ENV) that every part's clients start from.
import { defineOptions, loadConfig, option, type LoadConfigOptions } from '../config/index.js'
import { ConfigError } from '../errors.js'
import type { AwsClientOptions } from './client-factory.js'
import type { SdkLogLevel } from './logger-bridge.js'

/** Options of `config/aws.yml`. Region, endpoint and keys are left to the SDK's own ENV names when unset. */
export const awsConfigOptions = defineOptions({
  region: option.string({ description: 'AWS region (else the SDK chain: AWS_REGION, profile, instance metadata)', env: false }),
  endpoint: option.string({ description: 'Endpoint URL for every service (else AWS_ENDPOINT_URL[_SERVICE])', env: false }),
  access_key_id: option.string({ description: 'Static access key id (else the default credential chain)', env: false }),
  secret_access_key: option.string({ description: 'Static secret access key', env: false }),
  session_token: option.string({ description: 'Session token for temporary credentials', env: false }),
  sdk_log_level: option.enum({
    description: 'Lowest AWS SDK log level written to the logger',
    values: ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const,
    default: 'info',
  }),
  max_attempts: option.integer({ description: 'Attempts per AWS operation, first included', min: 1, max: 20 }),
})

/** Source of the shared AWS settings. */
export const awsConfigSource = { names: ['aws'], envPrefix: 'FASTIFY_AWS_' } as const

/**
 * Client options from `config/aws.yml` and `FASTIFY_AWS_SDK_LOG_LEVEL` / `FASTIFY_AWS_MAX_ATTEMPTS`,
 * with `overrides` (code) on top.
 */
export function loadAwsClientOptions(
  overrides: AwsClientOptions = {},
  load: Omit<LoadConfigOptions<typeof awsConfigOptions>, 'code'> = {},
): AwsClientOptions {
  const { values: v, file } = loadConfig(awsConfigSource, awsConfigOptions, load)
  // Half a key pair would silently fall back to the default chain (another identity than the one configured).
  if (Boolean(v.access_key_id) !== Boolean(v.secret_access_key) || (v.session_token && !v.access_key_id)) {
    const missing = v.access_key_id ? 'secret_access_key' : 'access_key_id'
    throw new ConfigError(
      `${file ?? 'config/aws.yml'}: ${missing} is missing: give access_key_id and secret_access_key together (session_token needs both), or none to use the default credential chain.`,
    )
  }
  const out: AwsClientOptions = { logLevel: v.sdk_log_level as SdkLogLevel }
  if (v.region) out.region = v.region
  if (v.endpoint) out.endpoint = v.endpoint
  if (v.max_attempts) out.maxAttempts = v.max_attempts
  if (v.access_key_id && v.secret_access_key) {
    out.credentials = {
      accessKeyId: v.access_key_id,
      secretAccessKey: v.secret_access_key,
      ...(v.session_token ? { sessionToken: v.session_token } : {}),
    }
  }
  return { ...out, ...stripUndefined(overrides) }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
