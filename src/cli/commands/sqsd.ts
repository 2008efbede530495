// `fastify-aws sqsd`: the stand-alone aws-sqsd stand-in (Docker, Kubernetes, a laptop: anywhere EB is not).
import { resolve } from 'node:path'
import type { AwsClientOptions } from '../../aws/index.js'
import { createSqsClient } from '../../sqs/index.js'
import { SqsdDaemon } from '../../sqsd/daemon.js'
import { loadSqsdSettings, sqsdOptions } from '../../sqsd/options.js'
import { listenForStop } from '../../jobs/index.js'
import { CliUsageError } from '../../errors.js'
import { loadCronYaml } from '../../config/index.js'
import { intFlag, parseFlags } from '../args.js'
import type { Command } from '../command.js'
import { cliLogger } from '../logger.js'

/** Flags shared by `sqsd` and `dev`: flag name → EB option (snake-case key of `sqsdOptions`). */
export const SQSD_NUMBER_FLAGS = {
  'http-connections': 'http_connections',
  'connect-timeout': 'connect_timeout',
  'inactivity-timeout': 'inactivity_timeout',
  'visibility-timeout': 'visibility_timeout',
  'error-visibility-timeout': 'error_visibility_timeout',
  'max-retries': 'max_retries',
  'retention-period': 'retention_period',
  'wait-time': 'wait_time',
} as const

const EB_NAMES: Record<keyof typeof SQSD_NUMBER_FLAGS, string> = {
  'http-connections': 'HttpConnections',
  'connect-timeout': 'ConnectTimeout',
  'inactivity-timeout': 'InactivityTimeout',
  'visibility-timeout': 'VisibilityTimeout',
  'error-visibility-timeout': 'ErrorVisibilityTimeout',
  'max-retries': 'MaxRetries',
  'retention-period': 'RetentionPeriod',
  'wait-time': 'long-poll wait',
}

/** parseArgs specs of the daemon's flags. */
export const sqsdFlagSpec = {
  'mime-type': { type: 'string' },
  ...Object.fromEntries(Object.keys(SQSD_NUMBER_FLAGS).map((f) => [f, { type: 'string' as const }])),
} as Record<'mime-type' | keyof typeof SQSD_NUMBER_FLAGS, { type: 'string' }>

/** Daemon option values given on the command line, each checked against EB's range with an error naming the flag. */
export function sqsdCodeFromFlags(values: Partial<Record<string, string | boolean | undefined>>): Record<string, string | number> {
  const code: Record<string, string | number> = {}
  for (const [flag, key] of Object.entries(SQSD_NUMBER_FLAGS) as [keyof typeof SQSD_NUMBER_FLAGS, keyof typeof sqsdOptions][]) {
    const raw = values[flag]
    if (typeof raw !== 'string') continue
    const spec = sqsdOptions[key] as { min?: number; max?: number }
    const n = intFlag(flag, raw, spec.min ?? 0)!
    if (spec.max !== undefined && n > spec.max) {
      throw new CliUsageError(`--${flag} takes a whole number from ${spec.min ?? 0} to ${spec.max} (EB ${EB_NAMES[flag]}), got "${raw}".`)
    }
    code[key] = n
  }
  if (typeof values['mime-type'] === 'string') code.mime_type = values['mime-type']
  return code
}

const help = `Usage: fastify-aws sqsd --queue-url URL [--http-url URL] [options]

A local stand-in for Elastic Beanstalk's worker daemon (aws-sqsd): long-polls the queue and POSTs each
message to the app with the X-Aws-Sqsd-* headers; only a 200 deletes the message.

Options (EB option name, default; also FASTIFY_AWS_SQSD_<NAME> and config/sqsd.yml):
  --queue-url URL                 WorkerQueueURL (required)
  --http-url URL                  where to POST, path = HttpPath (http://127.0.0.1:8080/)
  --mime-type TYPE                MimeType (application/json)
  --http-connections N            HttpConnections, 1-100 (50)
  --connect-timeout S             ConnectTimeout, 1-60 (5)
  --inactivity-timeout S          InactivityTimeout, 1-36000 (299)
  --visibility-timeout S          VisibilityTimeout, 0-43200 (300)
  --error-visibility-timeout S    ErrorVisibilityTimeout, 0-43200 (2)
  --max-retries N                 MaxRetries, 1-100 (10): checked against the queue's redrive policy
  --retention-period S            RetentionPeriod, 60-1209600 (345600): used when dev creates queues
  --wait-time S                   long-poll wait of each receive, 0-20 (20)
  --cron FILE                     enqueue this cron.yaml's periodic tasks (this daemon is the leader)
  --endpoint URL                  SQS endpoint (emulators); else config/aws.yml, AWS_ENDPOINT_URL_SQS
  --region REGION                 AWS region; else config/aws.yml and the SDK chain
  --log-level LEVEL               trace, debug, info, warn, error (info)

Ctrl-C (SIGINT) or SIGTERM: stops polling, waits for POSTs in flight, exits.
`

const command: Command = {
  summary: 'Run the EB worker daemon (aws-sqsd stand-in): poll a queue, POST to the app, run cron.yaml',
  help,
  async run(io) {
    const { values } = parseFlags(
      io.argv,
      {
        'queue-url': { type: 'string' },
        'http-url': { type: 'string' },
        cron: { type: 'string' },
        endpoint: { type: 'string' },
        region: { type: 'string' },
        'log-level': { type: 'string' },
        ...sqsdFlagSpec,
      },
      false,
    )
    const code: Record<string, string | number> = sqsdCodeFromFlags(values)
    if (values['queue-url'] !== undefined) code.queue_url = values['queue-url']
    if (values['http-url'] !== undefined) code.http_url = values['http-url']
    if (values.cron !== undefined) code.cron = values.cron
    const loaded = loadSqsdSettings({ code, env: io.env, cwd: io.cwd })
    if (loaded.queueUrl === undefined) {
      throw new CliUsageError('--queue-url is required (or FASTIFY_AWS_SQSD_QUEUE_URL, or queue_url in config/sqsd.yml).')
    }
    const { logger } = await cliLogger(io, values['log-level'])
    const cron = loaded.cron ? loadCronYaml(resolve(io.cwd, loaded.cron), { workerPath: loaded.settings.httpUrl.pathname }) : []

    const overrides: AwsClientOptions = {}
    if (values.endpoint !== undefined) overrides.endpoint = values.endpoint
    if (values.region !== undefined) overrides.region = values.region
    // Every call time-limited, as the poller's: a daemon behind a dead connection must not sit silent for minutes.
    const sqs = createSqsClient(overrides, 'sqsd', { env: io.env, cwd: io.cwd })
    const daemon = new SqsdDaemon({ sqs, queueUrl: loaded.queueUrl, settings: loaded.settings, logger, cron })
    const stop = listenForStop()
    try {
      await daemon.start()
      logger.info({ signal: await stop.stopped }, 'sqsd stopping')
      return 0
    } finally {
      await daemon.stop()
      sqs.destroy()
      stop.dispose()
    }
  },
}

export default command
