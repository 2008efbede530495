// Shared by the worker tests: a real Fastify server with the worker tier on 127.0.0.1, test jobs, and log capture.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { connect, type AddressInfo, type Socket } from 'node:net'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { request, type Dispatcher } from 'undici'
import { Job, JobRegistry, type JobContext } from '../../src/jobs/index.js'
import { fastifyAwsWorker, type FastifyAwsWorkerOptions } from '../../src/worker/index.js'

/** The subset of tap's Test used here (so helpers do not depend on tap's types). */
export interface Teardown {
  teardown(fn: () => unknown): void
}

/** What sqsd sends as User-Agent (seen in the wild). */
export const SQSD_UA = 'aws-sqsd/2.4'

/** A promise with its resolve/reject outside. */
export interface Deferred<T = void> {
  promise: Promise<T>
  resolve(value: T): void
  reject(err: unknown): void
}

/** Makes a {@link Deferred}. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (err: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** One recorded run: the arguments and a copy of the context a job saw. */
export interface Seen {
  job: string
  args: unknown[]
  context: Omit<JobContext, 'log' | 'signal'> & { signalAborted: boolean }
}

/** Gate for jobs that wait: each run that starts is announced, and waits until the test opens it. */
export class Gate {
  /** Runs waiting now, oldest first. */
  readonly waiting: { release: Deferred; context: JobContext }[] = []
  #started: Deferred<JobContext>[] = []

  /** Resolves when the next (or an already waiting, not yet claimed) run has started. */
  nextStart(): Promise<JobContext> {
    const d = deferred<JobContext>()
    this.#started.push(d)
    this.#flush()
    return d.promise
  }

  #pendingStarts: JobContext[] = []
  /** Called by a gated job when it starts. */
  arrived(context: JobContext): Deferred {
    const release = deferred()
    this.waiting.push({ release, context })
    this.#pendingStarts.push(context)
    this.#flush()
    return release
  }

  #flush(): void {
    while (this.#started.length > 0 && this.#pendingStarts.length > 0) this.#started.shift()!.resolve(this.#pendingStarts.shift()!)
  }

  /** Lets every waiting run finish (optionally with an error). */
  openAll(err?: Error): void {
    for (const w of this.waiting.splice(0)) {
      if (err) w.release.reject(err)
      else w.release.resolve()
    }
  }
}

/** Test jobs registered in a fresh registry, with the records they leave. */
export function testJobs() {
  const seen: Seen[] = []
  const gate = new Gate()
  const record = (job: string, args: unknown[], context: JobContext) => {
    const { log: _log, signal, ...rest } = context
    seen.push({ job, args, context: { ...rest, signalAborted: signal.aborted } })
  }

  class HelloJob extends Job {
    static override readonly jobName = 'HelloJob'
    async perform(...args: unknown[]) {
      record('HelloJob', args, this.context)
    }
  }
  class ReportJob extends Job {
    static override readonly jobName = 'ReportJob'
    static override queueName = 'reports'
    async perform(...args: unknown[]) {
      record('ReportJob', args, this.context)
    }
  }
  class HeartbeatJob extends Job {
    static override readonly jobName = 'HeartbeatJob'
    async perform(...args: unknown[]) {
      record('HeartbeatJob', args, this.context)
    }
  }
  class FailJob extends Job {
    static override readonly jobName = 'FailJob'
    async perform(): Promise<void> {
      throw new TypeError('boom from FailJob')
    }
  }
  class StaleRecordError extends Error {
    override name = 'StaleRecordError'
  }
  class DiscardJob extends Job {
    static override readonly jobName = 'DiscardJob'
    static override discardOn = [StaleRecordError]
    async perform(): Promise<void> {
      throw new StaleRecordError('the record is gone')
    }
  }
  /** Waits on the gate; ignores its AbortSignal. */
  class GateJob extends Job {
    static override readonly jobName = 'GateJob'
    async perform(...args: unknown[]) {
      const release = gate.arrived(this.context)
      await release.promise
      record('GateJob', args, this.context)
    }
  }
  /** Waits on the gate or its AbortSignal, whichever first; aborting makes it throw the abort reason. */
  class CooperativeJob extends Job {
    static override readonly jobName = 'CooperativeJob'
    async perform(...args: unknown[]) {
      const { signal } = this.context
      const release = gate.arrived(this.context)
      await new Promise<void>((resolve, reject) => {
        release.promise.then(resolve, reject)
        signal.addEventListener('abort', () => reject(signal.reason), { once: true })
      })
      record('CooperativeJob', args, this.context)
    }
  }
  class NotAllowedJob extends Job {
    static override readonly jobName = 'NotAllowedJob'
    async perform(...args: unknown[]) {
      record('NotAllowedJob', args, this.context)
    }
  }
  /** A retry policy whose backoff function throws: the runner itself rejects instead of returning a decision. */
  class BadPolicyJob extends Job {
    static override readonly jobName = 'BadPolicyJob'
    static override retry = {
      attempts: 3,
      backoff: (): number => {
        throw new RangeError('backoff function is broken')
      },
    }
    async perform(): Promise<void> {
      throw new Error('perform failed')
    }
  }
  const registry = new JobRegistry().register(
    HelloJob,
    ReportJob,
    HeartbeatJob,
    FailJob,
    DiscardJob,
    GateJob,
    CooperativeJob,
    NotAllowedJob,
    BadPolicyJob,
  )
  return { registry, seen, gate }
}

