// `fastify-aws poll`: runs jobs from the configured SQS queues until SIGINT/SIGTERM.
import { CliUsageError } from '../../errors.js'
import { JobRegistry, loadJobsModule } from '../../jobs/index.js'
import { Poller, stopOnSignals } from '../../poller/index.js'
import { loadQueueConfig } from '../../queue/index.js'
import { createSqsClient } from '../../sqs/index.js'
import { intFlag, parseFlags } from '../args.js'
import type { Command } from '../command.js'
import { cliLogger } from '../logger.js'

const help = `Usage: fastify-aws poll [options]

Receives jobs from SQS and runs them, keeping up to --concurrency jobs running at once. Stops on
SIGINT/SIGTERM: no more receives, running jobs get --shutdown-timeout seconds to finish, then they are
aborted and their messages made visible again; exit status 0. A second signal stops at once.

Options:
  --queue NAME             a queue to poll (repeatable); default: every queue configured
  --concurrency N          jobs running at once, across all queues (default 25; alias --threads)
  --max-messages N         messages per ReceiveMessage call, 1-10 (default 10)
  --visibility-timeout S   seconds a received message stays hidden (default: the queue's own setting)
  --shutdown-timeout S     seconds running jobs get to finish when stopping (default 15)
  --startup-timeout S      seconds to keep retrying while SQS is unreachable at start (default 60)
  --call-timeout S         seconds an SQS call may take before it is retried on a new connection;
                           a long poll gets its 20 s wait on top (default 10)
  --endpoint URL           SQS endpoint (an emulator's); else AWS_ENDPOINT_URL_SQS, config/aws.yml
  --region REGION          AWS region; else AWS_REGION, config/aws.yml
  --jobs MODULE            module that registers the app's jobs: a path (relative to the current
                           directory) or package name whose default export, registerJobs or
                           registerServiceJobs export takes a JobRegistry, or that registers them in
                           defaultRegistry on import (required)
  -h, --help               show this help

Queues and defaults come from config/aws_active_job_sqs.yml (config/aws_active_job_sqs/<NODE_ENV>.yml
first) and AWS_ACTIVE_JOB_SQS_* variables (AWS_ACTIVE_JOB_SQS_<QUEUE>_URL, _CONCURRENCY, ...); flags win.
SQS endpoint, region and credentials: config/aws.yml or the SDK's own variables (AWS_REGION,
AWS_ENDPOINT_URL_SQS, ...).
`

/** The registry holding the --jobs module's jobs. */
async function loadJobs(spec: string | undefined, cwd: string): Promise<JobRegistry> {
  if (spec === undefined) {
    throw new CliUsageError(
      'poll needs --jobs MODULE: the module that registers your jobs (a default export or registerJobs(registry), ' +
        'or defaultRegistry.register(...) on import), e.g. --jobs dist/jobs.js.',
    )
  }
  try {
    return await loadJobsModule(spec, { cwd, namedBy: `--jobs ${spec}` })
  } catch (err) {
    // A module that cannot serve is a usage error of this command (exit status 2), said in the loader's words.
    if ((err as { code?: string }).code === 'FASTIFY_AWS_JOBS_MODULE') throw new CliUsageError((err as Error).message)
    throw err
  }
}

const command: Command = {
  summary: 'Run jobs from SQS queues (long-running poller)',
  help,
  async run(io) {
    const { values } = parseFlags(
      io.argv,
      {
        queue: { type: 'string', multiple: true },
        concurrency: { type: 'string' },
        threads: { type: 'string' },
        'max-messages': { type: 'string' },
        'visibility-timeout': { type: 'string' },
        'shutdown-timeout': { type: 'string' },
        jobs: { type: 'string' },
        'startup-timeout': { type: 'string' },
        'call-timeout': { type: 'string' },
        endpoint: { type: 'string' },
        region: { type: 'string' },
      },
      false,
    )
    const concurrency = intFlag('concurrency', values.concurrency, 1) ?? intFlag('threads', values.threads, 1)
    const maxMessages = intFlag('max-messages', values['max-messages'], 1)
    if (maxMessages !== undefined && maxMessages > 10) throw new CliUsageError(`--max-messages takes 1 to 10, got ${maxMessages}.`)
    const visibilityTimeout = intFlag('visibility-timeout', values['visibility-timeout'], 0)
    if (visibilityTimeout !== undefined && visibilityTimeout > 43_200) {
      throw new CliUsageError(`--visibility-timeout takes 0 to 43200 seconds, got ${visibilityTimeout}.`)
    }
    const shutdownTimeout = intFlag('shutdown-timeout', values['shutdown-timeout'], 0)
    const startupTimeoutSeconds = intFlag('startup-timeout', values['startup-timeout'], 0)
    const callTimeoutSeconds = intFlag('call-timeout', values['call-timeout'], 1)
    if (values.endpoint !== undefined && !/^https?:\/\/./.test(values.endpoint)) {
      throw new CliUsageError(`--endpoint takes an http:// or https:// URL, got "${values.endpoint}".`)
    }

    const registry = await loadJobs(values.jobs, io.cwd)
    // pino's default pid and hostname stay: they tell the pods or tasks of a deployment apart.
    const { logger } = await cliLogger(io, undefined, { name: 'fastify-aws-poll' })
    const config = loadQueueConfig({ env: io.env, cwd: io.cwd })
    for (const name of values.queue ?? []) config.queue(name)
    const aws = { ...(values.endpoint !== undefined ? { endpoint: values.endpoint } : {}), ...(values.region !== undefined ? { region: values.region } : {}) }
    const client = createSqsClient(aws, 'poller', { env: io.env, cwd: io.cwd }, { callTimeoutSeconds: callTimeoutSeconds ?? config.callTimeout })
    const poller = new Poller({
      registry,
      config,
      client,
      logger,
      ...(values.queue ? { queues: values.queue } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(maxMessages !== undefined ? { maxMessages } : {}),
      ...(visibilityTimeout !== undefined ? { visibilityTimeout } : {}),
      ...(shutdownTimeout !== undefined ? { shutdownTimeout } : {}),
      ...(startupTimeoutSeconds !== undefined ? { startupTimeoutSeconds } : {}),
      ...(callTimeoutSeconds !== undefined ? { callTimeoutSeconds } : {}),
    })
    const removeSignalHandlers = stopOnSignals(poller, logger)
    try {
      await poller.start()
    } catch (err) {
      removeSignalHandlers()
      client.destroy()
      throw err
    }
    await poller.closed()
    client.destroy()
    if (poller.stats.running > 0) {
      // Jobs that ignored their AbortSignal would keep the process alive; their messages are already released.
      logger.warn({ jobs: poller.stats.running }, 'Exiting with jobs that did not stop when aborted')
      setTimeout(() => process.exit(0), 100).unref()
    }
    return 0
  },
}

export default command
