// Who gets in and what they may change: no auth means this machine only (listen elsewhere is refused), basic auth
// and auth hooks guard everything, actions need the page's CSRF token and a same-site origin, read-only changes
// nothing, and half a credential pair is a start-up error.
import t from 'tap'
import Fastify from 'fastify'
import { SendMessageCommand } from '@aws-sdk/client-sqs'
import { request } from 'undici'
import { fastifyAwsDashboard, isLoopbackAddress } from '../../src/dashboard/index.js'
import { Job, JobRegistry } from '../../src/jobs/index.js'
import { useSqsQueue } from '../../src/queue/index.js'
import { Browser, startDashboard, startQueues } from './harness.js'

const queues = await startQueues()
t.teardown(() => queues.close())
const base = { sqs: queues.sqs, queues: { work: queues.queueUrl } }

class NoteJob extends Job {
  static override readonly jobName = 'NoteJob'
  async perform(): Promise<void> {}
}

t.test('loopback addresses', async (t) => {
  for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) t.ok(isLoopbackAddress(a), a)
  for (const a of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'fe80::1', 'localhost', '', undefined]) t.notOk(isLoopbackAddress(a), String(a))
})

t.test('without auth, listening on 0.0.0.0 or :: is refused at listen; loopback is fine', async (t) => {
  for (const host of ['0.0.0.0', '::']) {
    const app = Fastify({ logger: false })
    await app.register(fastifyAwsDashboard, { ...base, configLoad: { env: {} }, jobQueues: false })
    await t.rejects(app.listen({ port: 0, host }), {
      code: 'FASTIFY_AWS_DASHBOARD_UNGUARDED',
      message: /refuses to serve on .* without authentication: set FASTIFY_AWS_DASHBOARD_USERNAME and FASTIFY_AWS_DASHBOARD_PASSWORD/,
    })
    t.notOk(app.server.listening, `nothing listens on ${host}`)
    await app.close()
  }
  const { app, base: url } = await startDashboard(base)
  t.teardown(() => app.close())
  t.equal((await request(`${url}/_jobs/`)).statusCode, 200)
})

t.test('with basic auth or an auth hook, any address is allowed; requests need the credentials', async (t) => {
  const app = Fastify({ logger: false })
  await app.register(fastifyAwsDashboard, { ...base, configLoad: { env: { FASTIFY_AWS_DASHBOARD_USERNAME: 'ops', FASTIFY_AWS_DASHBOARD_PASSWORD: 's3cret: with colon' } }, jobQueues: false })
  await app.listen({ port: 0, host: '0.0.0.0' })
  t.teardown(() => app.close())
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/_jobs/`
  const none = await request(url)
  t.equal(none.statusCode, 401)
  t.match(none.headers['www-authenticate'], /Basic realm="fastify-aws jobs"/)
  t.match(await none.body.text(), /Sign in to see the jobs dashboard/)
  const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` })
  t.equal((await request(url, { headers: basic('ops', 'wrong') })).statusCode, 401)
  t.equal((await request(url, { headers: basic('opsx', 's3cret: with colon') })).statusCode, 401)
  t.equal((await request(url, { headers: basic('ops', 's3cret: with colon') })).statusCode, 200)
  t.equal((await request(`${url}queues.json`, { headers: basic('ops', 'x') })).statusCode, 401, 'the JSON too')

  const hooked = Fastify({ logger: false })
  await hooked.register(fastifyAwsDashboard, {
    ...base,
    configLoad: { env: {} },
    jobQueues: false,
    auth: async (req, reply) => {
      if (req.headers['x-team'] !== 'ops') return reply.code(403).send('ops only')
    },
  })
  await hooked.listen({ port: 0, host: '0.0.0.0' })
  t.teardown(() => hooked.close())
  const hookedUrl = `http://127.0.0.1:${(hooked.server.address() as { port: number }).port}/_jobs/`
  t.equal((await request(hookedUrl)).statusCode, 403)
  t.equal((await request(hookedUrl, { headers: { 'x-team': 'ops' } })).statusCode, 200)
})

t.test('without auth, a request through a proxy (forwarded headers) is refused', async (t) => {
  const { app, base: url } = await startDashboard(base)
  t.teardown(() => app.close())
  for (const headers of [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }]) {
    const res = await request(`${url}/_jobs/`, { headers })
    t.equal(res.statusCode, 403)
    t.match(await res.body.text(), /answers only requests made on this machine/)
  }
})

