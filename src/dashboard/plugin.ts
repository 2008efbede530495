// The jobs dashboard as a Fastify plugin: queues, recent runs, dead letters, cron.yaml and an enqueue form under a
// prefix, guarded (auth, or this machine only), every action a POST with a CSRF token.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { SQSClient } from '@aws-sdk/client-sqs'
import fastifyCookie from '@fastify/cookie'
import fastifyCsrfProtection from '@fastify/csrf-protection'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { AwsClientOptions } from '../aws/index.js'
import { defaultRegistry, getQueueAdapter, type JobQueueAdapter, type JobRegistry } from '../jobs/index.js'
import { loadQueueConfig, SqsQueue } from '../queue/index.js'
import { createSqsClient } from '../sqs/index.js'
import { loadCronYaml, type CronEntry } from '../config/index.js'
import { guardDashboard, type DashboardAuthHook } from './guard.js'
import { loadDashboardSettings, type DashboardSettingsInput } from './options.js'
import { QueueDirectory, watchedQueues } from './queues.js'
import { RunRecorder } from './recorder.js'
import { RedriveTasks } from './redrive-tasks.js'
import { handleError, pageContext, sendPage } from './respond.js'
import { dashboardRoutes } from './routes.js'
import { errorPage } from './views/error.js'

/** Options of {@link fastifyAwsDashboard}; each overrides its ENV/YAML counterpart (`FASTIFY_AWS_DASHBOARD_<KEY>`). */
export interface FastifyAwsDashboardOptions {
  /** Mount path (`..._PREFIX`, default `/_jobs`). */
  prefix?: string
  /** Show everything, change nothing (`..._READ_ONLY`). */
  readOnly?: boolean
  /** Basic-auth user name (`..._USERNAME`); with `password`. */
  username?: string
  /** Basic-auth password (`..._PASSWORD`, ENV or code only). */
  password?: string
  /**
   * The app's own auth, run on every dashboard request before anything else (a session check, `app.basicAuth`,
   * @fastify/auth's hook). It must reply or throw to refuse.
   */
  auth?: DashboardAuthHook
  /** Recent runs kept (`..._RUNS`, default 500; 0 records none). */
  runs?: number
  /** Seconds between live refreshes of the queue counts (`..._REFRESH_INTERVAL`, default 2). */
  refreshInterval?: number
  /** Queues to show besides the job queues: name → URL (`queues:` in YAML). */
  queues?: Readonly<Record<string, string>>
  /** More queues by URL (`..._QUEUE_URLS`, comma-separated). */
  queueUrls?: readonly string[]
  /** Also show the queues of config/aws_active_job_sqs.yml (`..._JOB_QUEUES`, default true). */
  jobQueues?: boolean
  /** cron.yaml to show (`..._CRON_FILE`, default `cron.yaml`, skipped when that default is absent); false: none. */
  cronFile?: string | false
  /** Worker queue "run now" sends periodic tasks to (`..._CRON_QUEUE_URL`); unset: no "run now". */
  cronQueueUrl?: string
  /** Jobs the enqueue form may send (`..._ENQUEUE_ALLOWLIST`; default every registered job the registry lets run). */
  enqueueAllowlist?: readonly string[]
  /** Dead letters shown per page (`..._DEAD_LETTER_PAGE`, default 50). */
  deadLetterPage?: number
  /** An SQS client to use (not destroyed on close); otherwise one is made from `aws` + config/aws.yml. */
  sqs?: SQSClient
  /** Options of the client made when `sqs` is not given. */
  aws?: AwsClientOptions
  /** Registry the enqueue form takes jobs from (default: the process-wide one). */
  registry?: JobRegistry
  /** Queue the enqueue form sends through (default: the one `useSqsQueue()` set, else one made from the queue config). */
  queue?: JobQueueAdapter
  /** A recorder to show instead of the plugin's own (e.g. one started before the app). Not stopped on close. */
  recorder?: RunRecorder
  /**
   * Where configuration and cron.yaml are read from: `cwd` (the directory holding config/ and cron.yaml), `env`,
   * `nodeEnv` (defaults: the process's).
   */
  configLoad?: { cwd?: string; env?: NodeJS.ProcessEnv; nodeEnv?: string }
}

/** What the dashboard exposes on `fastify.jobsDashboard`. */
export interface JobsDashboardState {
  /** Mount path, e.g. `/_jobs`. */
  readonly prefix: string
  /** The recent-runs ring buffer. */
  readonly recorder: RunRecorder
  /** Queues shown. */
  readonly queues: readonly { name: string; url: string }[]
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The jobs dashboard's state. */
    jobsDashboard: JobsDashboardState
  }
}

/** Largest form body: a job's arguments may be up to SQS's 1 MiB, as JSON in a urlencoded form. */
const FORM_BODY_LIMIT = 4 * 1024 * 1024

