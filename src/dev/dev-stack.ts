// `fastify-aws dev`: the whole worker tier on one machine: SQS (embedded unless configured), the worker queue
// and its dead-letter queue, the app with its worker enabled, and the sqsd daemon with cron.yaml between them.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { AddressInfo } from 'node:net'
import { SQSClient } from '@aws-sdk/client-sqs'
import type { FastifyInstance } from 'fastify'
import { createAwsClient, type AwsClientOptions } from '../aws/index.js'
import { fastifyAwsDashboard, type FastifyAwsDashboardOptions } from '../dashboard/index.js'
import { DevConfigError, DevPortInUseError } from '../errors.js'
import { getQueueAdapter, JobRegistry, setQueueAdapter, toJobAllowlist, type JobLogger } from '../jobs/index.js'
import { loadQueueConfig, useSqsQueue, type SqsQueue } from '../queue/index.js'
import { loadCronYaml, type CronEntry } from '../config/index.js'
import { SqsdDaemon } from '../sqsd/daemon.js'
import { EMBEDDED_SQS_AWS, startEmbeddedSqs } from './embedded-sqs.js'
import { defaultSqsdSettings, type SqsdSettings } from '../sqsd/options.js'
import { queueNameOf } from '../sqsd/headers.js'
import { loadWorkerSettings } from '../worker/index.js'
import { createWorkerQueues } from './queues.js'
import { DEV_STATE_FILE, removeDevState, writeDevState, type DevState } from './state-file.js'

/** What the app factory gets: the registry the daemon's cron is checked against, and the worker settings to use. */
export interface DevAppContext {
  /** Register the app's jobs here (cron.yaml names are checked against it). */
  registry: JobRegistry
  /**
   * Worker options for the app: enabled, on the daemon's HttpPath, validating the same cron.yaml, in the project
   * directory, and sending early jobs and retries back to dev's worker queue (`queue`).
   */
  worker: { enabled: true; path: string; configLoad: { cwd: string }; cronFile?: string; queue: SqsQueue }
  /** Logger options for the app's Fastify (`Fastify({ logger })`): the level and stream `fastify-aws dev` logs with. */
  logger: DevAppLogger
}

/** Where and how verbosely the dev stack wants the app to log. */
export interface DevAppLogger {
  level: string
  stream: { write(line: string): unknown }
}

/** Options of {@link startDevStack}. */
export interface DevStackOptions {
  /** Builds the app (not listening); `fastify-aws dev` passes the reference service. */
  buildApp: (context: DevAppContext) => FastifyInstance | Promise<FastifyInstance>
  /** Port of the app on 127.0.0.1 (0: any free port). Default 8080. */
  port?: number
  /** Daemon settings; `httpUrl` is ignored (the daemon POSTs to the app), its path is kept as HttpPath. */
  settings?: Partial<SqsdSettings>
  /** Use this existing queue: no embedded SQS, no queue creation. */
  queueUrl?: string
  /** Use the SQS at this endpoint (another emulator) and create the queues there, instead of embedding one. */
  endpoint?: string
  /** Port of the embedded SQS on 127.0.0.1 (default 0: any free port). */
  sqsPort?: number
  /** Worker queue name when the stack creates it (default `default`); the dead-letter queue is `<name>-dead-letter`. */
  queueName?: string
  /** cron.yaml for the daemon; a relative path is resolved in `cwd`; undefined: no periodic tasks. */
  cronFile?: string
  /** State file for `enqueue` / `cron run`, relative to `cwd` (default `.fastify-aws/dev.json`); false: none. */
  statePath?: string | false
  /** Project directory (config/, cron.yaml, the state file). Default: the process's cwd. */
  cwd?: string
  /** Region, credentials, logging for a configured SQS (ignored when embedded: dummy credentials are used). */
  aws?: AwsClientOptions
  /** Logger of the daemon and of the stack itself. */
  logger: JobLogger
  /** Logger options handed to the app (default: info on stdout). */
  appLogger?: DevAppLogger
  /** Seconds the daemon gives POSTs in flight on stop (default 10). */
  drainTimeout?: number
  /**
   * The jobs dashboard, mounted in the app (default: on, under `/_jobs`, showing the worker queue, its dead-letter
   * queue, cron.yaml and the registry's jobs); options here override those; false: none. An app that registered
   * the dashboard itself keeps its own.
   */
  dashboard?: FastifyAwsDashboardOptions | false
}