/** An empty directory to use as the worker's cwd (no cron.yaml, no config/), removed at teardown. */
export function emptyCwd(t: Teardown): string {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-worker-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Fixture /proc roots (see test/fixtures/proc/README.md). */
export const procFixture = (name: 'not-docker' | 'docker-cgroup-v1' | 'docker-cgroup-v2' | 'empty') =>
  join(import.meta.dirname, '..', 'fixtures', 'proc', name)

/** Log lines captured from a pino destination stream. */
export interface CapturedLogs {
  lines: Record<string, unknown>[]
  stream: Writable
  /** Resolves with the first line (already written or to come) that `match` accepts. */
  waitFor(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
}

/** A pino destination that keeps every JSON line. */
export function captureLogs(): CapturedLogs {
  const lines: Record<string, unknown>[] = []
  const waiters: { match: (l: Record<string, unknown>) => boolean; d: Deferred<Record<string, unknown>> }[] = []
  let partial = ''
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      partial += chunk.toString('utf8')
      let nl: number
      while ((nl = partial.indexOf('\n')) >= 0) {
        const text = partial.slice(0, nl)
        partial = partial.slice(nl + 1)
        if (!text.trim()) continue
        const line = JSON.parse(text) as Record<string, unknown>
        lines.push(line)
        for (let i = waiters.length - 1; i >= 0; i--) {
          if (waiters[i]!.match(line)) waiters.splice(i, 1)[0]!.d.resolve(line)
        }
      }
      cb()
    },
  })
  return {
    lines,
    stream,
    waitFor(match) {
      const found = lines.find(match)
      if (found) return Promise.resolve(found)
      const d = deferred<Record<string, unknown>>()
      waiters.push({ match, d })
      return d.promise
    },
  }
}

/** Options of {@link startWorker}. */
export interface StartOptions {
  worker?: FastifyAwsWorkerOptions
  fastify?: FastifyServerOptions
  /** Capture logs (level info unless `fastify.logger` says otherwise). */
  logs?: CapturedLogs
  /** Add the app's own routes before the worker registers. */
  routes?: (app: FastifyInstance) => void
  /** Listen here (default 127.0.0.1). */
  host?: string
  /** Do not close at teardown (the test closes it). */
  noTeardown?: boolean
}

