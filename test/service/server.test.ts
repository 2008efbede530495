// `npm start`'s entry point as a real child process (node --import tsx service/server.ts), and the service app.
import t, { type Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { request } from 'undici'
import { freePort } from '../helpers/emulators.js'
import { Job, JobRegistry } from '../../src/jobs/index.js'
import { buildServiceApp } from '../../service/app.js'
import { deferred, splitRequest } from '../worker/helpers.js'

const root = join(import.meta.dirname, '..', '..')
const SQSD = { 'user-agent': 'aws-sqsd/2.4', 'content-type': 'application/json' }

interface Child {
  proc: ChildProcess
  stdout: string[]
  stderr: () => string
  /** Resolves with the first stdout JSON line `match` accepts. */
  line(match: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts the service with `env` on top of a clean environment (no AWS_PROCESS_BEANSTALK_WORKER_* leaking in). */
function startService(t: Test, env: Record<string, string>): Child {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_PROCESS_BEANSTALK_WORKER_') && k !== 'PORT' && k !== 'HOST'))
  const proc = spawn(process.execPath, ['--import', 'tsx', 'service/server.ts'], {
    cwd: root,
    env: { ...base, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stdout: string[] = []
  let err = ''
  let partial = ''
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = []
  const parsed: Record<string, unknown>[] = []
  proc.stdout!.on('data', (c: Buffer) => {
    partial += c.toString('utf8')
    let nl: number
    while ((nl = partial.indexOf('\n')) >= 0) {
      const text = partial.slice(0, nl)
      partial = partial.slice(nl + 1)
      stdout.push(text)
      let line: Record<string, unknown>
      try {
        line = JSON.parse(text) as Record<string, unknown>
      } catch {
        continue
      }
      parsed.push(line)
      for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i]!.match(line)) waiters.splice(i, 1)[0]!.resolve(line)
    }
  })
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')))
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  )
  t.teardown(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
    return exit
  })
  return {
    proc,
    stdout,
    stderr: () => err,
    exit,
    line(match) {
      const found = parsed.find(match)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve })
        void exit.then(({ code, signal }) => reject(new Error(`service exited (${code ?? signal}) before the expected log line; stderr: ${err}`)))
      })
    },
  }
}

t.test('npm start: serves GET / and sqsd jobs, exits 0 on SIGTERM', async (t) => {
  const port = await freePort()
  const child = startService(t, { PORT: String(port), HOST: '127.0.0.1', AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: 'true' })
  const listening = await child.line((l) => typeof l.msg === 'string' && l.msg.startsWith('Server listening at'))
  t.equal(listening.msg, `Server listening at http://127.0.0.1:${port}`)
  await child.line((l) => l.msg === 'Periodic task runs job' && l.task === 'HeartbeatJob')

  const home = await request(`http://127.0.0.1:${port}/`)
  t.equal(home.statusCode, 200)
  t.same(await home.body.json(), { service: 'fastify-aws', worker: true })

  const job = await request(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: SQSD,
    body: JSON.stringify({ job_class: 'HelloJob', arguments: ['child'] }),
  })
  t.equal(job.statusCode, 200)
  t.equal(await job.body.text(), 'Successfully ran job HelloJob.')
  const hello = await child.line((l) => l.msg === 'Hello, child!')
  t.same(hello.args, ['child'])

  const task = await request(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { ...SQSD, 'x-aws-sqsd-taskname': 'HeartbeatJob' }, body: '' })
  t.equal(await task.body.text(), 'Successfully ran periodic task HeartbeatJob.')

  // The service follows the README's advice: per sqsd POST the job's own lines and its run line, no request lines;
  // the app's own routes keep Fastify's request lines.
  const ran = await child.line((l) => l.msg === 'Job HelloJob succeeded')
  const homeDone = await child.line((l) => l.msg === 'request completed')
  const messages = (reqId: unknown) =>
    child.stdout.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.reqId === reqId).map((l) => l.msg)
  t.same(messages(ran.reqId), ['Hello, child!', 'Job HelloJob succeeded'], 'one line per job (and what the job logs itself)')
  t.same(messages(homeDone.reqId), ['incoming request', 'request completed'])

  child.proc.kill('SIGTERM')
  const { code, signal } = await child.exit
  t.equal(code, 0, 'exit code 0')
  t.equal(signal, null)
  t.ok(child.stdout.some((l) => l.includes('"msg":"Shutting down"')), 'logged the shutdown')
  t.equal(child.stderr(), '', 'nothing on stderr')
})

