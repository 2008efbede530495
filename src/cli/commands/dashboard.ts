// `fastify-aws dashboard`: the jobs dashboard alone, for an operator, against the configured queues (or the running
// `fastify-aws dev`'s).
import { resolve } from 'node:path'
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import type { AwsClientOptions } from '../../aws/index.js'
import { fastifyAwsDashboard, loadDashboardSettings, type FastifyAwsDashboardOptions } from '../../dashboard/index.js'
import { EMBEDDED_SQS_AWS } from '../../dev/embedded-sqs.js'
import { loadSqsdSettings } from '../../sqsd/options.js'
import { DEV_STATE_FILE, readDevState } from '../../dev/state-file.js'
import { CliUsageError } from '../../errors.js'
import { JobRegistry, listenForStop, loadJobsModule } from '../../jobs/index.js'
import { createSqsClient } from '../../sqs/index.js'
import { intFlag, parseFlags } from '../args.js'
import type { Command } from '../command.js'
import { jobNamed } from './enqueue.js'
import { cliLogger } from '../logger.js'

const help = `Usage: fastify-aws dashboard [options]

Serves the jobs dashboard on its own: every configured queue with its dead-letter queue (browse, redrive, delete),
cron.yaml's tasks ("run now"), and an enqueue form for the jobs of --jobs. Recent runs are those of the process
that runs jobs (mount the plugin there to see them); this one runs none.

Options (ENV in brackets; also config/fastify_aws_dashboard.yml):
  --host HOST        address to listen on [FASTIFY_AWS_DASHBOARD_HOST] (127.0.0.1). Any address but loopback
                     needs FASTIFY_AWS_DASHBOARD_USERNAME and FASTIFY_AWS_DASHBOARD_PASSWORD.
  --port N           port, 0 = any free port [FASTIFY_AWS_DASHBOARD_PORT] (8090)
  --prefix PATH      mount path [FASTIFY_AWS_DASHBOARD_PREFIX] (/_jobs)
  --queue-url URL    also show this queue (repeatable) [FASTIFY_AWS_DASHBOARD_QUEUE_URLS]
  --cron FILE        cron.yaml to show [FASTIFY_AWS_DASHBOARD_CRON_FILE] (cron.yaml, if present)
  --jobs MODULE      module that registers the app's jobs (as "fastify-aws poll --jobs"): the enqueue form's jobs
  --read-only        show everything, change nothing [FASTIFY_AWS_DASHBOARD_READ_ONLY]
  --endpoint URL     SQS endpoint (emulators)
  --region REGION    AWS region
  --state-file FILE  state file of a running "fastify-aws dev" (.fastify-aws/dev.json)
  --log-level LEVEL  trace, debug, info, warn, error (info)

Queues: those of config/aws_active_job_sqs.yml and AWS_ACTIVE_JOB_SQS_<QUEUE>_URL, the daemon's
(FASTIFY_AWS_SQSD_QUEUE_URL or config/sqsd.yml), --queue-url, and the queue of a "fastify-aws dev" running in
this directory (with its SQS). "Run now" sends to FASTIFY_AWS_DASHBOARD_CRON_QUEUE_URL, else the dev queue,
else the daemon's queue.
`

const command: Command = {
  summary: 'Serve the jobs dashboard (queues, dead letters, cron.yaml, enqueue) for the configured queues',
  help,
  async run(io) {
    const { values } = parseFlags(
      io.argv,
      {
        host: { type: 'string' },
        port: { type: 'string' },
        prefix: { type: 'string' },
        'queue-url': { type: 'string', multiple: true },
        cron: { type: 'string' },
        jobs: { type: 'string' },
        'read-only': { type: 'boolean' },
        endpoint: { type: 'string' },
        region: { type: 'string' },
        'state-file': { type: 'string' },
        'log-level': { type: 'string' },
      },
      false,
    )
    const port = intFlag('port', values.port, 0)
    if (port !== undefined && port > 65_535) throw new CliUsageError(`--port takes a port from 0 to 65535, got "${values.port}".`)
    const load = { env: io.env, cwd: io.cwd }
    const settings = loadDashboardSettings(
      {
        ...(values.host !== undefined ? { host: values.host } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
      },
      load,
    )
    const { logger } = await cliLogger(io, values['log-level'])

    // A running dev stack brings its queue and its SQS (the embedded emulator takes dummy credentials).
    const dev = readDevState(resolve(io.cwd, values['state-file'] ?? DEV_STATE_FILE))
    const overrides: AwsClientOptions = {}
    if (values.endpoint !== undefined) overrides.endpoint = values.endpoint
    if (values.region !== undefined) overrides.region = values.region
    const useDev = dev !== undefined && values.endpoint === undefined
    const aws: AwsClientOptions = useDev
      ? {
          region: dev.region,
          ...(dev.embedded ? { credentials: { ...EMBEDDED_SQS_AWS.credentials } } : {}),
          ...(dev.endpoint !== undefined ? { endpoint: dev.endpoint } : {}),
          ...overrides,
        }
      : overrides
    const sqs = createSqsClient(aws, 'dashboard', load)
    const daemonQueue = loadSqsdSettings(load).queueUrl
    const queueUrls = [...(useDev ? [dev.queueUrl] : []), ...(daemonQueue !== undefined ? [daemonQueue] : []), ...(values['queue-url'] ?? []), ...(settings.queue_urls ?? [])]

    const registry = values.jobs !== undefined ? await jobsFrom(values.jobs, io.cwd) : new JobRegistry()
    // Against dev, its jobs can be enqueued by name (the service has their code; only the name travels).
    if (values.jobs === undefined && useDev) for (const name of dev.jobs) registry.register(jobNamed(name))

    const options: FastifyAwsDashboardOptions = {
      sqs,
      registry,
      configLoad: { cwd: io.cwd, env: io.env },
      queueUrls,
      ...(values.cron !== undefined ? { cronFile: values.cron } : useDev && dev.cronFile !== undefined && !settings.cronFileExplicit ? { cronFile: dev.cronFile } : {}),
      ...(values['read-only'] ? { readOnly: true } : {}),
      ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
    }
    const cronQueueUrl = settings.cron_queue_url ?? (useDev ? dev.queueUrl : daemonQueue)
    if (cronQueueUrl !== undefined) options.cronQueueUrl = cronQueueUrl

    const app = Fastify({ loggerInstance: logger })
    const stop = listenForStop()
    try {
      await app.register(fastifyAwsDashboard, options)
      app.get('/', (_request, reply) => reply.redirect(`${app.jobsDashboard.prefix}/`))
      await app.listen({ host: settings.host, port: settings.port })
      const address = app.server.address() as AddressInfo
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
      io.stderr.write(
        `fastify-aws dashboard: http://${host}:${address.port}${app.jobsDashboard.prefix}/ ` +
          `(${app.jobsDashboard.queues.length} queue${app.jobsDashboard.queues.length === 1 ? '' : 's'}${useDev ? ', fastify-aws dev' : ''}; Ctrl-C stops)\n`,
      )
      logger.info({ signal: await stop.stopped }, 'dashboard stopping')
      return 0
    } finally {
      stop.dispose()
      await app.close()
      sqs.destroy()
    }
  },
}

async function jobsFrom(spec: string, cwd: string): Promise<JobRegistry> {
  try {
    return await loadJobsModule(spec, { cwd, namedBy: `--jobs ${spec}` })
  } catch (err) {
    if ((err as { code?: string }).code === 'FASTIFY_AWS_JOBS_MODULE') throw new CliUsageError((err as Error).message)
    throw err
  }
}

export default command
