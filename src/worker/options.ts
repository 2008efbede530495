// Worker-tier options: AWS_PROCESS_BEANSTALK_WORKER_* (the Ruby gem's names), config/aws_process_beanstalk_worker.yml, code.
import { availableParallelism } from 'node:os'
import { defineOptions, loadConfig, option, type LoadConfigOptions, type OptionInput } from '../config/index.js'
import { DOCKER_HOSTS_EXPECTED, readDockerHostsSetting, type DockerHostsSetting } from './trusted-hosts.js'

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