const dashboard: FastifyPluginAsync<FastifyAwsDashboardOptions> = async (fastify, opts) => {
  const cwd = opts.configLoad?.cwd ?? process.cwd()
  const { env, nodeEnv } = opts.configLoad ?? {}
  const load = { cwd, ...(env ? { env } : {}), ...(nodeEnv ? { nodeEnv } : {}) }
  const code: DashboardSettingsInput = {}
  if (opts.prefix !== undefined) code.prefix = opts.prefix
  if (opts.readOnly !== undefined) code.read_only = opts.readOnly
  if (opts.username !== undefined) code.username = opts.username
  if (opts.password !== undefined) code.password = opts.password
  if (opts.runs !== undefined) code.runs = opts.runs
  if (opts.refreshInterval !== undefined) code.refresh_interval = opts.refreshInterval
  if (opts.queues !== undefined) code.queues = opts.queues
  if (opts.queueUrls !== undefined) code.queue_urls = opts.queueUrls
  if (opts.jobQueues !== undefined) code.job_queues = opts.jobQueues
  if (typeof opts.cronFile === 'string') code.cron_file = opts.cronFile
  if (opts.cronQueueUrl !== undefined) code.cron_queue_url = opts.cronQueueUrl
  if (opts.enqueueAllowlist !== undefined) code.enqueue_allowlist = opts.enqueueAllowlist
  if (opts.deadLetterPage !== undefined) code.dead_letter_page = opts.deadLetterPage
  const settings = loadDashboardSettings(code, load)

  const named: [string, string][] = Object.entries(settings.queues ?? {})
  if (settings.job_queues) for (const [name, q] of loadQueueConfig(load).queues) named.push([name, q.url])
  const queues = watchedQueues(named, settings.queue_urls ?? [])
  const cron = readCron(opts.cronFile === false ? undefined : resolve(cwd, settings.cron_file), settings.cronFileExplicit)

  const sqs = opts.sqs ?? createSqsClient(opts.aws, 'dashboard', load)
  const recorder = opts.recorder ?? new RunRecorder(settings.runs)
  const tasks = new RedriveTasks(sqs, fastify.log)
  let ownQueue: SqsQueue | undefined
  fastify.addHook('onClose', async () => {
    await tasks.close()
    if (opts.recorder === undefined) recorder.stop()
    await ownQueue?.close()
    if (opts.sqs === undefined) sqs.destroy()
  })
  fastify.decorate('jobsDashboard', { prefix: settings.prefix, recorder, queues } satisfies JobsDashboardState)

  await fastify.register(
    async (scope: FastifyInstance) => {
      await guardDashboard(fastify, scope, { username: settings.username, password: settings.password, auth: opts.auth })
      if (!scope.hasPlugin('@fastify/cookie')) await scope.register(fastifyCookie)
      // An app that already has CSRF protection keeps its own (its tokens and secrets); otherwise the dashboard's:
      // the secret in an HttpOnly, SameSite=Strict cookie for the dashboard's path, the token in each form.
      if (!scope.hasDecorator('csrfProtection')) {
        await scope.register(fastifyCsrfProtection, {
          cookieKey: 'fastify-aws-dashboard-csrf',
          cookieOpts: { path: settings.prefix, httpOnly: true, sameSite: 'strict', secure: 'auto' },
        })
      }
      if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) {
        scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
          done(null, Object.fromEntries(new URLSearchParams(body as string)))
        })
      }
      scope.setErrorHandler(handleError(settings.prefix, settings.read_only))
      scope.setNotFoundHandler((request, reply) => {
        const ctx = pageContext(reply, settings.prefix, true)
        return sendPage(reply, ctx, errorPage(ctx, 404, `Nothing at ${request.url.split('?')[0]!.slice(0, 200)} in the jobs dashboard.`), 404)
      })
      dashboardRoutes(scope, {
        prefix: settings.prefix,
        readOnly: settings.read_only,
        refreshMs: settings.refresh_interval * 1000,
        deadLetterPage: settings.dead_letter_page,
        sqs,
        directory: new QueueDirectory(sqs, queues, Math.min(1_000, settings.refresh_interval * 500)),
        recorder,
        tasks,
        registry: opts.registry ?? defaultRegistry,
        enqueueAllowlist: settings.enqueue_allowlist ? new Set(settings.enqueue_allowlist) : undefined,
        queue: () => opts.queue ?? getQueueAdapter() ?? (ownQueue ??= new SqsQueue({ client: sqs, configLoad: load })),
        cron,
        cronQueueUrl: settings.cron_queue_url,
      })
    },
    { prefix: settings.prefix },
  )
  // Last, so a plugin that failed to register leaves no subscriber behind.
  if (opts.recorder === undefined) recorder.start()
}

/** cron.yaml's tasks; a default file that is absent means none, an explicit one must exist (loadCronYaml says so). */
function readCron(file: string | undefined, explicit: boolean): { file: string; entries: readonly CronEntry[] } | undefined {
  if (file === undefined || (!explicit && !existsSync(file))) return undefined
  return { file, entries: loadCronYaml(file) }
}

/**
 * The jobs dashboard: a Fastify plugin serving, under `prefix` (default `/_jobs`), every configured queue's counts
 * (refreshed live) and dead-letter queue, this process's recent job runs, the dead letters (browse, redrive, delete),
 * cron.yaml's tasks with "run now", and an enqueue form.
 *
 * Without basic-auth credentials or an `auth` hook it serves this machine only: `listen()` on any non-loopback
 * address rejects with `FASTIFY_AWS_DASHBOARD_UNGUARDED`, and a request from elsewhere or through a proxy gets 403.
 *
 * @example
 * await app.register(fastifyAwsDashboard, { username: 'ops', password: process.env.DASHBOARD_PASSWORD })
 */
export const fastifyAwsDashboard = fp(dashboard, { name: 'fastify-aws-dashboard', fastify: '5.x' })
