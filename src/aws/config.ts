// Shared AWS settings (config/aws.yml, FASTIFY_AWS_* ENV) that every part's clients start from.
import { defineOptions, envName, loadConfig, option, type LoadConfigOptions, type LoadedConfig } from '../config/index.js'
import { ConfigError } from '../errors.js'
import type { AwsClientOptions, RailsCredentialsOptions } from './client-factory.js'
import type { SdkLogLevel } from './logger-bridge.js'
import { awsCredentialsIn, locateRailsCredentials, readRailsCredentials, type RailsCredentialsLocation } from './rails-credentials.js'

/** Options of `config/aws.yml`. Region, endpoint and keys are left to the SDK's own ENV names when unset. */
export const awsConfigOptions = defineOptions({
  region: option.string({ description: 'AWS region (else the SDK chain: AWS_REGION, profile, instance metadata)', env: false }),
  endpoint: option.string({ description: 'Endpoint URL for every service (else AWS_ENDPOINT_URL[_SERVICE])', env: false }),
  access_key_id: option.string({ description: 'Static access key id (else the default credential chain)', env: false }),
  secret_access_key: option.string({ description: 'Static secret access key', env: false }),
  session_token: option.string({ description: 'Session token for temporary credentials', env: false }),
  account_id: option.string({ description: 'AWS account id of the static keys (account-based endpoints)', env: false }),
  rails_credentials: option.boolean({
    description: 'Take the keys under `aws:` of Rails encrypted credentials when the file exists (see Credentials)',
    default: true,
  }),
  credentials_file: option.string({
    description: 'Encrypted credentials file (else `config/credentials/<NODE_ENV>.yml.enc` if present, else `config/credentials.yml.enc`)',
  }),
  credentials_key_file: option.string({
    description: 'Key file of the encrypted credentials (else the one beside the file: `master.key`, or `<NODE_ENV>.key`)',
  }),
  master_key: option.string({
    description: 'Key of the encrypted credentials (32 hex characters); beats the key file. Never in YAML',
    envAlso: ['RAILS_MASTER_KEY'],
    yaml: false,
  }),
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
  const { railsCredentials, ...clientOverrides } = overrides
  const loaded = loadConfig(awsConfigSource, awsConfigOptions, { ...load, code: railsCredentialsCode(railsCredentials) })
  const { values: v, file } = loaded
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
      ...(v.account_id ? { accountId: v.account_id } : {}),
    }
  } else if (clientOverrides.credentials === undefined && v.rails_credentials) {
    // Explicit keys (code, config/aws.yml) > Rails encrypted credentials > the SDK's chain (ENV, profiles, instance role).
    const document = readRailsCredentials(railsCredentialsLocation(loaded, load))
    const credentials = document && awsCredentialsIn(document.data, document.location.file)
    if (credentials) out.credentials = credentials
  }
  return { ...out, ...stripUndefined(clientOverrides) }
}

/**
 * Where this directory's Rails encrypted credentials and their key are, by the options of config/aws.yml
 * (`credentials_file`, `credentials_key_file`, `master_key`, `rails_credentials`), `FASTIFY_AWS_*` / `RAILS_MASTER_KEY`
 * and `code`. `environment` picks `config/credentials/<environment>.yml.enc` even before it exists.
 */
export function loadRailsCredentialsLocation(
  load: Omit<LoadConfigOptions<typeof awsConfigOptions>, 'code'> = {},
  code: AwsClientOptions['railsCredentials'] = undefined,
  environment?: string,
): { enabled: boolean; location: RailsCredentialsLocation } {
  const loaded = loadConfig(awsConfigSource, awsConfigOptions, { ...load, code: railsCredentialsCode(code) })
  return { enabled: loaded.values.rails_credentials, location: railsCredentialsLocation(loaded, load, environment) }
}

function railsCredentialsLocation(
  loaded: LoadedConfig<typeof awsConfigOptions>,
  load: Omit<LoadConfigOptions<typeof awsConfigOptions>, 'code'>,
  environment?: string,
): RailsCredentialsLocation {
  const { values: v, sources } = loaded
  const env = load.env ?? process.env
  // Messages name where a value came from, never the value.
  const by = (key: 'credentials_file' | 'master_key'): string => {
    if (sources[key] === 'code') return `railsCredentials.${key === 'master_key' ? 'masterKey' : 'file'} in code`
    if (sources[key] === 'yaml') return `${key} in ${loaded.file ?? 'config/aws.yml'}`
    const own = envName(awsConfigSource, key, awsConfigOptions[key])!
    return env[own]?.trim() ? own : 'RAILS_MASTER_KEY'
  }
  return locateRailsCredentials({
    cwd: load.cwd ?? process.cwd(),
    environment: environment ?? loaded.nodeEnv,
    ...(environment !== undefined ? { forceEnvironment: true } : {}),
    ...(v.credentials_file !== undefined ? { file: { path: v.credentials_file, by: by('credentials_file') } } : {}),
    ...(v.credentials_key_file !== undefined ? { keyFile: v.credentials_key_file } : {}),
    ...(v.master_key !== undefined ? { masterKey: { value: v.master_key, from: by('master_key') } } : {}),
  })
}

/** The code level of the Rails credentials options, from `AwsClientOptions.railsCredentials`. */
function railsCredentialsCode(given: AwsClientOptions['railsCredentials']): Record<string, unknown> {
  if (given === undefined) return {}
  if (typeof given === 'boolean') return { rails_credentials: given }
  const o: RailsCredentialsOptions = given
  return {
    rails_credentials: true,
    ...(o.file !== undefined ? { credentials_file: o.file } : {}),
    ...(o.keyFile !== undefined ? { credentials_key_file: o.keyFile } : {}),
    ...(o.masterKey !== undefined ? { master_key: o.masterKey } : {}),
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