t.test('npm start with the worker off: GET / still answers, sqsd POSTs get 404; SIGINT exits 0', async (t) => {
  const port = await freePort()
  const child = startService(t, { PORT: String(port), HOST: '127.0.0.1' })
  await child.line((l) => typeof l.msg === 'string' && l.msg.startsWith('Server listening at'))
  const home = await request(`http://127.0.0.1:${port}/`)
  t.same(await home.body.json(), { service: 'fastify-aws', worker: false })
  const job = await request(`http://127.0.0.1:${port}/`, { method: 'POST', headers: SQSD, body: '{"job_class":"HelloJob"}' })
  t.equal(job.statusCode, 404)
  await job.body.dump()
  child.proc.kill('SIGINT')
  t.equal((await child.exit).code, 0)
})

t.test('start-up problems: one line on stderr, exit code 1', async (t) => {
  const busy = createServer()
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()))
  t.teardown(() => new Promise<void>((resolve) => busy.close(() => resolve())))
  const busyPort = (busy.address() as { port: number }).port

  const cases: [string, Record<string, string>, RegExp][] = [
    ['PORT not a number', { PORT: 'eighty' }, /^PORT must be a whole number from 0 to 65535, got "eighty"$/],
    ['PORT too big', { PORT: '70000' }, /^PORT must be a whole number from 0 to 65535, got "70000"$/],
    ['PORT negative', { PORT: '-1' }, /^PORT must be a whole number from 0 to 65535, got "-1"$/],
    ['PORT with a unit', { PORT: '8080tcp' }, /^PORT must be a whole number/],
    ['PORT in exponent form', { PORT: '1e3' }, /^PORT must be a whole number/],
    ['PORT in hex', { PORT: '0x50' }, /^PORT must be a whole number/],
    ['PORT in use', { PORT: String(busyPort), HOST: '127.0.0.1' }, new RegExp(`^fastify-aws: cannot listen on 127\\.0\\.0\\.1:${busyPort}: .*EADDRINUSE`)],
    [
      'bad worker flag',
      { PORT: '0', HOST: '127.0.0.1', AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: 'yes please' },
      /^fastify-aws: cannot start: AWS_PROCESS_BEANSTALK_WORKER_REQUESTS="yes please": expected true or false \(also 1\/0\)\. \[FASTIFY_AWS_CONFIG\]$/,
    ],
  ]
  for (const [name, env, message] of cases) {
    const child = startService(t, env)
    const { code } = await child.exit
    t.equal(code, 1, `${name}: exit code 1`)
    const err = child.stderr()
    t.match(err.trimEnd(), message, `${name}: ${err.trim()}`)
    t.equal(err.trimEnd().split('\n').length, 1, `${name}: one line`)
  }
})

t.test('an empty PORT counts as unset (8080), not as port 0', async (t) => {
  // 8080 may be taken on a shared machine: either it listens there, or it says it cannot; never a random port.
  const child = startService(t, { PORT: '', HOST: '127.0.0.1' })
  const outcome = await Promise.race([
    child.line((l) => typeof l.msg === 'string' && l.msg.startsWith('Server listening at')).then((l) => String(l.msg)),
    child.exit.then(() => child.stderr().trim()),
  ])
  t.match(outcome, /(Server listening at http:\/\/127\.0\.0\.1:8080|cannot listen on 127\.0\.0\.1:8080)/)
  if (child.proc.exitCode === null) {
    child.proc.kill('SIGTERM')
    t.equal((await child.exit).code, 0)
  }
})

t.test('the service app: during close an sqsd request gets the worker one-line text/plain 503; cron.yaml is loaded', async (t) => {
  const release = deferred()
  const started = deferred()
  class SlowJob extends Job {
    static override readonly jobName = 'SlowJob'
    async perform() {
      started.resolve()
      await release.promise
    }
  }
  const registry = new JobRegistry().register(SlowJob)
  const app = await buildServiceApp({ logger: false, registry, worker: { enabled: true, configLoad: { env: {}, cwd: root }, dockerHosts: false } })
  const preClose = deferred()
  app.addHook('preClose', async () => preClose.resolve())
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => (app.server.listening ? app.close() : undefined))
  t.same(app.workerTier?.cron.map((e) => e.name), ['HeartbeatJob'], 'the repository cron.yaml is loaded')
  const port = (app.server.address() as { port: number }).port

  const slow = request(`http://127.0.0.1:${port}/`, { method: 'POST', headers: SQSD, body: '{"job_class":"SlowJob"}' })
  await started.promise
  const late = splitRequest(port, '', { 'X-Aws-Sqsd-Taskname': 'HeartbeatJob' })
  await late.start()
  const closing = app.close()
  await preClose.promise
  const refused = await late.finish()
  t.equal(refused.status, 503)
  t.match(refused.headers['content-type'], /^text\/plain/)
  t.equal(refused.text, 'Worker is shutting down; sqsd will retry the message.')
  release.resolve()
  const done = await slow
  t.equal(await done.body.text(), 'Successfully ran job SlowJob.')
  await closing
})
