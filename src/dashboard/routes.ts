// The dashboard's pages and actions. Every value from a request is looked up (a queue by name among those the
// overview found, a job by name in the registry, a task by id), never turned into a URL, a path or code.
import { DeleteMessageCommand, type SQSClient } from '@aws-sdk/client-sqs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  DashboardForbiddenError,
  DashboardNotFoundError,
  DashboardRequestError,
  DashboardSqsError,
} from '../errors.js'
import type { JobQueueAdapter, JobRegistry } from '../jobs/index.js'
import { sendScheduledTask } from '../sqs/index.js'
import type { CronEntry } from '../config/index.js'
import { cronTaskViews } from './cron.js'
import { decodeMessage } from './decode.js'
import { enqueueableJobs, enqueueFromForm } from './enqueue.js'
import type { DeadLetterQueue, QueueDirectory } from './queues.js'
import type { RunRecorder } from './recorder.js'
import type { RedriveTasks } from './redrive-tasks.js'
import { pageContext, sendJson, sendPage } from './respond.js'
import { moveOne } from './sqs/move.js'
import { peekMessages, withMessage } from './sqs/peek.js'
import { cronPage } from './views/cron.js'
import { confirmDeletePage, deadLetterIndexPage, deadLettersPage, messagePage, taskPage } from './views/dead-letters.js'
import { enqueuePage } from './views/enqueue.js'
import { queuesJson, queuesPage } from './views/queues.js'
import { OUTCOMES, runsPage } from './views/runs.js'

/** Most messages scanned to find one dead letter by its id. */
export const SCAN_LIMIT = 1_000

/** What the routes work with. */
export interface DashboardRoutes {
  prefix: string
  readOnly: boolean
  refreshMs: number
  deadLetterPage: number
  sqs: SQSClient
  directory: QueueDirectory
  recorder: RunRecorder
  tasks: RedriveTasks
  registry: JobRegistry
  enqueueAllowlist: ReadonlySet<string> | undefined
  /** The queue enqueue sends through (asked per request: the app may set its queue adapter after registering). */
  queue: () => JobQueueAdapter
  cron: { file: string; entries: readonly CronEntry[] } | undefined
  cronQueueUrl: string | undefined
}

type Fields = Readonly<Record<string, unknown>>

/** One text field of a query string or form (repeated or non-text values count as absent). */
function field(source: unknown, name: string): string | undefined {
  if (source === null || typeof source !== 'object' || !Object.hasOwn(source, name)) return undefined
  const v = (source as Fields)[name]
  return typeof v === 'string' ? v : undefined
}

function required(source: unknown, name: string): string {
  const v = field(source, name)
  if (v === undefined || v === '') throw new DashboardRequestError(`The form field "${name}" is missing.`)
  return v
}

