// `fastify-aws doctor`: checks an app's deployment before it is zipped, one finding per line with its fix.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs'
import type { AwsClientOptions } from '../aws/index.js'
import { loadCronYaml } from '../config/index.js'
import { toError } from '../errors.js'
import { loadJobsModule, toJobAllowlist, type JobRegistry } from '../jobs/index.js'
import { loadQueueConfig } from '../queue/index.js'
import { createSqsClient } from '../sqs/index.js'
import { readManifest } from './app-facts.js'
import { readNginxTimeouts, readOptionSettings, readProcfile } from './deployment-files.js'
import { ENV_NAMESPACE, NGINX_DEFAULT_TIMEOUT, SQSD_NAMESPACE, SQSD_RANGES, WORKER_ALLOWLIST, WORKER_FLAG, WORKER_PATH, WORKER_THREADS } from './eb-platform.js'

/** How bad a finding is: `error` fails the check (exit 1), `warn` and `skip` are said, `ok` is a passed check. */
export type FindingLevel = 'error' | 'warn' | 'ok' | 'skip'

/** One line of doctor's report. */
export interface Finding {
  level: FindingLevel
  /** What was checked or found, naming the file and the setting. */
  message: string
  /** What to change (errors and warnings). */
  fix?: string
}

/** What {@link runDoctor} checks. */
export interface DoctorOptions {
  root: string
  /** The built module registering the app's jobs (for cron.yaml names); without it names are not checked. */
  jobs?: string | undefined
  /** Environment the queue config and the AWS check read (default process.env). */
  env?: NodeJS.ProcessEnv
  /** AWS client options for the reachability check (endpoint, region). */
  aws?: AwsClientOptions
}

/** Runs every check; resolves to the findings in order. Never throws for what it checks: each problem is a finding. */
export async function runDoctor(options: DoctorOptions): Promise<Finding[]> {
  const { root } = options
  const findings: Finding[] = []
  const add = (level: FindingLevel, message: string, fix?: string) => findings.push(fix === undefined ? { level, message } : { level, message, fix })

  let settings
  try {
    settings = readOptionSettings(root)
  } catch (err) {
    add('error', toError(err).message)
    return findings
  }
  const sqsd = settings.get(SQSD_NAMESPACE)
  const env = settings.get(ENV_NAMESPACE) ?? new Map<string, unknown>()
  const num = (name: string): number => {
    const raw = sqsd?.get(name)
    return raw === undefined ? SQSD_RANGES[name]!.default : Number(raw)
  }

  // Procfile
  const processes = readProcfile(root)
  if (processes === undefined) add('error', 'Procfile is missing.', 'run "fastify-aws init" (it writes "web: node <your built entry>").')
  else {
    const web = processes.find((p) => p.name === 'web')
    if (web === undefined) add('error', 'Procfile has no "web:" process.', 'add "web: node dist/server.js" (your built entry point).')
    else if (web.script !== undefined && !existsSync(join(root, web.script))) add('error', `Procfile starts ${web.script}, which is not built.`, 'run "npm run build" before bundling.')
    else add('ok', `Procfile starts ${web.script ?? web.command}.`)
  }

  if (sqsd === undefined) {
    add('skip', `.ebextensions sets no ${SQSD_NAMESPACE} options: not a worker environment, worker checks skipped.`)
  } else {
    // The worker flag
    const flag = env.get(WORKER_FLAG)
    if (flag === undefined) add('error', `.ebextensions does not set ${WORKER_FLAG}: the worker would answer sqsd with 404.`, `set ${WORKER_FLAG}: "true" under ${ENV_NAMESPACE}.`)
    else if (!['true', '1'].includes(String(flag))) add('error', `.ebextensions sets ${WORKER_FLAG} to "${String(flag)}": the worker is off.`, `set it to "true" (only true/1 and false/0 are accepted).`)
    else add('ok', `${WORKER_FLAG} is "${String(flag)}".`)

    // Ranges
    let inRange = true
    for (const [name, range] of Object.entries(SQSD_RANGES)) {
      const raw = sqsd.get(name)
      if (raw === undefined) continue
      const value = Number(raw)
      if (!Number.isInteger(value) || value < range.min || value > range.max) {
        inRange = false
        add('error', `.ebextensions ${name}: ${String(raw)} is outside EB's range ${range.min}-${range.max}.`, `set ${name} between ${range.min} and ${range.max}; EB refuses the deployment otherwise.`)
      }
    }
    if (inRange) add('ok', 'sqsd options are within EB\'s ranges.')

    // HttpConnections vs threads
    const connections = num('HttpConnections')
    const threadsRaw = env.get(WORKER_THREADS)
    if (threadsRaw === undefined) {
      add('warn', `${WORKER_THREADS} is not set: the worker takes CPUs x 2 jobs at once, and sqsd sends up to ${connections} (HttpConnections).`, `set ${WORKER_THREADS} to at least ${connections}, or lower HttpConnections.`)
    } else if (Number(threadsRaw) < connections) {
      add('error', `HttpConnections ${connections} is above ${WORKER_THREADS} ${String(threadsRaw)}: sqsd's own concurrency gets 429s, each counting towards MaxRetries.`, `lower HttpConnections to ${String(threadsRaw)} or raise ${WORKER_THREADS} to ${connections}.`)
    } else add('ok', `HttpConnections ${connections} <= ${WORKER_THREADS} ${String(threadsRaw)}.`)

    // Timeouts
    const inactivity = num('InactivityTimeout')
    const visibility = num('VisibilityTimeout')
    if (visibility < inactivity) {
      add('error', `VisibilityTimeout ${visibility} is below InactivityTimeout ${inactivity}: a long job's message reappears and runs twice.`, `set VisibilityTimeout to at least ${inactivity} (e.g. ${inactivity + 60}).`)
    } else add('ok', `VisibilityTimeout ${visibility} >= InactivityTimeout ${inactivity}.`)
    const nginx = readNginxTimeouts(root)
    const read = nginx.read ?? NGINX_DEFAULT_TIMEOUT
    const send = nginx.send ?? NGINX_DEFAULT_TIMEOUT
    if (Math.min(read, send) < inactivity) {
      add('error', `nginx proxy_read_timeout ${read}s / proxy_send_timeout ${send}s are below InactivityTimeout ${inactivity}: nginx answers 504 while the job still runs.`, `set both to ${inactivity}s in .platform/nginx/conf.d/ (fastify-aws init writes worker-timeouts.conf).`)
    } else add('ok', `nginx timeouts (${read}s/${send}s) >= InactivityTimeout ${inactivity}.`)

    // HttpPath vs the worker's path
    const httpPath = String(sqsd.get('HttpPath') ?? '/')
    const workerPath = String(env.get(WORKER_PATH) ?? '/')
    if (httpPath !== workerPath) add('error', `HttpPath "${httpPath}" differs from ${WORKER_PATH} "${workerPath}": sqsd POSTs where no worker listens.`, 'make them equal.')

    // cron.yaml
    const cronFile = join(root, 'cron.yaml')
    if (!existsSync(cronFile)) add('skip', 'no cron.yaml: no periodic tasks.')
    else {
      let registry: JobRegistry | undefined
      const jobs = options.jobs ?? manifestJobs(root)
      if (jobs !== undefined) {
        try {
          registry = await loadJobsModule(jobs, { cwd: root, namedBy: options.jobs === undefined ? `package.json "fastify-aws".jobs ${jobs}` : `--jobs ${jobs}` })
        } catch (err) {
          add('error', toError(err).message)
        }
      }
      const allowRaw = env.get(WORKER_ALLOWLIST)
      const allowlist = allowRaw === undefined ? undefined : toJobAllowlist(String(allowRaw).split(',').map((s) => s.trim()).filter(Boolean))
      try {
        const entries = loadCronYaml(cronFile, { workerPath, ...(registry ? { registry, allowlist } : {}) })
        if (registry) add('ok', `cron.yaml: ${entries.length} task(s), each naming a registered and allowed job.`)
        else if (jobs === undefined) add('skip', `cron.yaml: ${entries.length} task(s) valid; job names not checked.`, 'give --jobs <your built jobs module> to check them.')
      } catch (err) {
        add('error', toError(err).message)
      }
    }
  }

  await checkQueues(options, add)
  return findings
}

