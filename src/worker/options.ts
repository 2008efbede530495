// Worker-tier options: AWS_PROCESS_BEANSTALK_WORKER_* (the Ruby gem's names), config/aws_process_beanstalk_worker.yml, code
// (the plugin's camelCase options, mapped here to the snake_case keys every source shares).
import { availableParallelism } from 'node:os'
import { defineOptions, loadConfig, option, type LoadConfigOptions, type OptionInput } from '../config/index.js'
import type { JobRegistry } from '../jobs/index.js'
import type { SqsQueue } from '../queue/index.js'
import { DOCKER_HOSTS_EXPECTED, readDockerHostsSetting, type DockerHostsSetting } from './trusted-hosts.js'
import { WORKER_CWD_ENV_MOVED } from '../deprecations.js'

/** Every worker option; ENV names are `AWS_PROCESS_BEANSTALK_WORKER_<KEY>`. */
export const workerOptions = defineOptions({
  requests: option.boolean({
    description: 'Serve sqsd requests (true/1 enables; false/0/unset disables; anything else is an error)',
    default: false,
  }),
  jobs_async: option.boolean({
    description: 'Answer 200 once a job is accepted instead of when it finishes (sqsd then deletes the message early)',
    default: false,
  }),
  threads: option.integer({ description: 'Jobs that may run at once; beyond that sqsd gets 429', min: 1, default: availableParallelism() * 2 }),
  path: option.string({ description: 'Path sqsd POSTs jobs to (the sqsd HttpPath option)', default: '/' }),
  body_limit: option.integer({ description: 'Largest accepted body in bytes (SQS allows 1 MiB)', min: 1, default: 1024 * 1024 + 1024 }),
  shutdown_timeout: option.number({ description: 'Seconds running jobs get to finish on close before they are aborted', min: 0, default: 30 }),
  cron_file: option.string({ description: 'cron.yaml to validate at start-up (missing default file is fine)', default: 'cron.yaml' }),
  job_class_allowlist: option.list({ description: 'Only these job names may run from sqsd requests (default: any registered job)' }),
  docker_hosts: option.custom<DockerHostsSetting, 'auto'>({
    description: 'Docker host addresses the guard trusts besides loopback: auto (detect), none, or a comma-separated list of addresses and CIDR ranges',
    expected: DOCKER_HOSTS_EXPECTED,
    read: readDockerHostsSetting,
    default: 'auto',
  }),
})

/** Where the worker options are read from. */
export const workerConfigSource = { names: ['aws_process_beanstalk_worker'], envPrefix: 'AWS_PROCESS_BEANSTALK_WORKER_' } as const

/** Worker options as code gives them (snake_case keys, as in YAML). */
export type WorkerSettings = OptionInput<typeof workerOptions>

/** Resolves the worker options: code > ENV > YAML > defaults. */
export function loadWorkerSettings(code: WorkerSettings = {}, load: Omit<LoadConfigOptions<typeof workerOptions>, 'code'> = {}) {
  return loadConfig(workerConfigSource, workerOptions, { ...load, code }).values
}

/** Options of `fastifyAwsWorker`; each overrides its ENV/YAML counterpart (see the README's table). */
export interface FastifyAwsWorkerOptions {
  /** Serve sqsd requests (else `AWS_PROCESS_BEANSTALK_WORKER_REQUESTS`, default off). */
  enabled?: boolean
  /** Answer 200 when a job is accepted rather than when it finishes (`..._JOBS_ASYNC`). */
  async?: boolean
  /** Jobs that may run at once (`..._THREADS`, default CPUs × 2). */
  threads?: number
  /** Path sqsd POSTs jobs to (`..._PATH`, default `/`). */
  path?: string
  /** Largest body in bytes (`..._BODY_LIMIT`). */
  bodyLimit?: number
  /** Seconds running jobs get on close (`..._SHUTDOWN_TIMEOUT`, default 30). */
  shutdownTimeout?: number
  /** cron.yaml to validate (`..._CRON_FILE`, default `cron.yaml`, skipped when that default is absent). */
  cronFile?: string
  /** Only these job names may run from sqsd (`..._JOB_CLASS_ALLOWLIST`). */
  allowlist?: readonly string[]
  /** Trusted Docker host addresses: 'auto', false, or a list of addresses and CIDR ranges (`..._DOCKER_HOSTS`). */
  dockerHosts?: DockerHostsSetting
  /** Registry jobs are looked up in (default: the process-wide one). */
  registry?: JobRegistry
  /**
   * Where configuration and cron.yaml are read from: `cwd` (the directory holding config/ and cron.yaml, default the
   * process's), `env` (default `process.env`), `nodeEnv` (default `NODE_ENV`).
   */
  configLoad?: WorkerConfigLoad
  /** @deprecated Use `configLoad: { cwd }`; warns once (FASTIFY_AWS_DEP007). */
  cwd?: string
  /** @deprecated Use `configLoad: { env }`; warns once (FASTIFY_AWS_DEP007). */
  env?: NodeJS.ProcessEnv
  /** /proc location for Docker detection (tests). */
  procRoot?: string
  /**
   * The queue producer that sends early jobs back to wait and failed jobs with a retry policy to run again (not
   * closed by the worker). Default: one made from config/aws_active_job_sqs.yml and AWS_ACTIVE_JOB_SQS_* on first need.
   */
  queue?: SqsQueue
  /** Clock in epoch ms, to tell early jobs (tests inject a fake one). */
  now?: () => number
}

/** Where the worker reads its configuration and cron.yaml from. */
export interface WorkerConfigLoad {
  cwd?: string
  env?: NodeJS.ProcessEnv
  nodeEnv?: string
}

/** The worker's {@link WorkerConfigLoad} with `cwd` resolved; the deprecated top-level `cwd`/`env` still count (and warn). */
export function workerConfigLoad(opts: FastifyAwsWorkerOptions): WorkerConfigLoad & { cwd: string } {
  if (opts.cwd !== undefined || opts.env !== undefined) WORKER_CWD_ENV_MOVED()
  const env = opts.configLoad?.env ?? opts.env
  const nodeEnv = opts.configLoad?.nodeEnv
  return {
    cwd: opts.configLoad?.cwd ?? opts.cwd ?? process.cwd(),
    ...(env !== undefined ? { env } : {}),
    ...(nodeEnv !== undefined ? { nodeEnv } : {}),
  }
}

/** @deprecated Renamed {@link FastifyAwsWorkerOptions}. */
export type WorkerTierOptions = FastifyAwsWorkerOptions

/** The plugin options that are settings, under their settings keys (the code layer of the precedence rule). */
export function settingsFromOptions(opts: FastifyAwsWorkerOptions): WorkerSettings {
  const code: WorkerSettings = {}
  if (opts.enabled !== undefined) code.requests = opts.enabled
  if (opts.async !== undefined) code.jobs_async = opts.async
  if (opts.threads !== undefined) code.threads = opts.threads
  if (opts.path !== undefined) code.path = opts.path
  if (opts.bodyLimit !== undefined) code.body_limit = opts.bodyLimit
  if (opts.shutdownTimeout !== undefined) code.shutdown_timeout = opts.shutdownTimeout
  if (opts.cronFile !== undefined) code.cron_file = opts.cronFile
  if (opts.allowlist !== undefined) code.job_class_allowlist = opts.allowlist
  if (opts.dockerHosts !== undefined) code.docker_hosts = opts.dockerHosts
  return code
}
