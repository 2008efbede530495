// `fastify-aws poll` argument handling, in process (the child-process tests cover running and signals).
import t from 'tap'
import { join } from 'node:path'
import { runCli } from '../helpers/cli.js'

const run = runCli

t.test('--help documents every flag', async (t) => {
  const { code, out } = await run(['poll', '--help'])
  t.equal(code, 0)
  for (const flag of ['--queue', '--concurrency', '--max-messages', '--visibility-timeout', '--shutdown-timeout', '--startup-timeout', '--call-timeout', '--endpoint', '--region', '--jobs', '--help']) {
    t.match(out, flag)
  }
})

t.test('bad flags are usage errors naming the flag', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--concurrency', '0'], /--concurrency takes a whole number >= 1, got "0"/],
    [['--concurrency', 'lots'], /--concurrency/],
    [['--max-messages', '11'], /--max-messages takes 1 to 10, got 11/],
    [['--visibility-timeout', '50000'], /--visibility-timeout takes 0 to 43200/],
    [['--shutdown-timeout', '-1'], /shutdown-timeout/],
    [['--frobnicate'], /frobnicate/],
  ]
  for (const [argv, message] of cases) {
    const r = await run(['poll', ...argv])
    t.equal(r.code, 2, argv.join(' '))
    t.match(r.err, message)
  }
})

t.test('--jobs: a module without a register function, or that cannot be imported, is a clear error', async (t) => {
  const dir = t.testdir({ 'no-register.mjs': 'export const x = 1\n' })
  const r = await run(['poll', '--jobs', 'no-register.mjs'], {}, dir)
  t.equal(r.code, 2)
  t.match(r.err, /--jobs no-register\.mjs: the module has no default export, registerJobs or registerServiceJobs function \(found: x\)/)
  const missing = await run(['poll', '--jobs', './nope.mjs'], {}, dir)
  t.match(missing.err, /--jobs \.\/nope\.mjs: cannot import it/)
})

t.test('poll without --jobs says what to give (it runs no jobs of its own)', async (t) => {
  const r = await run(['poll'], {}, t.testdir({}))
  t.equal(r.code, 2)
  t.match(r.err, /poll needs --jobs MODULE: the module that registers your jobs/)
})

t.test('an unknown --queue and no configured queue are errors naming the fix', async (t) => {
  const dir = t.testdir({})
  const jobs = ['--jobs', join(import.meta.dirname, '..', 'dev', 'fixtures', 'own-jobs.ts')]
  const unknown = await run(['poll', '--queue', 'mailers', ...jobs], { AWS_ACTIVE_JOB_SQS_DEFAULT_URL: 'http://127.0.0.1:1/000000000000/default' }, dir)
  t.equal(unknown.code, 1)
  t.match(unknown.err, /No URL is configured for queue "mailers".*AWS_ACTIVE_JOB_SQS_MAILERS_URL/)
  const none = await run(['poll', ...jobs], {}, dir)
  t.match(none.err, /No queue to poll.*AWS_ACTIVE_JOB_SQS_<QUEUE>_URL/)
})

t.test('--endpoint and --region reach the client; SQS unreachable past --startup-timeout names the call and the queue', async (t) => {
  const jobs = ['--jobs', join(import.meta.dirname, '..', 'dev', 'fixtures', 'own-jobs.ts')]
  const env = { AWS_ACTIVE_JOB_SQS_DEFAULT_URL: 'http://127.0.0.1:1/000000000000/default', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' }
  const bad = await run(['poll', ...jobs, '--endpoint', 'localhost:9324'], env, t.testdir({}))
  t.equal(bad.code, 2)
  t.match(bad.err, /--endpoint takes an http:\/\/ or https:\/\/ URL, got "localhost:9324"/)
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY }
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' }) // the SDK's own chain reads process.env
  t.teardown(() => {
    for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  })
  const r = await run(['poll', ...jobs, '--endpoint', 'http://127.0.0.1:1', '--region', 'eu-north-1', '--startup-timeout', '0'], env, t.testdir({}))
  t.equal(r.code, 1, r.err)
  t.match(r.err, /^fastify-aws poll: SQS GetQueueAttributes on queue default failed: ECONNREFUSED: .*Gave up after 1 attempt \(startup_timeout 0 s\)/)
})