/** Registers every route on `scope` (already prefixed). */
export function dashboardRoutes(scope: FastifyInstance, d: DashboardRoutes): void {
  const ctx = (reply: FastifyReply) => pageContext(reply, d.prefix, d.readOnly)
  const action = { preHandler: [refuseReadOnly(d.readOnly), (scope as FastifyInstance & { csrfProtection: never }).csrfProtection] }

  scope.get('/', async (_request, reply) => {
    const overview = await d.directory.overview()
    const c = ctx(reply)
    return sendPage(reply, c, queuesPage(c, overview, d.recorder.stats(), d.recorder.recording, d.refreshMs))
  })

  scope.get('/queues.json', async (_request, reply) => sendJson(reply, queuesJson(await d.directory.overview())))

  scope.get('/runs', async (request, reply) => {
    const outcomeText = field(request.query, 'outcome') || undefined
    const outcome = OUTCOMES.find((o) => o === outcomeText)
    if (outcomeText !== undefined && outcome === undefined) {
      throw new DashboardRequestError(`Unknown outcome ${JSON.stringify(outcomeText)}; filter by ${OUTCOMES.join(', ')}.`)
    }
    const jobClass = field(request.query, 'job') || undefined
    const runs = d.recorder.runs({ outcome, jobClass })
    const c = ctx(reply)
    return sendPage(reply, c, runsPage(c, runs, d.recorder.stats(), { outcome, jobClass }, d.recorder.capacity))
  })

  scope.get('/dead-letters', async (request, reply) => {
    const name = field(request.query, 'queue')
    const c = ctx(reply)
    if (name === undefined || name === '') return sendPage(reply, c, deadLetterIndexPage(c, await d.directory.overview(), d.tasks.list()))
    const dlq = await d.directory.deadLetterQueue(name)
    const messages = await sqsCall('ReceiveMessage (browse)', dlq.name, () =>
      peekMessages(d.sqs, dlq.url, { limit: d.deadLetterPage, expected: d.deadLetterPage }),
    )
    return sendPage(reply, c, deadLettersPage(c, dlq, messages.map(decodeMessage), d.deadLetterPage))
  })

  scope.get('/dead-letters/message', async (request, reply) => {
    const dlq = await d.directory.deadLetterQueue(required(request.query, 'queue'))
    const id = required(request.query, 'id')
    const message = await held(d, dlq, id, async (m) => ({ consumed: false, value: decodeMessage(m) }))
    const c = ctx(reply)
    return sendPage(reply, c, messagePage(c, dlq, message))
  })

  scope.post('/dead-letters/redrive', action, async (request, reply) => {
    const dlq = await d.directory.deadLetterQueue(required(request.body, 'queue'))
    const target = targetOf(dlq, field(request.body, 'target'))
    const id = field(request.body, 'id')
    if (id === undefined || id === '') {
      const task = d.tasks.start(dlq, target)
      return reply.redirect(`${d.prefix}/tasks/${task.id}`, 303)
    }
    await held(d, dlq, id, async (m) => {
      await sqsCall('redrive (SendMessage, DeleteMessage)', dlq.name, () => moveOne(d.sqs, dlq.url, target.url, target.fifo, m))
      return { consumed: true, value: undefined }
    })
    await d.directory.overview(true)
    return deadLetterList(d, dlq, reply, `Moved message ${id} back to ${target.name}.`)
  })

  scope.post('/dead-letters/delete', action, async (request, reply) => {
    const dlq = await d.directory.deadLetterQueue(required(request.body, 'queue'))
    const id = required(request.body, 'id')
    if (field(request.body, 'confirm') !== 'yes') {
      const message = await held(d, dlq, id, async (m) => ({ consumed: false, value: decodeMessage(m) }))
      const c = ctx(reply)
      return sendPage(reply, c, confirmDeletePage(c, dlq, message))
    }
    await held(d, dlq, id, async (m) => {
      await sqsCall('DeleteMessage', dlq.name, () => d.sqs.send(new DeleteMessageCommand({ QueueUrl: dlq.url, ReceiptHandle: m.ReceiptHandle })))
      return { consumed: true, value: undefined }
    })
    await d.directory.overview(true)
    return deadLetterList(d, dlq, reply, `Deleted message ${id}.`)
  })

  scope.get('/tasks/:id', async (request, reply) => {
    const task = d.tasks.get((request.params as { id: string }).id)
    if (task === undefined) throw new DashboardNotFoundError('No such redrive (finished ones are forgotten after a while, and on restart).')
    const c = ctx(reply)
    return sendPage(reply, c, taskPage(c, task))
  })

  scope.get('/tasks/:id/status.json', async (request, reply) => {
    const task = d.tasks.get((request.params as { id: string }).id)
    if (task === undefined) throw new DashboardNotFoundError('No such redrive.')
    return sendJson(reply, task)
  })

  scope.get('/cron', async (_request, reply) => {
    const c = ctx(reply)
    return sendPage(reply, c, cronView(d, c))
  })

  scope.post('/cron/run', action, async (request, reply) => {
    const name = required(request.body, 'name')
    const entry = d.cron?.entries.find((e) => e.name === name)
    if (entry === undefined) throw new DashboardNotFoundError(`cron.yaml has no task ${JSON.stringify(name)} (names are case-sensitive).`)
    if (d.cronQueueUrl === undefined) {
      throw new DashboardForbiddenError('"Run now" needs the worker queue: set cron_queue_url (FASTIFY_AWS_DASHBOARD_CRON_QUEUE_URL).')
    }
    const queueUrl = d.cronQueueUrl
    const scheduledAt = new Date()
    const messageId = await sqsCall('SendMessage (periodic task)', queueUrl, () => sendScheduledTask(d.sqs, queueUrl, entry, scheduledAt))
    const c = ctx(reply)
    return sendPage(reply, c, cronView(d, c, { text: `Sent periodic task ${entry.name} (message ${messageId ?? '?'}, scheduled at ${scheduledAt.toISOString()}).`, bad: false }))
  })

  scope.get('/enqueue', async (_request, reply) => {
    const c = ctx(reply)
    return sendPage(reply, c, enqueuePage(c, enqueueableJobs(d.registry, d.enqueueAllowlist)))
  })

  scope.post('/enqueue', action, async (request, reply) => {
    const form = { job: required(request.body, 'job'), args: field(request.body, 'args') ?? '', delay: field(request.body, 'delay') ?? '' }
    const jobs = enqueueableJobs(d.registry, d.enqueueAllowlist)
    const c = ctx(reply)
    try {
      const sent = await enqueueFromForm(d.registry, d.enqueueAllowlist, d.queue(), form)
      return sendPage(reply, c, enqueuePage(c, jobs, { job: form.job, args: form.args, delay: form.delay, message: { text: `Enqueued ${sent.jobClass} (job_id ${sent.jobId}, message ${sent.providerJobId ?? 'pending'}) on queue ${sent.queueName}.`, bad: false } }))
    } catch (err) {
      const e = err as Error & { statusCode?: number }
      if (e.statusCode === undefined || e.statusCode >= 500) throw err
      // The form again, as typed, with the reason: the user fixes it there.
      return sendPage(reply, c, enqueuePage(c, jobs, { job: form.job, args: form.args, delay: form.delay, message: { text: e.message, bad: true } }), e.statusCode)
    }
  })
}

