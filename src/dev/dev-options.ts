// Options of `fastify-aws dev` beyond the daemon's own (which come from sqsd options: FASTIFY_AWS_SQSD_*).
import { defineOptions, loadConfig, option, type LoadConfigOptions } from '../config/index.js'

/**
 * Each option's ENV name is given in full (no prefix): `PORT` as `npm start` reads it, and the SDK's own
 * `AWS_ENDPOINT_URL_SQS` / `AWS_ENDPOINT_URL`, which also decide whether SQS is embedded. YAML: `config/dev.yml`.
 */
export const devOptions = defineOptions({
  port: option.integer({ description: 'Port of the app on 127.0.0.1 (0: any free port)', env: 'PORT', default: 8080, min: 0, max: 65535 }),
  queue_url: option.string({ description: 'Use this existing worker queue (no embedded SQS)', env: 'FASTIFY_AWS_DEV_QUEUE_URL' }),
  endpoint: option.string({ description: 'Use the SQS at this endpoint and create the queues there', env: 'FASTIFY_AWS_DEV_ENDPOINT' }),
  aws_endpoint_url_sqs: option.string({ description: "The SDK's SQS endpoint variable", env: 'AWS_ENDPOINT_URL_SQS', yaml: false }),
  aws_endpoint_url: option.string({ description: "The SDK's endpoint variable for every service", env: 'AWS_ENDPOINT_URL', yaml: false }),
  sqs_port: option.integer({ description: 'Port of the embedded SQS (0: any free port)', env: 'FASTIFY_AWS_DEV_SQS_PORT', default: 0, min: 0, max: 65535 }),
  queue_name: option.string({ description: 'Name of the worker queue the stack creates', env: 'FASTIFY_AWS_DEV_QUEUE_NAME', default: 'default' }),
  http_path: option.string({ description: 'HttpPath: where the daemon POSTs jobs in the app', env: 'FASTIFY_AWS_DEV_HTTP_PATH', default: '/' }),
  cron_file: option.string({ description: 'cron.yaml the daemon schedules', env: 'FASTIFY_AWS_DEV_CRON_FILE', default: 'cron.yaml' }),
  app: option.string({ description: 'Module exporting buildApp({ registry, worker, logger }): your app, with its worker enabled', env: 'FASTIFY_AWS_DEV_APP' }),
  jobs: option.string({ description: 'Without an app: the module that registers your jobs, run by a bare Fastify app with the worker tier', env: 'FASTIFY_AWS_DEV_JOBS' }),
  state_file: option.string({ description: 'Where enqueue / cron run find this run', env: 'FASTIFY_AWS_DEV_STATE_FILE', default: '.fastify-aws/dev.json' }),
})

/** Where the dev options are read from. */
export const devConfigSource = { names: ['dev'], envPrefix: '' } as const

/** Resolves the dev options: code (flags) > ENV > `config/dev.yml` > defaults. */
export function loadDevOptions(load: LoadConfigOptions<typeof devOptions> = {}) {
  // With an empty prefix the loader would take a plain CONFIG_FILE variable as this part's YAML file; only
  // FASTIFY_AWS_DEV_CONFIG_FILE may name it.
  const { CONFIG_FILE: _unrelated, ...env } = load.env ?? process.env
  if (env.FASTIFY_AWS_DEV_CONFIG_FILE) env.CONFIG_FILE = env.FASTIFY_AWS_DEV_CONFIG_FILE
  const loaded = loadConfig(devConfigSource, devOptions, { ...load, env })
  const v = loaded.values
  return {
    ...v,
    /** The configured SQS endpoint, if any: flag/dev option, then the SDK's variables. */
    sqsEndpoint: v.endpoint ?? v.aws_endpoint_url_sqs ?? v.aws_endpoint_url,
    /** True when cron_file was set (a missing file is then an error, not "no periodic tasks"). */
    cronFileExplicit: loaded.sources.cron_file !== 'default',
  }
}
