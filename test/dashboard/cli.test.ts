// `fastify-aws dashboard`: precise usage errors, refusal to serve unguarded beyond loopback, and the dashboard of a
// running dev stack (its queue, its jobs, its cron.yaml) until SIGTERM.
import t from 'tap'
import pino from 'pino'
import { startDevStack } from '../../src/dev/dev-stack.js'
import { buildServiceApp } from '../../service/app.js'
import { runCli } from '../helpers/cli.js'
import { freePort } from '../helpers/emulators.js'
import { waitFor } from '../sqsd/helpers.js'
import { projectDir } from './harness.js'

const empty = projectDir()

t.test('usage errors name the flag and the fix', async (t) => {
  t.match(await runCli(['dashboard', '--port', '70000'], {}, empty), { code: 2, err: /--port takes a port from 0 to 65535, got "70000"/ })
  t.match(await runCli(['dashboard', '--bogus'], {}, empty), { code: 2, err: /bogus/ })
  t.match(await runCli(['dashboard', '--log-level', 'loud'], {}, empty), { code: 2, err: /--log-level takes one of/ })
  t.match(await runCli(['dashboard', '--port', '0', '--jobs', './missing-jobs.js'], {}, empty), { code: 2, err: /--jobs \.\/missing-jobs\.js/ })
  t.match(await runCli(['dashboard', '--port', '0', '--prefix', 'jobs'], {}, empty), { code: 1, err: /expected a path like \/_jobs/ })
  t.match(await runCli(['dashboard', '--port', '0'], { FASTIFY_AWS_DASHBOARD_PASSWORD: 'x' }, empty), {
    code: 1,
    err: /basic-auth username is missing: .* \[FASTIFY_AWS_DASHBOARD_CONFIG\]/,
  })
  t.match(await runCli(['dashboard', '--help'], {}, empty), { code: 0, out: /Usage: fastify-aws dashboard/ })
})

t.test('beyond loopback without credentials it refuses to start; with them it serves', async (t) => {
  const refused = await runCli(['dashboard', '--host', '0.0.0.0', '--port', '0'], {}, empty)
  t.match(refused, { code: 1, err: /refuses to serve on 0\.0\.0\.0:\d+ without authentication.* \[FASTIFY_AWS_DASHBOARD_UNGUARDED\]/ })

  const port = await freePort()
  const running = runCli(['dashboard', '--host', '0.0.0.0', '--port', String(port)], { FASTIFY_AWS_DASHBOARD_USERNAME: 'ops', FASTIFY_AWS_DASHBOARD_PASSWORD: 'pw' }, empty)
  await waitFor('the dashboard', async () => (await fetch(`http://127.0.0.1:${port}/_jobs/`).catch(() => undefined))?.status === 401)
  const ok = await fetch(`http://127.0.0.1:${port}/_jobs/`, { headers: { authorization: `Basic ${Buffer.from('ops:pw').toString('base64')}` } })
  t.equal(ok.status, 200)
  t.match(await ok.text(), /No queue is configured/)
  process.emit('SIGTERM')
  const result = await running
  t.equal(result.code, 0, result.err)
  t.match(result.err, new RegExp(`fastify-aws dashboard: http://0\\.0\\.0\\.0:${port}/_jobs/ \\(0 queues; Ctrl-C stops\\)`))
})

t.test("against a running dev stack: its queue and dead-letter queue, its jobs, its cron.yaml", async (t) => {
  const dir = projectDir('version: 1\ncron:\n  - name: "HeartbeatJob"\n    url: "/"\n    schedule: "*/5 * * * *"\n')
  const stack = await startDevStack({
    buildApp: ({ registry, worker }) => buildServiceApp({ registry, worker, logger: false }),
    port: 0,
    cwd: dir,
    cronFile: 'cron.yaml',
    settings: { waitTime: 1 },
    logger: pino({ level: 'silent' }),
    dashboard: false,
  })
  t.teardown(() => stack.close())
  t.equal(stack.dashboardUrl, undefined, 'dashboard: false mounts none')
  const port = await freePort()
  const running = runCli(['dashboard', '--port', String(port), '--read-only'], {}, dir)
  const base = `http://127.0.0.1:${port}`
  await waitFor('the dashboard', async () => (await fetch(`${base}/`, { redirect: 'manual' }).catch(() => undefined))?.status === 302)
  t.equal((await fetch(`${base}/`, { redirect: 'manual' })).headers.get('location'), '/_jobs/', '/ leads to the dashboard')
  const json = (await (await fetch(`${base}/_jobs/queues.json`)).json()) as { queues: { name: string; deadLetter: { name: string } | null }[] }
  t.match(json.queues, [{ name: 'default', deadLetter: { name: 'default-dead-letter' } }])
  const enqueue = await (await fetch(`${base}/_jobs/enqueue`)).text()
  t.match(enqueue, /Read-only: jobs cannot be enqueued from here/)
  const cron = await (await fetch(`${base}/_jobs/cron`)).text()
  t.match(cron, /HeartbeatJob/)
  t.match(cron, /Every 5 minutes \(UTC\)/)
  process.emit('SIGTERM')
  const result = await running
  t.equal(result.code, 0, result.err)
  t.match(result.err, /\(1 queue, fastify-aws dev; Ctrl-C stops\)/)
})
