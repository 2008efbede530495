// The Fastify plugin: decorators, named mailers, client ownership, configuration sources.
import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { SESv2Client } from '@aws-sdk/client-sesv2'
import { fastifyAwsMail, type FastifyAwsMailOptions } from '../../src/mail/index.js'
import { testAws } from '../helpers/emulators.js'
import { startRecordedSes } from './ses-recorder.js'

const ses = await startRecordedSes()
t.teardown(() => ses.close())
t.beforeEach(() => ses.clear())

/** A function registering the plugin: `register` returns a thenable, not the promise `t.rejects` wants. */
function registering(app: ReturnType<typeof Fastify>, options: FastifyAwsMailOptions): () => Promise<void> {
  return async () => {
    await app.register(fastifyAwsMail, options)
  }
}

function base(t: Test, extra: Partial<FastifyAwsMailOptions> = {}): FastifyAwsMailOptions {
  return {
    endpoint: ses.endpoint,
    region: testAws.region,
    clientOptions: { credentials: testAws.credentials, maxAttempts: 1 },
    configLoad: { env: {}, cwd: t.testdir({}) },
    ...extra,
  }
}

t.test('fastify.mailer sends from a route; the plugin closes the client it created', async (t) => {
  const app = Fastify()
  await app.register(fastifyAwsMail, base(t, { from: 'App <app@example.com>' }))
  app.post('/signup', async (req) => {
    const { email } = req.body as { email: string }
    const sent = await app.mailer.send({ to: email, subject: 'Welcome', text: 'Hello!' })
    return { id: sent.messageId }
  })
  await app.ready()
  t.equal(app.mailers.get('default'), app.mailer)
  const res = await app.inject({ method: 'POST', url: '/signup', payload: { email: 'new@example.com' } })
  t.equal(res.statusCode, 200)
  const [stored] = await ses.store()
  t.equal(res.json().id, stored?.messageId)
  let destroyed = 0
  const destroy = app.mailer.client.destroy.bind(app.mailer.client)
  app.mailer.client.destroy = () => {
    destroyed++
    destroy()
  }
  const mailer = app.mailer
  await app.close()
  t.equal(destroyed, 1, 'own client destroyed once')
  t.ok(mailer.closed)
  t.equal(app.mailers.size, 0)
})

t.test('a bad message in a route is a 400 with the reason', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fastifyAwsMail, base(t, { from: 'app@example.com' }))
  app.post('/mail', async (req) => app.mailer.send({ to: (req.body as { to: string }).to, text: 'x' }))
  const res = await app.inject({ method: 'POST', url: '/mail', payload: { to: 'not-an-address' } })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 'FASTIFY_AWS_MAIL_MESSAGE', message: /to is not a valid email address/ })
  t.equal(ses.calls.length, 0)
})

t.test('named mailers coexist: each its own API, client and settings; a given client is never destroyed', async (t) => {
  const given = new SESv2Client({ endpoint: ses.endpoint, region: testAws.region, credentials: testAws.credentials, maxAttempts: 1 })
  t.teardown(() => given.destroy())
  let givenDestroyed = 0
  const destroy = given.destroy.bind(given)
  given.destroy = () => {
    givenDestroyed++
    destroy()
  }
  const app = Fastify()
  await app.register(fastifyAwsMail, base(t, { from: 'app@example.com', client: given }))
  await app.register(fastifyAwsMail, base(t, { namespace: 'marketing', from: 'news@example.com', configurationSet: 'bulk' }))
  await app.register(fastifyAwsMail, base(t, { namespace: 'legacy', api: 'v1', from: 'old@example.com' }))
  await app.ready()
  t.same([...app.mailers.keys()], ['default', 'marketing', 'legacy'])
  t.equal(app.mailer.client, given)
  t.not(app.mailers.get('marketing')!.client, given)
  await app.mailer.send({ to: 'a@example.com', text: 'x' })
  await app.mailers.get('marketing')!.send({ to: 'a@example.com', text: 'x' })
  await app.mailers.get('legacy')!.send({ to: 'a@example.com', text: 'x' })
  t.same(
    ses.calls.map((c) => c.operation),
    ['SendEmail', 'SendEmail', 'SendRawEmail'],
  )
  t.notOk('ConfigurationSetName' in ses.calls[0]!.params)
  t.equal(ses.calls[1]!.params.ConfigurationSetName, 'bulk')
  t.same((await ses.store()).map((m) => m.from), ['app@example.com', 'news@example.com', 'old@example.com'])
  await app.close()
  t.equal(givenDestroyed, 0, 'the client we were given is left alone')
})

