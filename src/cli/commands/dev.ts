// `fastify-aws dev` (`npm run dev`): SQS, the worker queue and its dead-letter queue, the reference service with
// its worker enabled, and the sqsd daemon with cron.yaml, all in this process; one Ctrl-C stops everything.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { loadAwsClientOptions } from '../../aws/index.js'
import { loadAppModule } from '../../dev/app-module.js'
import { jobsOnlyApp } from '../../dev/jobs-app.js'
import { startDevStack } from '../../dev/dev-stack.js'
import { loadDevOptions } from '../../dev/dev-options.js'
import { loadSqsdSettings } from '../../sqsd/options.js'
import { listenForStop } from '../../jobs/index.js'
import { CliUsageError } from '../../errors.js'
import { loadWorkerSettings } from '../../worker/index.js'
import { intFlag, parseFlags } from '../args.js'
import type { Command } from '../command.js'
import { cliLogger } from '../logger.js'
import { sqsdCodeFromFlags, sqsdFlagSpec } from './sqsd.js'

const help = `Usage: fastify-aws dev [options]

Runs the whole EB worker tier locally: an embedded SQS (fauxqs) unless a queue or endpoint is configured,
the worker queue and its dead-letter queue (maxReceiveCount = MaxRetries), your app (--app) or your jobs in a
bare app (--jobs) with the worker enabled on 127.0.0.1, and the sqsd daemon POSTing to it, with cron.yaml's
periodic tasks. In this repository "npm run dev" runs the reference service (--app service/app.ts).
While it runs, "fastify-aws enqueue" and "fastify-aws cron run" in this directory find its queue.

Options (ENV in brackets; also config/dev.yml):
  --port N                 port of the service on 127.0.0.1, 0 = any free port [PORT] (8080)
  --queue-url URL          use this existing worker queue, no embedded SQS [FASTIFY_AWS_DEV_QUEUE_URL]
  --endpoint URL           use the SQS at this endpoint and create the queues there
                           [FASTIFY_AWS_DEV_ENDPOINT, AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL, config/aws.yml]
  --region REGION          AWS region for a configured SQS (else config/aws.yml and the SDK chain)
  --sqs-port N             port of the embedded SQS, 0 = any free port [FASTIFY_AWS_DEV_SQS_PORT] (0)
  --queue-name NAME        worker queue to create [FASTIFY_AWS_DEV_QUEUE_NAME] (default)
  --http-path PATH         HttpPath: where jobs are POSTed in the service [FASTIFY_AWS_DEV_HTTP_PATH] (/)
  --cron FILE              cron.yaml to schedule [FASTIFY_AWS_DEV_CRON_FILE] (cron.yaml, if present)
  --no-cron                no periodic tasks
  --state-file FILE        where enqueue / cron run find this run [FASTIFY_AWS_DEV_STATE_FILE]
                           (.fastify-aws/dev.json)
  --app FILE               your app: a module exporting buildApp({ registry, worker, logger }) → your
                           Fastify app with fastifyAwsWorker registered, not listening [FASTIFY_AWS_DEV_APP]
  --jobs MODULE            no app of your own: the module that registers your jobs (as "poll --jobs"),
                           run by a bare Fastify app with the worker tier [FASTIFY_AWS_DEV_JOBS]
  --no-dashboard           do not mount the jobs dashboard (/_jobs in the app; FASTIFY_AWS_DASHBOARD_*
                           and config/fastify_aws_dashboard.yml set it up)
  --log-level LEVEL        trace, debug, info, warn, error (info)
Daemon options, as "fastify-aws sqsd" (FASTIFY_AWS_SQSD_* and config/sqsd.yml also apply):
  --mime-type, --http-connections, --connect-timeout, --inactivity-timeout, --visibility-timeout,
  --error-visibility-timeout, --max-retries, --retention-period, --wait-time
  Unless set, HttpConnections is the worker's threads (AWS_PROCESS_BEANSTALK_WORKER_THREADS, default CPUs x 2),
  so the daemon never sends more than the worker runs at once (each 429 would count towards MaxRetries).

Ctrl-C (SIGINT) or SIGTERM stops everything cleanly; a second Ctrl-C (a second later) exits at once.
`