/** A running worker app. */
export interface RunningWorker {
  app: FastifyInstance
  /** `http://host:port` */
  url: string
  port: number
  jobs: ReturnType<typeof testJobs>
  /** POSTs as sqsd would: User-Agent aws-sqsd, JSON content type unless headers say otherwise. */
  sqsd(body: string | object | undefined, headers?: Record<string, string>, path?: string, dispatcher?: Dispatcher): Promise<Answer>
}

/** A response read in full. */
export interface Answer {
  status: number
  type: string | undefined
  text: string
  headers: Record<string, string | string[] | undefined>
}

/** Reads an undici response in full. */
export async function answer(res: Dispatcher.ResponseData): Promise<Answer> {
  const text = await res.body.text()
  const type = res.headers['content-type']
  return { status: res.statusCode, type: Array.isArray(type) ? type[0] : type, text, headers: res.headers }
}

/** Starts a Fastify app with the worker tier enabled (code options win over ENV), its own registry and an empty cwd. */
export async function startWorker(t: Teardown, opts: StartOptions = {}): Promise<RunningWorker> {
  const jobs = testJobs()
  const logger = opts.logs ? { level: 'info', stream: opts.logs.stream } : false
  const app = Fastify({ logger, ...opts.fastify })
  opts.routes?.(app)
  const { configLoad, ...worker } = opts.worker ?? {}
  await app.register(fastifyAwsWorker, {
    enabled: true,
    registry: jobs.registry,
    configLoad: { cwd: emptyCwd(t), env: {}, ...configLoad },
    dockerHosts: false,
    ...worker,
  })
  const host = opts.host ?? '127.0.0.1'
  await app.listen({ port: 0, host })
  if (!opts.noTeardown) t.teardown(() => app.close())
  const port = (app.server.address() as AddressInfo).port
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  return {
    app,
    url,
    port,
    jobs,
    async sqsd(body, headers = {}, path = '/', dispatcher) {
      const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
      const res = await request(url + path, {
        method: 'POST',
        headers: { 'user-agent': SQSD_UA, 'content-type': 'application/json', ...headers },
        ...(text === undefined ? {} : { body: text }),
        ...(dispatcher ? { dispatcher } : {}),
      })
      return answer(res)
    },
  }
}

/** A job envelope as our queue or Rails writes it (fields can be overridden). */
export function envelope(jobClass: string, args: unknown[] = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    job_class: jobClass,
    job_id: '5eca64c6-16c9-4f20-80a2-c9babb8cdcb3',
    provider_job_id: null,
    queue_name: 'default',
    priority: null,
    arguments: args,
    executions: 0,
    exception_executions: {},
    locale: 'en',
    timezone: 'UTC',
    enqueued_at: '2026-11-28T17:00:45.000000000Z',
    scheduled_at: null,
    ...extra,
  }
}

/**
 * A raw HTTP/1.1 request whose head is sent now and whose end is sent later: the connection is busy (not idle) when
 * close starts, as a keep-alive connection from sqsd (or nginx) can be, so the request reaches Fastify during close.
 */
export function splitRequest(port: number, body: string, headers: Record<string, string> = {}) {
  const socket: Socket = connect({ port, host: '127.0.0.1' })
  const chunks: Buffer[] = []
  const ended = new Promise<string>((resolve, reject) => {
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    socket.on('error', reject)
  })
  const head = [
    'POST / HTTP/1.1',
    'Host: localhost',
    `User-Agent: ${SQSD_UA}`,
    'Content-Type: application/json',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ]
  const opened = new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  return {
    async start() {
      await opened
      socket.write(`${head.join('\r\n')}\r\n`) // the head, without the blank line that ends it
    },
    async finish() {
      socket.write(`\r\n${body}`)
      const raw = await ended
      const [top, ...rest] = raw.split('\r\n\r\n')
      const lines = top!.split('\r\n')
      const status = Number(lines[0]!.split(' ')[1])
      const hdrs = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]))
      return { status, headers: hdrs, text: rest.join('\r\n\r\n') }
    },
    destroy: () => socket.destroy(),
  }
}