t.test('registration errors: duplicate default, duplicate namespace, bad namespace, client of the wrong API', async (t) => {
  const dup = Fastify()
  t.teardown(() => dup.close())
  await dup.register(fastifyAwsMail, base(t))
  await t.rejects(registering(dup, base(t)), { code: 'FASTIFY_AWS_MAILER', message: /default mailer is already registered/ })

  const dupNs = Fastify()
  t.teardown(() => dupNs.close())
  await dupNs.register(fastifyAwsMail, base(t, { namespace: 'news' }))
  await t.rejects(registering(dupNs, base(t, { namespace: 'news' })), { message: /namespace "news" is already registered/ })

  const badNs = Fastify()
  t.teardown(() => badNs.close())
  await t.rejects(registering(badNs, base(t, { namespace: 'Bad Name' })), { message: /Mailer name "Bad Name" is not valid/ })

  const wrong = Fastify()
  t.teardown(() => wrong.close())
  const client = new SESv2Client({ region: testAws.region })
  t.teardown(() => client.destroy())
  await t.rejects(registering(wrong, base(t, { api: 'v1', client })), {
    message: /uses api v1 but was given a SESv2 client: pass an SESClient/,
  })
})

t.test('configuration: code > ENV > config/mail/<env>.yml > config/mail.yml; named mailers read their own', async (t) => {
  const cwd = t.testdir({
    config: {
      'mail.yml': 'from: yaml@example.com\nconfiguration_set: yaml-set\ntags:\n  app: web\n',
      mail: { 'production.yml': 'from: prod-yaml@example.com\n' },
      'mail-news.yml': 'from: ${NEWS_FROM:-news@example.com}\napi: v1\n',
    },
  })
  const opts = (extra: Partial<FastifyAwsMailOptions>, env: NodeJS.ProcessEnv, nodeEnv = 'development'): FastifyAwsMailOptions => ({
    endpoint: ses.endpoint,
    region: testAws.region,
    clientOptions: { credentials: testAws.credentials, maxAttempts: 1 },
    configLoad: { env, cwd, nodeEnv },
    ...extra,
  })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fastifyAwsMail, opts({}, { FASTIFY_AWS_MAIL_CONFIGURATION_SET: 'env-set' }))
  await app.register(fastifyAwsMail, opts({ namespace: 'news' }, {}))
  t.match(app.mailer.config, { from: 'yaml@example.com', configurationSet: 'env-set', tags: { app: 'web' }, api: 'v2' })
  t.match(app.mailers.get('news')!.config, { from: 'news@example.com', api: 'v1' })

  const prod = Fastify()
  t.teardown(() => prod.close())
  await prod.register(fastifyAwsMail, opts({ configurationSet: 'code-set' }, { FASTIFY_AWS_MAIL_CONFIGURATION_SET: 'env-set' }, 'production'))
  t.match(prod.mailer.config, { from: 'prod-yaml@example.com', configurationSet: 'code-set' })

  const badEnv = Fastify()
  t.teardown(() => badEnv.close())
  await t.rejects(registering(badEnv, opts({}, { FASTIFY_AWS_MAIL_API: 'v3' })), {
    code: 'FASTIFY_AWS_CONFIG',
    message: /FASTIFY_AWS_MAIL_API="v3": expected one of v2, v1/,
  })
})

t.test('bad YAML: an unknown key and a bad tag are named with the file', async (t) => {
  const cwd = t.testdir({ config: { 'mail.yml': 'form: typo@example.com\n', 'mail-tags.yml': 'tags:\n  app: "has space"\n' } })
  const app = Fastify()
  t.teardown(() => app.close())
  await t.rejects(registering(app, { configLoad: { env: {}, cwd } }), { message: /mail\.yml: unknown key "form" \(did you mean "from"\?\)/ })
  const app2 = Fastify()
  t.teardown(() => app2.close())
  await t.rejects(registering(app2, { namespace: 'tags', configLoad: { env: {}, cwd } }), {
    message: /mail-tags\.yml: key "tags".*app: tag values use ASCII letters/,
  })
})

t.test('bad mailer defaults fail at registration, naming where to fix them', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await t.rejects(registering(app, base(t, { from: 'not-an-address' })), {
    code: 'FASTIFY_AWS_MAILER',
    message: /Mailer default: from is not a valid email address: "not-an-address".*FASTIFY_AWS_MAIL_\* or config\/mail\.yml/,
  })
  const app2 = Fastify()
  t.teardown(() => app2.close())
  await t.rejects(registering(app2, base(t, { namespace: 'news', configurationSet: 'has space' })), {
    message: /Mailer news: configurationSet "has space" is not a valid name.*FASTIFY_AWS_MAIL_NEWS_\* or config\/mail-news\.yml/,
  })
  const app3 = Fastify()
  t.teardown(() => app3.close())
  await t.rejects(registering(app3, base(t, { tags: { 'bad tag': 'x' } })), {
    code: 'FASTIFY_AWS_CONFIG',
    message: /Option "tags" given in code.*bad tag: tag names use ASCII letters/,
  })
})
