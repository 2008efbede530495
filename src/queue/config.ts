// The SQS job queue's options (config/aws_active_job_sqs.yml, AWS_ACTIVE_JOB_SQS_*, code), shared by enqueue and the poller.
import { ConfigError, UnknownQueueError } from '../errors.js'
import { defineOptions, loadConfig, option, type LoadConfigOptions, type OptionInput } from '../config/index.js'
import { parseQueueEntry, type QueueEntry } from './queue-entry.js'

/**
 * Where the queue's configuration lives: the same file and ENV names as Rails' aws-activejob-sqs
 * (`config/aws_active_job_sqs.yml`), or the name aws-sdk-rails' README gives (`config/aws_sqs_active_job.yml`);
 * both present is an error.
 */
export const queueConfigSource = { names: ['aws_active_job_sqs', 'aws_sqs_active_job'], envPrefix: 'AWS_ACTIVE_JOB_SQS_' } as const

/** SQS's largest message (body + attributes), in bytes. */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576

/** Every global option of the queue; each is also `AWS_ACTIVE_JOB_SQS_<KEY>` and a top-level YAML key. */
export const queueOptions = defineOptions({
  queues: option.map({
    description: 'Queue name → URL, or → { url, max_messages, visibility_timeout, message_group_id, excluded_deduplication_keys }',
    entry: 'a queue URL or a mapping with "url"',
    parseEntry: (raw, key) => parseQueueEntry(raw, key),
  }),
  concurrency: option.integer({ description: 'Jobs the poller runs at once (Ruby: threads)', min: 1, max: 10_000, default: 25 }),
  threads: option.integer({ description: 'Alias of concurrency, for Ruby configuration files', min: 1, max: 10_000 }),
  max_messages: option.integer({ description: 'Messages per ReceiveMessage call', min: 1, max: 10, default: 10 }),
  visibility_timeout: option.integer({
    description: "Seconds a received message stays hidden (unset: the queue's own VisibilityTimeout)",
    min: 0,
    max: 43_200,
  }),
  shutdown_timeout: option.number({ description: 'Seconds running jobs get to finish on SIGINT/SIGTERM', min: 0, default: 15 }),
  call_timeout: option.number({
    description: 'Seconds an SQS call may take before it is retried on a new connection (a long poll gets its wait time on top)',
    min: 1,
    max: 900,
    default: 10,
  }),
  startup_timeout: option.number({
    description: 'Seconds the poller keeps retrying its start-up calls while SQS is unreachable before it gives up',
    min: 0,
    max: 3600,
    default: 60,
  }),
  message_group_id: option.string({ description: 'FIFO MessageGroupId when the job and the queue set none', default: 'ActiveJobSqsGroup' }),
  excluded_deduplication_keys: option.list({
    description: 'Envelope keys left out of the FIFO deduplication hash (job_id is always left out)',
    default: ['job_id'],
  }),
  job_class_allowlist: option.list({ description: 'Only these job names may run from messages (unset: every registered job)' }),
  async: option.boolean({ description: 'performLater returns at once and sends in the background (FIFO queues stay synchronous)', default: false }),
  max_message_bytes: option.integer({
    description: 'Largest message (body + attributes) accepted before sending',
    min: 1024,
    max: SQS_MAX_MESSAGE_BYTES,
    default: SQS_MAX_MESSAGE_BYTES,
  }),
})

/** Code-given values of {@link queueOptions} (snake_case, as in the YAML file). */
export type QueueConfigInput = Omit<OptionInput<typeof queueOptions>, 'queues'> & {
  /** Queue name → URL, or → per-queue settings; merged field by field over ENV and YAML. */
  queues?: Readonly<Record<string, string | QueueEntry>>
  configFile?: string
}

