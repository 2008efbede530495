// AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: true/1 enable, false/0/unset disable, anything else stops start-up.
import t from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Fastify from 'fastify'
import { fastifyAwsWorker } from '../../src/worker/index.js'
import { emptyCwd, envelope, startWorker, testJobs } from './helpers.js'

const body = envelope('HelloJob', ['flag'])

t.test('true / 1 (any case, padded) enable the worker', async (t) => {
  for (const value of ['true', 'TRUE', 'True', '1', ' true ']) {
    const w = await startWorker(t, { worker: { enabled: undefined, configLoad: { env: { AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: value } } } })
    const a = await w.sqsd(body)
    t.equal(a.status, 200, `${JSON.stringify(value)}: ${a.text}`)
    t.equal(a.text, 'Successfully ran job HelloJob.')
    t.ok(w.app.workerTier, 'workerTier is decorated')
  }
})

t.test("false / 0 / unset / empty disable it: an sqsd POST gets the app's 404", async (t) => {
  const cases: [string, Record<string, string>][] = [
    ['false', { AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: 'false' }],
    ['FALSE', { AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: 'FALSE' }],
    ['0', { AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: '0' }],
    ['unset', {}],
    ['empty', { AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: '' }],
  ]
  for (const [name, env] of cases) {
    const w = await startWorker(t, {
      worker: { enabled: undefined, configLoad: { env } },
      routes: (app) => app.get('/', async () => 'health'),
    })
    const a = await w.sqsd(body)
    t.equal(a.status, 404, `${name}: ${a.text}`)
    t.match(JSON.parse(a.text), { error: 'Not Found' }, `${name}: Fastify's own 404`)
    t.equal(w.app.workerTier, undefined, `${name}: no workerTier`)
    t.equal(w.jobs.seen.length, 0)
  }
})

t.test('any other value stops start-up with an error naming the variable and the value', async (t) => {
  // yes/on/no/off were read as booleans once: the variable is shared with Rails apps, which may read them otherwise.
  for (const value of ['yes', 'on', 'no', 'off', 'YES', 'yes please', 'enabled', '2', 'true!']) {
    const app = Fastify({ logger: false })
    t.teardown(() => app.close())
    const err = await app
      .register(fastifyAwsWorker, { registry: testJobs().registry, configLoad: { cwd: emptyCwd(t), env: { AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: value } } })
      .then(() => app.ready())
      .then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      )
    t.ok(err, `${JSON.stringify(value)} fails`)
    t.equal(err?.code, 'FASTIFY_AWS_CONFIG')
    t.match(err?.message, 'AWS_PROCESS_BEANSTALK_WORKER_REQUESTS', 'names the variable')
    t.match(err?.message, JSON.stringify(value), 'names the value')
    t.match(err?.message, /true or false/, 'says what is expected')
  }
})

t.test('precedence: the enabled option beats ENV, ENV beats YAML', async (t) => {
  const off = await startWorker(t, { worker: { enabled: false, configLoad: { env: { AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: 'true' } } } })
  t.equal((await off.sqsd(body)).status, 404, 'enabled: false wins over ENV true')

  const cwd = emptyCwd(t)
  mkdirSync(join(cwd, 'config'))
  writeFileSync(join(cwd, 'config', 'aws_process_beanstalk_worker.yml'), 'requests: true\nthreads: 3\n')
  const yaml = await startWorker(t, { worker: { enabled: undefined, configLoad: { cwd, env: {} } } })
  t.equal((await yaml.sqsd(body)).status, 200, 'YAML requests: true enables')
  t.equal(yaml.app.workerTier?.threads, 3)
  const envOff = await startWorker(t, { worker: { enabled: undefined, configLoad: { cwd, env: { AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: '0' } } } })
  t.equal((await envOff.sqsd(body)).status, 404, 'ENV 0 wins over YAML true')
})

t.test('the flag is read from process.env when no env is given', async (t) => {
  const before = process.env.AWS_PROCESS_BEANSTALK_WORKER_REQUESTS
  t.teardown(() => {
    if (before === undefined) delete process.env.AWS_PROCESS_BEANSTALK_WORKER_REQUESTS
    else process.env.AWS_PROCESS_BEANSTALK_WORKER_REQUESTS = before
  })
  process.env.AWS_PROCESS_BEANSTALK_WORKER_REQUESTS = '1'
  const on = await startWorker(t, { worker: { enabled: undefined, configLoad: { env: undefined } } })
  t.equal((await on.sqsd(body)).status, 200)
  process.env.AWS_PROCESS_BEANSTALK_WORKER_REQUESTS = 'false'
  const off = await startWorker(t, { worker: { enabled: undefined, configLoad: { env: undefined } } })
  t.equal((await off.sqsd(body)).status, 404)
})

t.test('other worker ENV values are checked at start-up too', async (t) => {
  const bad: [string, string][] = [
    ['AWS_PROCESS_BEANSTALK_WORKER_THREADS', '0'],
    ['AWS_PROCESS_BEANSTALK_WORKER_THREADS', 'four'],
    ['AWS_PROCESS_BEANSTALK_WORKER_JOBS_ASYNC', 'sometimes'],
    ['AWS_PROCESS_BEANSTALK_WORKER_BODY_LIMIT', '-1'],
    ['AWS_PROCESS_BEANSTALK_WORKER_SHUTDOWN_TIMEOUT', 'soon'],
  ]
  for (const [name, value] of bad) {
    const app = Fastify({ logger: false })
    t.teardown(() => app.close())
    const err = await app
      .register(fastifyAwsWorker, { registry: testJobs().registry, configLoad: { cwd: emptyCwd(t), env: { AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: 'true', [name]: value } } })
      .then(() => app.ready())
      .then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      )
    t.equal(err?.code, 'FASTIFY_AWS_CONFIG', `${name}=${value}`)
    t.match(err?.message, `${name}=${JSON.stringify(value)}`)
  }
  const w = await startWorker(t, {
    worker: {
      enabled: undefined,
      configLoad: { env: { AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: 'true', AWS_PROCESS_BEANSTALK_WORKER_THREADS: '7', AWS_PROCESS_BEANSTALK_WORKER_PATH: '/jobs' } },
    },
  })
  t.equal(w.app.workerTier?.threads, 7)
  t.equal((await w.sqsd(body, {}, '/jobs')).status, 200, 'PATH moves the worker route')
  t.equal((await w.sqsd(body, {}, '/')).status, 404, 'and / is no longer the worker')
})
