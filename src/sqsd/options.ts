// The daemon's options, named and defaulted as Elastic Beanstalk's `aws:elasticbeanstalk:sqsd` namespace.
import { defineOptions, loadConfig, option, type LoadConfigOptions, type OptionValues } from '../config/index.js'
import { DevConfigError } from '../errors.js'

/**
 * Options of the sqsd stand-in. Keys are the EB option names in snake case (`HttpConnections` →
 * `http_connections`); ENV is `FASTIFY_AWS_SQSD_<KEY>`, YAML `config/sqsd.yml`. Ranges are EB's.
 */
export const sqsdOptions = defineOptions({
  queue_url: option.string({ description: 'WorkerQueueURL: the queue to poll' }),
  http_url: option.string({
    description: 'Where messages are POSTed: scheme, host, port and HttpPath (EB: http://localhost:80/)',
    default: 'http://127.0.0.1:8080/',
  }),
  mime_type: option.string({ description: 'MimeType: Content-Type of every POST', default: 'application/json' }),
  http_connections: option.integer({ description: 'HttpConnections: most POSTs in flight at once', default: 50, min: 1, max: 100 }),
  connect_timeout: option.integer({ description: 'ConnectTimeout: seconds to open a connection to the app', default: 5, min: 1, max: 60 }),
  inactivity_timeout: option.integer({
    description: 'InactivityTimeout: seconds without any data from the app before the POST counts as failed',
    default: 299,
    min: 1,
    max: 36000,
  }),
  visibility_timeout: option.integer({
    description: 'VisibilityTimeout: seconds a received message stays hidden (overrides the queue default)',
    default: 300,
    min: 0,
    max: 43200,
  }),
  error_visibility_timeout: option.integer({
    description: 'ErrorVisibilityTimeout: seconds before a failed message becomes visible again',
    default: 2,
    min: 0,
    max: 43200,
  }),
  max_retries: option.integer({
    description: "MaxRetries: receives before the queue's redrive policy moves a message to the dead-letter queue",
    default: 10,
    min: 1,
    max: 100,
  }),
  retention_period: option.integer({
    description: 'RetentionPeriod: seconds SQS keeps a message (applied when the dev stack creates the queue)',
    default: 345600,
    min: 60,
    max: 1209600,
  }),
  wait_time: option.integer({ description: 'Long-poll wait of each ReceiveMessage, seconds', default: 20, min: 0, max: 20 }),
  cron: option.string({ description: 'cron.yaml whose periodic tasks this daemon enqueues (none when unset)' }),
})

/** Where the daemon's options are read from. */
export const sqsdConfigSource = { names: ['sqsd'], envPrefix: 'FASTIFY_AWS_SQSD_' } as const

/** The daemon's settings, resolved: times in seconds, as EB states them. */
export interface SqsdSettings {
  /** Full URL of the worker endpoint (HttpPath included). */
  httpUrl: URL
  mimeType: string
  httpConnections: number
  connectTimeout: number
  inactivityTimeout: number
  visibilityTimeout: number
  errorVisibilityTimeout: number
  maxRetries: number
  retentionPeriod: number
  /** Long-poll wait of each receive. */
  waitTime: number
}

/** The EB defaults, for library callers that set only a few values. */
export function defaultSqsdSettings(overrides: Partial<SqsdSettings> = {}): SqsdSettings {
  const defaults = Object.fromEntries(Object.entries(sqsdOptions).map(([key, spec]) => [key, spec.default]))
  return { ...settingsFrom(defaults as OptionValues<typeof sqsdOptions>), ...overrides }
}

/** Everything {@link loadSqsdSettings} resolves. */
export interface LoadedSqsdSettings {
  /** WorkerQueueURL, when configured (the dev stack creates its own otherwise). */
  queueUrl: string | undefined
  /** cron.yaml path, when this daemon schedules periodic tasks. */
  cron: string | undefined
  settings: SqsdSettings
  /** Keys set by code, ENV or YAML (not left at EB's default). */
  explicit: ReadonlySet<string>
}

/**
 * Resolves the daemon's options: code (CLI flags) > `FASTIFY_AWS_SQSD_*` > `config/sqsd.yml` > EB defaults.
 * An HTTP URL that is not `http://` throws {@link DevConfigError} naming the fix.
 */
export function loadSqsdSettings(load: LoadConfigOptions<typeof sqsdOptions> = {}): LoadedSqsdSettings {
  const { values: v, sources } = loadConfig(sqsdConfigSource, sqsdOptions, load)
  const explicit = new Set(Object.entries(sources).filter(([, source]) => source !== 'default').map(([key]) => key))
  return { queueUrl: v.queue_url, cron: v.cron, settings: settingsFrom(v), explicit }
}

function settingsFrom(v: OptionValues<typeof sqsdOptions>): SqsdSettings {
  return {
    httpUrl: parseHttpUrl(v.http_url),
    mimeType: v.mime_type,
    httpConnections: v.http_connections,
    connectTimeout: v.connect_timeout,
    inactivityTimeout: v.inactivity_timeout,
    visibilityTimeout: v.visibility_timeout,
    errorVisibilityTimeout: v.error_visibility_timeout,
    maxRetries: v.max_retries,
    retentionPeriod: v.retention_period,
    waitTime: v.wait_time,
  }
}

/** The worker URL, checked: plain `http://` with a host (sqsd talks HTTP to the app on the same host). */
export function parseHttpUrl(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new DevConfigError(`--http-url ${JSON.stringify(text)} is not a URL; write it like http://127.0.0.1:8080/.`)
  }
  if (url.protocol !== 'http:') {
    throw new DevConfigError(`--http-url ${JSON.stringify(text)} must use http:// (sqsd POSTs plain HTTP to the app).`)
  }
  return url
}