/** A running dev stack. */
export interface DevStack {
  /** SQS endpoint in use (undefined: AWS's own). */
  endpoint: string | undefined
  queueUrl: string
  deadLetterQueueUrl: string | undefined
  /** `http://127.0.0.1:PORT` */
  appUrl: string
  /** The jobs dashboard, `http://127.0.0.1:PORT/_jobs/`, when mounted. */
  dashboardUrl: string | undefined
  app: FastifyInstance
  daemon: SqsdDaemon
  /** What the state file holds. */
  state: DevState
  /** Stops the daemon (draining POSTs in flight), the app, the SQS client and the embedded SQS; removes the state file. */
  close(): Promise<void>
}

/**
 * Starts everything, in dependency order; if a step fails, what already started is stopped before the error
 * is thrown. A busy port gives a {@link DevConfigError} naming the flag to change.
 */
export async function startDevStack(o: DevStackOptions): Promise<DevStack> {
  const cwd = o.cwd ?? process.cwd()
  const log = o.logger.child({ component: 'dev' })
  const closers: (() => Promise<void> | void)[] = []
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close()
      } catch (err) {
        log.error({ err }, 'error while stopping the dev stack')
      }
    }
  }
  try {
    const settings = defaultSqsdSettings(o.settings)
    const httpPath = settings.httpUrl.pathname

    // 1. SQS: the configured queue or endpoint, else the embedded emulator.
    let endpoint = o.endpoint
    let aws: AwsClientOptions = o.aws ?? {}
    const embedded = o.queueUrl === undefined && endpoint === undefined
    if (embedded) {
      const sqsServer = await startEmbeddedSqs(o.sqsPort ?? 0, EMBEDDED_SQS_AWS.region)
      closers.push(() => sqsServer.close())
      endpoint = sqsServer.endpoint
      aws = { region: EMBEDDED_SQS_AWS.region, credentials: { ...EMBEDDED_SQS_AWS.credentials } }
      log.info({ endpoint }, `embedded SQS (fauxqs) on ${endpoint}`)
    }
    const sqs = createAwsClient(SQSClient, { ...aws, ...(endpoint ? { endpoint } : {}) }, 'dev')
    closers.push(() => sqs.destroy())
    const region = await sqs.config.region()

    // 2. The worker queue and its dead-letter queue (RedrivePolicy maxReceiveCount = MaxRetries).
    let queueUrl = o.queueUrl
    let deadLetterQueueUrl: string | undefined
    if (queueUrl === undefined) {
      const queues = await createWorkerQueues(sqs, {
        name: o.queueName ?? 'default',
        maxRetries: settings.maxRetries,
        visibilityTimeout: settings.visibilityTimeout,
        retentionPeriod: settings.retentionPeriod,
      })
      queueUrl = queues.queueUrl
      deadLetterQueueUrl = queues.deadLetterQueueUrl
      log.info({ queueUrl, deadLetterQueueUrl, maxRetries: settings.maxRetries }, 'worker queue and dead-letter queue ready')
    }

    // 3. performLater inside the app sends to the worker queue, whatever queue name a job uses (EB has one queue).
    const queueNames = new Set(['default', ...loadQueueConfig({ cwd }).queues.keys()])
    const jobQueue = useSqsQueue({
      client: sqs,
      configLoad: { cwd, code: { queues: Object.fromEntries([...queueNames].map((n) => [n, queueUrl])) } },
    })
    closers.push(() => jobQueue.close())

    // 4. The app with its worker enabled, on loopback.
    const cronFile = o.cronFile === undefined ? undefined : resolve(cwd, o.cronFile)
    if (cronFile !== undefined && !existsSync(cronFile)) {
      throw new DevConfigError(`--cron ${o.cronFile}: no such file in ${cwd}. Give the path of your cron.yaml, or --no-cron.`)
    }
    const registry = new JobRegistry()
    const app = await o.buildApp({
      registry,
      // The worker's own sends (a job that arrived early, a retry_on re-enqueue) go to dev's queue too, as on EB.
      worker: { enabled: true, path: httpPath, configLoad: { cwd }, queue: jobQueue, ...(cronFile ? { cronFile } : {}) },
      logger: o.appLogger ?? { level: 'info', stream: process.stdout },
    })
    closers.push(() => app.close())
    if (o.dashboard !== false && !app.hasPlugin('fastify-aws-dashboard')) {
      const { configLoad: dashboardLoad, ...dashboardOptions } = o.dashboard ?? {}
      await app.register(fastifyAwsDashboard, {
        sqs,
        queues: { [queueNameOf(queueUrl)]: queueUrl },
        jobQueues: false,
        registry,
        queue: jobQueue,
        configLoad: { cwd, ...dashboardLoad },
        cronFile: cronFile ?? false,
        cronQueueUrl: queueUrl,
        ...dashboardOptions,
      })
    }
    const port = o.port ?? 8080
    try {
      await app.listen({ port, host: '127.0.0.1' })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new DevPortInUseError(
          `Port ${port} on 127.0.0.1 is in use (another "npm run dev"?). Pass --port N or set PORT=N.`,
        )
      }
      throw err
    }
    const appUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    // An app that calls useSqsQueue() (or registers fastifyAwsQueue) while it is built made its own queue, configured
    // for production: dev's queue wins, so performLater reaches the worker queue the daemon reads.
    if (getQueueAdapter() !== jobQueue) {
      log.info("the app set its own queue for performLater (useSqsQueue / fastifyAwsQueue); dev's worker queue takes its place")
      setQueueAdapter(jobQueue)
    }
    const dashboardUrl = app.hasDecorator('jobsDashboard') ? `${appUrl}${app.jobsDashboard.prefix}/` : undefined

    // 5. The daemon, POSTing to the app, with the cron.yaml tasks.
    // Checked as the app's worker checks it: registered, and allowed by the worker's job_class_allowlist.
    const allowlist = cronFile ? toJobAllowlist(loadWorkerSettings({}, { cwd }).job_class_allowlist) : undefined
    const cron: CronEntry[] = cronFile ? loadCronYaml(cronFile, { workerPath: httpPath, registry, allowlist }) : []
    const daemon = new SqsdDaemon({
      sqs,
      queueUrl,
      settings: { ...settings, httpUrl: new URL(httpPath + settings.httpUrl.search, appUrl) },
      logger: o.logger,
      cron,
      ...(o.drainTimeout !== undefined ? { drainTimeout: o.drainTimeout } : {}),
    })
    closers.push(() => daemon.stop())
    await daemon.start()

    // 6. The state file, so `enqueue` and `cron run` find this queue.
    const state: DevState = {
      pid: process.pid,
      endpoint,
      region,
      embedded,
      queueUrl,
      queueName: queueNameOf(queueUrl),
      deadLetterQueueUrl,
      appUrl,
      jobs: registry.names(),
      cronFile,
      startedAt: new Date().toISOString(),
    }
    if (o.statePath !== false) {
      const statePath = resolve(cwd, o.statePath ?? DEV_STATE_FILE)
      writeDevState(statePath, state)
      closers.push(() => removeDevState(statePath))
    }
    log.info(
      { appUrl, dashboardUrl, queueUrl, jobs: state.jobs, cron: cron.map((c) => `${c.name} ${c.schedule}`) },
      `dev ready: app on ${appUrl}${dashboardUrl ? `, jobs dashboard on ${dashboardUrl}` : ''}`,
    )

    let closing: Promise<void> | undefined
    return {
      endpoint,
      queueUrl,
      deadLetterQueueUrl,
      appUrl,
      dashboardUrl,
      app,
      daemon,
      state,
      close: () => (closing ??= closeAll()),
    }
  } catch (err) {
    await closeAll()
    throw err
  }
}