const command: Command = {
  summary: 'Run the worker tier locally: embedded SQS, queues, your app, the sqsd daemon and cron.yaml',
  help,
  async run(io) {
    const { values } = parseFlags(
      io.argv,
      {
        port: { type: 'string' },
        'queue-url': { type: 'string' },
        endpoint: { type: 'string' },
        region: { type: 'string' },
        'sqs-port': { type: 'string' },
        'queue-name': { type: 'string' },
        'http-path': { type: 'string' },
        cron: { type: 'string' },
        'no-cron': { type: 'boolean' },
        'state-file': { type: 'string' },
        app: { type: 'string' },
        jobs: { type: 'string' },
        'no-dashboard': { type: 'boolean' },
        'log-level': { type: 'string' },
        ...sqsdFlagSpec,
      },
      false,
    )
    if (values.cron !== undefined && values['no-cron']) throw new CliUsageError('--cron and --no-cron contradict each other; give one.')
    const port = portFlag('port', values.port)
    const sqsPort = portFlag('sqs-port', values['sqs-port'])
    const httpPath = values['http-path']
    if (httpPath !== undefined && !httpPath.startsWith('/')) {
      throw new CliUsageError(`--http-path must start with "/", got "${httpPath}".`)
    }

    const load = { env: io.env, cwd: io.cwd }
    const dev = loadDevOptions({
      ...load,
      code: {
        ...(port !== undefined ? { port } : {}),
        ...(sqsPort !== undefined ? { sqs_port: sqsPort } : {}),
        ...(values['queue-url'] !== undefined ? { queue_url: values['queue-url'] } : {}),
        ...(values.endpoint !== undefined ? { endpoint: values.endpoint } : {}),
        ...(values['queue-name'] !== undefined ? { queue_name: values['queue-name'] } : {}),
        ...(httpPath !== undefined ? { http_path: httpPath } : {}),
        ...(values.cron !== undefined ? { cron_file: values.cron } : {}),
        ...(values['state-file'] !== undefined ? { state_file: values['state-file'] } : {}),
        ...(values.app !== undefined ? { app: values.app } : {}),
        ...(values.jobs !== undefined ? { jobs: values.jobs } : {}),
      },
    })
    if (dev.app !== undefined && dev.jobs !== undefined) throw new CliUsageError('--app and --jobs both name what to run; give one (an app registers its own jobs).')
    if (dev.app === undefined && dev.jobs === undefined) {
      throw new CliUsageError(
        'dev needs your app or your jobs: --app FILE (a module exporting buildApp({ registry, worker, logger }), see docs/dev.md) ' +
          'or --jobs MODULE (a module registering your jobs); or set FASTIFY_AWS_DEV_APP / FASTIFY_AWS_DEV_JOBS, or app: / jobs: in config/dev.yml.',
      )
    }
    const sqsd = loadSqsdSettings({ ...load, code: { ...sqsdCodeFromFlags(values), http_url: `http://127.0.0.1${dev.http_path}` } })
    // The worker answers 429 beyond its threads, and each 429 counts as a receive towards MaxRetries: unless
    // HttpConnections is set, the daemon sends no more at once than the worker runs (.ebextensions keeps the same rule).
    const workerThreads = loadWorkerSettings({}, load).threads
    const connectionsSet = sqsd.explicit.has('http_connections')
    if (!connectionsSet) sqsd.settings.httpConnections = Math.min(100, workerThreads)
    const embedded = dev.queue_url === undefined && dev.sqsEndpoint === undefined && values.endpoint === undefined
    // Embedded SQS needs no credentials of the app's: don't read them (a Rails app's credentials.yml.enc without
    // its key would stop start-up for nothing). A configured SQS gets the app's AWS settings as everywhere else.
    const awsCode = values.region !== undefined ? { region: values.region } : {}
    const aws = embedded ? { ...awsCode, railsCredentials: false } : loadAwsClientOptions(awsCode, load)
    const endpoint = dev.sqsEndpoint ?? aws.endpoint

    // A missing default cron.yaml just means no periodic tasks; a missing file that was asked for is an error.
    let cronFile: string | undefined
    if (!values['no-cron'] && (dev.cronFileExplicit || existsSync(resolve(io.cwd, dev.cron_file)))) cronFile = dev.cron_file

    const { logger, destination } = await cliLogger(io, values['log-level'])
    if (connectionsSet && sqsd.settings.httpConnections > workerThreads) {
      logger.warn(
        { httpConnections: sqsd.settings.httpConnections, workerThreads },
        'HttpConnections is above the worker threads (AWS_PROCESS_BEANSTALK_WORKER_THREADS): busy moments answer 429, and each 429 counts towards MaxRetries',
      )
    }
    const stop = listenForStop()
    let stack: Awaited<ReturnType<typeof startDevStack>> | undefined
    try {
      stack = await startDevStack({
        buildApp: dev.app !== undefined ? await loadAppModule(dev.app, io.cwd) : jobsOnlyApp(dev.jobs!, io.cwd),
        appLogger: { level: values['log-level'] ?? 'info', stream: destination },
        port: dev.port,
        settings: sqsd.settings,
        ...(dev.queue_url !== undefined ? { queueUrl: dev.queue_url } : {}),
        ...(endpoint !== undefined ? { endpoint } : {}),
        sqsPort: dev.sqs_port,
        queueName: dev.queue_name,
        ...(cronFile !== undefined ? { cronFile } : {}),
        statePath: dev.state_file,
        cwd: io.cwd,
        aws,
        logger,
        dashboard: values['no-dashboard'] ? false : { configLoad: { env: io.env } },
      })
      if (cronFile === undefined) logger.info('no cron.yaml: no periodic tasks')
      // A job the app really has, so the first command a newcomer copies works.
      const jobs = stack.state.jobs
      const job = jobs.includes('HelloJob') ? 'HelloJob' : jobs[0]
      io.stderr.write(
        `fastify-aws dev: app on ${stack.appUrl}, worker queue ${stack.queueUrl}\n` +
          (stack.dashboardUrl ? `  jobs dashboard: ${stack.dashboardUrl}\n` : '') +
          (job === undefined
            ? '  no job is registered: register your jobs in the registry dev hands to buildApp    (Ctrl-C stops everything)\n'
            : `  try: npx fastify-aws enqueue ${job} '${job === 'HelloJob' ? '["world"]' : '[]'}'    (Ctrl-C stops everything)\n`),
      )
      logger.info({ signal: await stop.stopped }, 'dev stopping')
      return 0
    } finally {
      await stack?.close()
      stop.dispose()
    }
  },
}

function portFlag(name: string, value: string | undefined): number | undefined {
  const n = intFlag(name, value, 0)
  if (n !== undefined && n > 65535) throw new CliUsageError(`--${name} takes a port from 0 to 65535, got "${value}".`)
  return n
}

export default command