t.test('half a credential pair, or an app that already has @fastify/basic-auth, is a start-up error', async (t) => {
  const app = Fastify({ logger: false })
  await t.rejects(async () => {
    await app.register(fastifyAwsDashboard, { ...base, configLoad: { env: { FASTIFY_AWS_DASHBOARD_USERNAME: 'ops' } }, jobQueues: false })
  }, {
    code: 'FASTIFY_AWS_DASHBOARD_CONFIG',
    message: /basic-auth password is missing: set FASTIFY_AWS_DASHBOARD_USERNAME and FASTIFY_AWS_DASHBOARD_PASSWORD together/,
  })
  await app.close()
  const withAuth = Fastify({ logger: false })
  withAuth.decorate('basicAuth', () => undefined)
  await t.rejects(async () => {
    await withAuth.register(fastifyAwsDashboard, { ...base, username: 'a', password: 'b', configLoad: { env: {} }, jobQueues: false })
  }, {
    code: 'FASTIFY_AWS_DASHBOARD_CONFIG',
    message: /already registered @fastify\/basic-auth.*auth: app.basicAuth/,
  })
  await withAuth.close()
  const bad = Fastify({ logger: false })
  await t.rejects(async () => {
    await bad.register(fastifyAwsDashboard, { ...base, configLoad: { env: { FASTIFY_AWS_DASHBOARD_PREFIX: 'jobs' } }, jobQueues: false })
  }, {
    code: 'FASTIFY_AWS_CONFIG',
    message: /FASTIFY_AWS_DASHBOARD_PREFIX="jobs": expected a path like \/_jobs/,
  })
  await bad.close()
})

t.test('actions: CSRF token required and bound to this browser\'s cookie; other sites refused', async (t) => {
  const registry = new JobRegistry().register(NoteJob)
  const queue = useSqsQueue({ client: queues.sqs, configLoad: { env: {}, code: { queues: { default: queues.queueUrl } } } })
  t.teardown(() => queue.close())
  const { app, base: url } = await startDashboard({ ...base, registry, queue })
  t.teardown(() => app.close())
  const form = { job: 'NoteJob', args: '[]', delay: '0' }

  const stranger = new Browser(url)
  t.equal((await stranger.post('/_jobs/enqueue', { ...form, _csrf: '' })).status, 403, 'no cookie, no token')
  const alice = new Browser(url)
  await alice.get('/_jobs/enqueue')
  t.ok(alice.cookie.startsWith('fastify-aws-dashboard-csrf='), 'the secret cookie is set')
  const missing = await alice.post('/_jobs/enqueue', { ...form, _csrf: '' })
  t.equal(missing.status, 403)
  t.match(missing.body, /CSRF token is missing or is not this browser/)
  t.equal((await alice.post('/_jobs/enqueue', { ...form, _csrf: 'forged' })).status, 403)
  const bob = new Browser(url)
  await bob.get('/_jobs/enqueue')
  t.equal((await alice.post('/_jobs/enqueue', { ...form, _csrf: bob.token })).status, 403, "another browser's token")
  t.equal((await alice.post('/_jobs/enqueue', form, { origin: 'https://evil.example' })).status, 403, 'cross-origin')
  t.equal((await alice.post('/_jobs/enqueue', form, { 'sec-fetch-site': 'cross-site' })).status, 403, 'cross-site')
  t.equal((await alice.post('/_jobs/enqueue', form, { origin: 'not a url' })).status, 403)
  const ok = await alice.post('/_jobs/enqueue', form, { origin: url, 'sec-fetch-site': 'same-origin' })
  t.equal(ok.status, 200, ok.body.slice(0, 300))
  t.match(ok.body, /Enqueued NoteJob/)
  t.match(alice.cookie, /./)
  const setCookie = (await request(`${url}/_jobs/enqueue`)).headers['set-cookie']
  t.match(String(setCookie), /Path=\/_jobs; HttpOnly; SameSite=Strict/)
  const get = await request(`${url}/_jobs/enqueue`, { method: 'GET' })
  t.equal(get.headers['x-frame-options'], 'DENY')
  t.match(get.headers['content-security-policy'], /default-src 'none'; script-src 'nonce-[^']+'; style-src 'nonce-[^']+'/)
  t.equal(get.headers['cache-control'], 'no-store')
})

t.test('read-only: pages show no action, and every action answers 403 even with a valid token', async (t) => {
  await queues.sqs.send(new SendMessageCommand({ QueueUrl: queues.deadLetterUrl, MessageBody: '{"job_class":"NoteJob"}' }))
  const registry = new JobRegistry().register(NoteJob)
  const { app, base: url } = await startDashboard({ ...base, registry, readOnly: true, cronQueueUrl: queues.queueUrl })
  t.teardown(() => app.close())
  const b = new Browser(url)
  const page = await b.get('/_jobs/dead-letters?queue=work-dead-letter')
  t.equal(page.status, 200)
  t.notMatch(page.body, /<form[^>]*method="post"/)
  t.match(page.body, /\(read-only\)/)
  for (const path of ['/_jobs/enqueue', '/_jobs/cron/run', '/_jobs/dead-letters/redrive', '/_jobs/dead-letters/delete']) {
    const res = await b.post(path, { queue: 'work-dead-letter', id: 'x', name: 'x', job: 'NoteJob' })
    t.equal(res.status, 403, path)
    t.match(res.body, /read-only/)
  }
})
