// Builds AWS SDK v3 clients the same way for every part: region, endpoint, credentials, logging, user agent.
import { AwsRegionMissingError } from '../errors.js'
import { VERSION } from './version.js'
import type { JobLogger } from '../jobs/index.js'
import { sdkLoggerFor, type SdkLogLevel } from './logger-bridge.js'

/** Static credentials. */
export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** The account the keys belong to (used by account-based endpoints). */
  accountId?: string
}

/** Where Rails encrypted credentials are, when not at Rails' own paths (the code level of config/aws.yml's options). */
export interface RailsCredentialsOptions {
  /** The encrypted file (`credentials_file`); else `config/credentials/<NODE_ENV>.yml.enc` if present, else `config/credentials.yml.enc`. */
  file?: string
  /** Its key file (`credentials_key_file`); else the one beside the file (`master.key`, or `<NODE_ENV>.key`). */
  keyFile?: string
  /** The key itself, 32 hex characters (`master_key`); beats `FASTIFY_AWS_MASTER_KEY`, `RAILS_MASTER_KEY` and the key file. */
  masterKey?: string
}

/** Credentials or a function resolving them (any SDK credential provider fits). */
export type AwsCredentialsInput = AwsCredentials | (() => Promise<AwsCredentials>)

/** How to build a client. Everything is optional: the SDK's own resolution fills the gaps. */
export interface AwsClientOptions {
  /** Region; unset → the SDK's chain (`AWS_REGION`, profile, instance metadata). */
  region?: string
  /** Endpoint URL, e.g. an emulator's; unset → `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, then AWS. */
  endpoint?: string
  /** Explicit credentials beat the default provider chain (env, SSO, profile, container, EB/EC2 instance role). */
  credentials?: AwsCredentialsInput
  /** Where SDK log lines go; unset → the SDK stays silent. */
  logger?: JobLogger
  /** Lowest SDK level written to `logger` (default `info`, as aws-sdk-rails). */
  logLevel?: SdkLogLevel
  /** Attempts per operation, including the first (SDK default 3). */
  maxAttempts?: number
  /** Any other client configuration, passed through unchanged (requestHandler, retryStrategy, ...). */
  clientConfig?: Record<string, unknown>
  /**
   * Rails encrypted credentials: `false` never reads them, an object says where they are. Read by
   * `loadAwsClientOptions` (which every part calls) when no explicit credentials are given; `createAwsClient`
   * itself reads no files.
   */
  railsCredentials?: boolean | RailsCredentialsOptions
}

/** A constructor of an SDK v3 client (SQSClient, DynamoDBClient, SESv2Client, ...). */
export type AwsClientConstructor<C, Config> = new (config: Config) => C

/**
 * Creates an SDK v3 client tagged `fastify-aws/<version>` plus `fastify-aws-<component>` in its user agent.
 *
 * @example
 * const sqs = createAwsClient(SQSClient, { region: 'eu-west-1', logger: app.log }, 'queue')
 */
export function createAwsClient<C, Config extends object>(
  Client: AwsClientConstructor<C, Config>,
  options: AwsClientOptions = {},
  component = 'core',
): C {
  const config: Record<string, unknown> = {
    ...options.clientConfig,
    // The caller's own customUserAgent (clientConfig) is kept after ours, not replaced by it.
    customUserAgent: [['fastify-aws', VERSION], [`fastify-aws-${component}`], ...userAgentPairs(options.clientConfig?.customUserAgent)],
  }
  if (options.region !== undefined) config.region = options.region
  if (options.endpoint !== undefined) config.endpoint = options.endpoint
  if (options.credentials !== undefined) config.credentials = options.credentials
  if (options.maxAttempts !== undefined) config.maxAttempts = options.maxAttempts
  if (options.logger !== undefined) config.logger = sdkLoggerFor(options.logger, options.logLevel ?? 'info', component)
  const client = new Client(config as Config)
  if (options.region === undefined) explainMissingRegion(client, component)
  return client
}

/** The SDK's bare "Region is missing" (thrown at the first call) becomes an error that says where to set one. */
function explainMissingRegion(client: unknown, component: string): void {
  const stack = (client as { middlewareStack?: { add(middleware: unknown, options: object): void } }).middlewareStack
  stack?.add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      try {
        return await next(args)
      } catch (err) {
        if (err instanceof Error && err.message === 'Region is missing') throw new AwsRegionMissingError(`${clientName(client)} (${component})`, { cause: err })
        throw err
      }
    },
    { step: 'initialize', priority: 'high', name: 'fastifyAwsMissingRegion' },
  )
}

function clientName(client: unknown): string {
  return (client as { constructor?: { name?: string } }).constructor?.name?.replace(/Client$/, '') || 'AWS'
}

/**
 * A client given by the caller, or one made from options. `owned` tells whether the caller of this function
 * must destroy it on close (only what we created is ours to close).
 */
export function clientOrCreate<C, Config extends object>(
  given: C | undefined,
  Client: AwsClientConstructor<C, Config>,
  options: AwsClientOptions | undefined,
  component: string,
): { client: C; owned: boolean } {
  if (given !== undefined) return { client: given, owned: false }
  return { client: createAwsClient(Client, options ?? {}, component), owned: true }
}

/** A customUserAgent as the SDK takes it (`"name/version"` text or `[name, version?]` pairs), as pairs. */
function userAgentPairs(given: unknown): [string, string?][] {
  if (typeof given === 'string') {
    return given
      .split(/\s+/)
      .filter(Boolean)
      .map((part) => {
        const i = part.indexOf('/')
        return i === -1 ? [part] : [part.slice(0, i), part.slice(i + 1)]
      })
  }
  if (Array.isArray(given)) return given.filter((p): p is [string, string?] => Array.isArray(p) && typeof p[0] === 'string')
  return []
}