/** package.json's `"fastify-aws": { "jobs": "dist/jobs.js" }`, when set. */
function manifestJobs(root: string): string | undefined {
  try {
    return readManifest(root)['fastify-aws']?.jobs
  } catch {
    return undefined
  }
}

/** Queues named in config reachable, when AWS credentials resolve; skipped (and said) when they do not. */
async function checkQueues(options: DoctorOptions, add: (level: FindingLevel, message: string, fix?: string) => void): Promise<void> {
  const env = options.env ?? process.env
  let queues
  try {
    queues = loadQueueConfig({ cwd: options.root, env }).queues
  } catch (err) {
    add('error', toError(err).message)
    return
  }
  if (queues.size === 0) return add('skip', 'no queue URLs configured (config/aws_active_job_sqs.yml, AWS_ACTIVE_JOB_SQS_<QUEUE>_URL): nothing to reach.')
  const client = createSqsClient(options.aws ?? {}, 'doctor', { env, cwd: options.root }, { callTimeoutSeconds: 5 })
  try {
    try {
      await client.config.credentials()
    } catch {
      return add('skip', `no AWS credentials here: ${queues.size} configured queue(s) not checked.`, 'run where credentials are available (AWS_PROFILE, ENV keys, an instance role) to check them.')
    }
    for (const q of queues.values()) {
      try {
        await client.send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['QueueArn'] }))
        add('ok', `queue ${q.name} reachable (${q.url}).`)
      } catch (err) {
        add('error', `queue ${q.name} (${q.url}) is not reachable: ${toError(err).message}`, 'check the URL, the region and the credentials\' sqs:GetQueueAttributes permission.')
      }
    }
  } finally {
    client.destroy()
  }
}

/** The report as printed: one line per finding, the fix after it. */
export function formatFindings(findings: readonly Finding[]): string {
  const mark: Record<FindingLevel, string> = { error: 'x', warn: '!', ok: '✓', skip: '-' }
  return findings.map((f) => `${mark[f.level]} ${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}\n`).join('')
}
