// The dashboard's options: FASTIFY_AWS_DASHBOARD_*, config/fastify_aws_dashboard.yml, code.
import { defineOptions, loadConfig, option, type LoadConfigOptions, type OptionInput, type OptionValues } from '../config/index.js'
import { DashboardConfigError } from '../errors.js'

/** Where the dashboard's configuration lives. */
export const dashboardConfigSource = { names: ['fastify_aws_dashboard'], envPrefix: 'FASTIFY_AWS_DASHBOARD_' } as const

const PREFIX = /^(\/[A-Za-z0-9._~-]+)+$/

/** Every dashboard option; ENV names are `FASTIFY_AWS_DASHBOARD_<KEY>`. */
export const dashboardOptions = defineOptions({
  prefix: option.custom<string, '/_jobs'>({
    description: 'Path the dashboard is mounted under',
    expected: 'a path like /_jobs (letters, digits, . _ ~ - between slashes, no trailing slash)',
    read: (raw) => {
      const s = typeof raw === 'string' ? raw.trim().replace(/\/+$/, '') : ''
      if (!PREFIX.test(s)) throw new Error('a path like /_jobs (letters, digits, . _ ~ - between slashes, no trailing slash)')
      return s
    },
    default: '/_jobs',
  }),
  read_only: option.boolean({ description: 'Show everything, change nothing: every action answers 403', default: false }),
  username: option.string({ description: 'Basic-auth user name (with password)' }),
  password: option.string({ description: 'Basic-auth password (ENV or code only, never YAML)', yaml: false }),
  runs: option.integer({ description: 'Recent job runs kept in memory (the ring buffer); 0 records none', min: 0, max: 100_000, default: 500 }),
  refresh_interval: option.number({ description: 'Seconds between live refreshes of the queue counts', min: 1, max: 300, default: 2 }),
  queues: option.map({
    description: 'Queues to show besides the job queues: name → URL',
    entry: 'a queue URL',
    parseEntry: (raw) => {
      if (typeof raw !== 'string' || !/^https?:\/\//.test(raw.trim())) throw new Error('expected a queue URL (http:// or https://)')
      return raw.trim()
    },
  }),
  queue_urls: option.list({ description: 'More queues to show, by URL (named after their last path segment)' }),
  job_queues: option.boolean({ description: 'Also show the queues of config/aws_active_job_sqs.yml and AWS_ACTIVE_JOB_SQS_<QUEUE>_URL', default: true }),
  cron_file: option.string({ description: 'cron.yaml whose tasks are shown (a missing default file means no tasks)', default: 'cron.yaml' }),
  cron_queue_url: option.string({ description: 'Worker queue "run now" sends periodic-task messages to (unset: no "run now")' }),
  enqueue_allowlist: option.list({ description: 'Jobs the enqueue form may send (unset: every registered job the registry lets run)' }),
  dead_letter_page: option.integer({ description: 'Dead letters shown per queue page', min: 1, max: 500, default: 50 }),
  host: option.string({ description: 'Address `fastify-aws dashboard` listens on', default: '127.0.0.1' }),
  port: option.integer({ description: 'Port `fastify-aws dashboard` listens on (0: any free port)', min: 0, max: 65_535, default: 8090 }),
})

/** The resolved dashboard settings. */
export type DashboardSettings = OptionValues<typeof dashboardOptions>

/** Dashboard options as code gives them (snake_case keys, as in YAML). */
export type DashboardSettingsInput = OptionInput<typeof dashboardOptions>

/**
 * Resolves the dashboard options: code > ENV > YAML > defaults. A user name without a password (or the reverse)
 * is an error: half the credentials would silently leave the dashboard open.
 */
export function loadDashboardSettings(
  code: DashboardSettingsInput = {},
  load: Omit<LoadConfigOptions<typeof dashboardOptions>, 'code'> = {},
): DashboardSettings & { cronFileExplicit: boolean } {
  const loaded = loadConfig(dashboardConfigSource, dashboardOptions, { ...load, code })
  const v = loaded.values
  if ((v.username === undefined) !== (v.password === undefined)) {
    const missing = v.username === undefined ? 'username' : 'password'
    throw new DashboardConfigError(
      `The dashboard's basic-auth ${missing} is missing: set FASTIFY_AWS_DASHBOARD_USERNAME and FASTIFY_AWS_DASHBOARD_PASSWORD together (or the username/password options), or neither.`,
    )
  }
  return { ...v, cronFileExplicit: loaded.sources.cron_file !== 'default' }
}