/** One queue with every setting resolved (its own value, else the global one). */
export interface QueueSettings {
  /** The ActiveJob queue name (`queue_name` in the envelope). */
  readonly name: string
  readonly url: string
  /** True when the URL ends in `.fifo`. */
  readonly fifo: boolean
  readonly maxMessages: number
  /** Undefined: the queue's own VisibilityTimeout applies. */
  readonly visibilityTimeout: number | undefined
  readonly messageGroupId: string
  /** Always contains `job_id`. */
  readonly excludedDeduplicationKeys: readonly string[]
}

/** The resolved configuration of the SQS job queue. */
export interface QueueConfig {
  readonly queues: ReadonlyMap<string, QueueSettings>
  readonly concurrency: number
  readonly maxMessages: number
  readonly visibilityTimeout: number | undefined
  readonly shutdownTimeout: number
  /** Seconds an SQS call may take (`call_timeout`). */
  readonly callTimeout: number
  /** Seconds the poller retries its start-up calls (`startup_timeout`). */
  readonly startupTimeout: number
  readonly messageGroupId: string
  readonly excludedDeduplicationKeys: readonly string[]
  /** `job_class_allowlist`: undefined lets every registered job run; a list allows exactly its names. */
  readonly jobClassAllowlist: readonly string[] | undefined
  readonly async: boolean
  readonly maxMessageBytes: number
  /** The YAML file read, if any. */
  readonly file: string | undefined
  /** The settings of queue `name`; throws `UnknownQueueError` naming the queue and where to configure it. */
  queue(name: string): QueueSettings
}

/** How to load the queue configuration: values from code plus the usual loader inputs. */
export interface LoadQueueConfigOptions extends Omit<LoadConfigOptions<typeof queueOptions>, 'code'> {
  code?: QueueConfigInput
}

/**
 * Resolves the queue configuration: code > ENV > YAML > defaults, for global options and for each queue's
 * fields. Queues come from YAML `queues`, code `queues`, and any `AWS_ACTIVE_JOB_SQS_<QUEUE>_URL`.
 *
 * Unlike the Ruby gem, a numeric-looking message group id stays a string, and `excluded_deduplication_keys`
 * from YAML or ENV always include `job_id` (without it every enqueue would get a new deduplication id).
 */
export function loadQueueConfig(options: LoadQueueConfigOptions = {}): QueueConfig {
  const env = options.env ?? process.env
  const loaded = loadConfig(queueConfigSource, queueOptions, { ...options, code: options.code as OptionInput<typeof queueOptions>, env })
  const v = loaded.values
  const concurrency = pickConcurrency(loaded.sources, v.concurrency, v.threads)
  const globalKeys = withJobId(v.excluded_deduplication_keys)

  const yamlQueues = loaded.yaml.queues === undefined || loaded.yaml.queues === null
    ? {}
    : queueOptions.queues.parse(loaded.yaml.queues)
  const codeQueues = loaded.sources.queues === 'code' ? (v.queues ?? {}) : {}
  const names = new Set([...Object.keys(yamlQueues), ...Object.keys(codeQueues)])
  // A queue only ENV names is added under its lower-cased name, unless it is a known queue's variable.
  const knownVars = new Set([...names].map((n) => queueEnvName(n, 'URL')))
  for (const [name, variable] of envQueueNames(env)) if (!knownVars.has(variable)) names.add(name)
  const where = loaded.file ?? 'config/aws_active_job_sqs.yml'

  const queues = new Map<string, QueueSettings>()
  for (const name of names) {
    const entry: QueueEntry = {
      ...yamlQueues[name],
      ...envQueueEntry(env, name),
      ...codeQueues[name],
    }
    if (entry.url === undefined) continue
    queues.set(name, {
      name,
      url: entry.url,
      fifo: isFifoUrl(entry.url),
      maxMessages: entry.max_messages ?? v.max_messages,
      visibilityTimeout: entry.visibility_timeout ?? v.visibility_timeout,
      messageGroupId: entry.message_group_id ?? v.message_group_id,
      excludedDeduplicationKeys: entry.excluded_deduplication_keys ? withJobId(entry.excluded_deduplication_keys) : globalKeys,
    })
  }

  return {
    queues,
    concurrency,
    maxMessages: v.max_messages,
    visibilityTimeout: v.visibility_timeout,
    shutdownTimeout: v.shutdown_timeout,
    callTimeout: v.call_timeout,
    startupTimeout: v.startup_timeout,
    messageGroupId: v.message_group_id,
    excludedDeduplicationKeys: globalKeys,
    jobClassAllowlist: v.job_class_allowlist,
    async: v.async,
    maxMessageBytes: v.max_message_bytes,
    file: loaded.file,
    queue(name: string): QueueSettings {
      const q = queues.get(name)
      if (q) return q
      const known = queues.size ? `Configured queues: ${[...queues.keys()].join(', ')}.` : 'No queue is configured.'
      throw new UnknownQueueError(
        name,
        `Add it under "queues:" in ${where} (e.g. "${name}: https://sqs.<region>.amazonaws.com/<account>/<queue>"), ` +
          `set ${queueEnvName(name, 'URL')}, or pass queues: { ${JSON.stringify(name)}: { url } } in code. ${known}`,
      )
    },
  }
}