function cronView(d: DashboardRoutes, c: ReturnType<typeof pageContext>, message?: { text: string; bad: boolean }): string {
  const tasks = d.cron ? cronTaskViews(d.cron.entries, d.recorder, new Date()) : []
  return cronPage(c, d.cron?.file, tasks, d.cronQueueUrl !== undefined, message)
}

async function deadLetterList(d: DashboardRoutes, dlq: DeadLetterQueue, reply: FastifyReply, message: string): Promise<FastifyReply> {
  const messages = await sqsCall('ReceiveMessage (browse)', dlq.name, () => peekMessages(d.sqs, dlq.url, { limit: d.deadLetterPage, expected: d.deadLetterPage }))
  const c = pageContext(reply, d.prefix, d.readOnly)
  return sendPage(reply, c, deadLettersPage(c, dlq, messages.map(decodeMessage), d.deadLetterPage, message))
}

/** Runs `act` on dead letter `id` while it is held; a message that is not there is a 404. */
async function held<T>(d: DashboardRoutes, dlq: DeadLetterQueue, id: string, act: Parameters<typeof withMessage<T>>[4]): Promise<T> {
  let found = false
  const value = await sqsCall('ReceiveMessage (find)', dlq.name, () =>
    withMessage(d.sqs, dlq.url, id, { scanLimit: SCAN_LIMIT }, async (m) => {
      found = true
      return act(m)
    }),
  )
  if (!found) throw new DashboardNotFoundError(`Message ${JSON.stringify(id)} is not in ${dlq.name} (already moved or deleted, or beyond the first ${SCAN_LIMIT}).`)
  return value as T
}

function targetOf(dlq: DeadLetterQueue, name: string | undefined): DeadLetterQueue['sources'][number] {
  if (name === undefined || name === '') return dlq.sources[0]!
  const target = dlq.sources.find((s) => s.name === name)
  if (target === undefined) {
    throw new DashboardRequestError(`${JSON.stringify(name)} does not send to ${dlq.name}; messages go back to one of: ${dlq.sources.map((s) => s.name).join(', ')}.`)
  }
  return target
}

function refuseReadOnly(readOnly: boolean) {
  return async (_request: FastifyRequest): Promise<void> => {
    if (readOnly) throw new DashboardForbiddenError('The jobs dashboard is read-only (read_only / FASTIFY_AWS_DASHBOARD_READ_ONLY): it changes nothing.')
  }
}

/** An SQS failure as a 502 naming the call and the queue; the dashboard's own errors pass through. */
async function sqsCall<T>(what: string, queue: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    const e = err as Error & { code?: string }
    if ((e.code ?? '').startsWith('FASTIFY_AWS_')) throw err
    throw new DashboardSqsError(`${what} on ${queue}`, `${e.name}: ${e.message}`, { cause: err })
  }
}
