// cron.yaml through the worker plugin: a bad file, or a task that could never run, stops start-up; the tasks are
// logged; a task from cron.yaml runs over a socket. (The parser's own tests are in test/config/cron-yaml.test.ts.)
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Fastify from 'fastify'
import { fastifyAwsWorker } from '../../src/worker/index.js'
import { captureLogs, emptyCwd, startWorker, testJobs } from './helpers.js'

t.test('through the plugin: a task whose job is registered but not allowed stops start-up', async (t) => {
  const cwd = emptyCwd(t)
  writeFileSync(join(cwd, 'cron.yaml'), 'version: 1\ncron:\n  - name: HeartbeatJob\n    url: /\n    schedule: "*/5 * * * *"\n')
  const start = async (worker: Parameters<typeof fastifyAwsWorker>[1], env: NodeJS.ProcessEnv = {}) => {
    const app = Fastify()
    t.teardown(() => app.close())
    return app
      .register(fastifyAwsWorker, { enabled: true, registry: testJobs().registry, configLoad: { cwd, env }, dockerHosts: false, ...worker })
      .then(() => app.ready())
      .then(() => undefined, (e: unknown) => e as Error & { code?: string })
  }
  const fromOption = await start({ allowlist: ['HelloJob'] })
  t.equal(fromOption?.code, 'FASTIFY_AWS_CRON_YAML')
  t.match(fromOption?.message, /cron\.yaml:3 \(cron entry "HeartbeatJob"\): job "HeartbeatJob" is registered but not in job_class_allowlist/)
  const fromEnv = await start({}, { AWS_PROCESS_BEANSTALK_WORKER_JOB_CLASS_ALLOWLIST: 'HelloJob' })
  t.equal(fromEnv?.code, 'FASTIFY_AWS_CRON_YAML', 'the same from AWS_PROCESS_BEANSTALK_WORKER_JOB_CLASS_ALLOWLIST')
  t.equal(await start({ allowlist: ['HelloJob', 'HeartbeatJob'] }), undefined, 'allowed: starts')
})

t.test('through the plugin: a bad cron.yaml stops start-up; other urls are logged', async (t) => {
  const startWith = async (text: string | undefined, options: { cronFile?: string } = {}) => {
    const cwd = emptyCwd(t)
    if (text !== undefined) writeFileSync(join(cwd, 'cron.yaml'), text)
    const logs = captureLogs()
    const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
    t.teardown(() => app.close())
    const err = await app
      .register(fastifyAwsWorker, { enabled: true, registry: testJobs().registry, configLoad: { cwd, env: {} }, dockerHosts: false, ...options })
      .then(() => app.ready())
      .then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      )
    return { app, err, logs, cwd }
  }

  const bad = await startWith('version: 1\ncron:\n  - name: Missing\n    url: /\n    schedule: "* * * * *"\n')
  t.equal(bad.err?.code, 'FASTIFY_AWS_CRON_YAML')
  t.equal(bad.err?.message, `${join(bad.cwd, 'cron.yaml')}:3 (cron entry "Missing"): no job is registered under "Missing". Register a job with that jobName, or fix the name (it is case-sensitive).`)

  const badSchedule = await startWith('version: 1\ncron:\n  - name: HeartbeatJob\n    url: /\n    schedule: "* * * *"\n')
  t.match(badSchedule.err?.message, /cron\.yaml:3 \(cron entry "HeartbeatJob"\): schedule "\* \* \* \*" is invalid/)

  const none = await startWith(undefined)
  t.equal(none.err, undefined, 'no cron.yaml in cwd is fine')
  t.same(none.app.workerTier?.cron, [])

  const missingExplicit = await startWith(undefined, { cronFile: 'config/cron.yaml' })
  t.equal(missingExplicit.err?.code, 'FASTIFY_AWS_CRON_YAML', 'an explicitly named file must exist')
  t.match(missingExplicit.err?.message, /config\/cron\.yaml: cannot read it \(ENOENT\)/)

  const ok = await startWith(
    'version: 1\ncron:\n  - name: HeartbeatJob\n    url: /\n    schedule: "*/5 * * * *"\n  - name: Cleanup\n    url: /scheduled\n    schedule: "0 3 * * *"\n',
  )
  t.equal(ok.err, undefined)
  t.same(ok.app.workerTier?.cron.map((e) => e.name), ['HeartbeatJob', 'Cleanup'])
  const other = await ok.logs.waitFor((l) => l.task === 'Cleanup')
  t.equal(other.msg, "Periodic task posts to another path; the app's own route handles it")
  t.equal(other.url, '/scheduled')
  const runs = await ok.logs.waitFor((l) => l.task === 'HeartbeatJob')
  t.equal(runs.msg, 'Periodic task runs job')
  t.equal(runs.schedule, '*/5 * * * *')
})

t.test('through the plugin over a socket: a task from cron.yaml runs', async (t) => {
  const cwd = emptyCwd(t)
  writeFileSync(join(cwd, 'cron.yaml'), readFileSync(join(import.meta.dirname, '..', '..', 'cron.yaml')))
  const w = await startWorker(t, { worker: { configLoad: { cwd } } })
  const a = await w.sqsd('', { 'x-aws-sqsd-taskname': 'HeartbeatJob', 'x-aws-sqsd-scheduled-at': '2026-11-29T21:05:00Z' })
  t.equal(a.text, 'Successfully ran periodic task HeartbeatJob.')
})