/** True when `url` names a FIFO queue (its name ends in `.fifo`). */
export function isFifoUrl(url: string): boolean {
  return url.endsWith('.fifo')
}

/** The ENV name of a per-queue key: `AWS_ACTIVE_JOB_SQS_<QUEUE>_<KEY>` (queue upper-cased, non-alphanumerics → `_`). */
export function queueEnvName(queue: string, key: string): string {
  return `${queueConfigSource.envPrefix}${queue.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${key}`
}

// Per-queue ENV keys and their YAML names.
const ENV_KEYS = {
  URL: 'url',
  MAX_MESSAGES: 'max_messages',
  VISIBILITY_TIMEOUT: 'visibility_timeout',
  MESSAGE_GROUP_ID: 'message_group_id',
  EXCLUDED_DEDUPLICATION_KEYS: 'excluded_deduplication_keys',
} as const

/** Queues ENV defines, with their variable (`AWS_ACTIVE_JOB_SQS_REPORTS_URL` → `reports`). */
function envQueueNames(env: NodeJS.ProcessEnv): Array<[string, string]> {
  const out: Array<[string, string]> = []
  const prefix = queueConfigSource.envPrefix
  for (const [k, val] of Object.entries(env)) {
    if (!k.startsWith(prefix) || !k.endsWith('_URL') || !val?.trim()) continue
    const queue = k.slice(prefix.length, -'_URL'.length)
    if (queue) out.push([queue.toLowerCase(), k])
  }
  return out
}

function envQueueEntry(env: NodeJS.ProcessEnv, queue: string): Partial<QueueEntry> {
  const out: Record<string, unknown> = {}
  for (const [suffix, key] of Object.entries(ENV_KEYS)) {
    const name = queueEnvName(queue, suffix)
    const raw = env[name]
    if (raw === undefined || raw.trim() === '') continue
    try {
      Object.assign(out, parseQueueEntry({ [key]: raw }, queue))
    } catch (err) {
      throw new ConfigError(`${name}=${JSON.stringify(raw)}: expected ${(err as Error).message}.`)
    }
  }
  return out as Partial<QueueEntry>
}

function pickConcurrency(sources: Partial<Record<string, string>>, concurrency: number, threads: number | undefined): number {
  if (threads === undefined) return concurrency
  const rank = { code: 3, env: 2, yaml: 1, default: 0 } as Record<string, number>
  return (rank[sources.threads ?? 'default'] ?? 0) > (rank[sources.concurrency ?? 'default'] ?? 0) ? threads : concurrency
}

function withJobId(keys: readonly string[]): readonly string[] {
  return keys.includes('job_id') ? [...keys] : [...keys, 'job_id']
}
