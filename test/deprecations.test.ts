// Renamed public names keep working until the next major: each old name does what the new one does, under the same
// fastify-plugin name and decorators, and warns once per process with its FASTIFY_AWS_DEP code.
import t from 'tap'
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SQSClient } from '@aws-sdk/client-sqs'
import { fastifyAwsSqsdGuard, fastifyAwsWorker, sqsdGuard, workerTier } from '../src/worker/index.js'
import { fastifyAwsQueue, loadQueueConfig, SqsQueue, sqsQueuePlugin } from '../src/queue/index.js'
import { Poller } from '../src/poller/index.js'
import { createLambdaHandler } from '../src/lambda/index.js'
import { createMailer } from '../src/mail/index.js'
import { fastifyAwsInstrumentation } from '../src/aws/index.js'
import { JobRegistry } from '../src/jobs/index.js'
import { DynamoDbSessionStore, dynamoDbSessions, fastifyAwsSessions } from '../src/sessions/index.js'
import { testAws } from './helpers/emulators.js'

/** Codes of the deprecation warnings this process emitted, in order. */
const warned: string[] = []
const messages: string[] = []
const onWarning = (warning: Error & { code?: string }): void => {
  if (warning.name === 'DeprecationWarning' && warning.code?.startsWith('FASTIFY_AWS_DEP')) {
    warned.push(warning.code)
    messages.push(warning.message)
  }
}
process.on('warning', onWarning)
t.teardown(() => process.off('warning', onWarning))

/** Warnings are emitted on the next tick. */
const settled = () => new Promise((resolve) => setImmediate(resolve))

const unreachable = { ...testAws, endpoint: 'http://127.0.0.1:9' }
const dynamo = new DynamoDBClient(unreachable)
const sqs = new SQSClient(unreachable)
t.teardown(() => {
  dynamo.destroy()
  sqs.destroy()
})

const aliases = [
  {
    old: 'workerTier',
    code: 'FASTIFY_AWS_DEP001',
    plugin: 'fastify-aws-worker',
    register: async (plugin: 'old' | 'new', cwd: string) => {
      const app = Fastify()
      await app.register(plugin === 'old' ? workerTier : fastifyAwsWorker, { enabled: true, configLoad: { cwd, env: {} }, dockerHosts: false })
      await app.ready()
      return { app, decorated: app.workerTier !== undefined }
    },
  },
  {
    old: 'sqsdGuard',
    code: 'FASTIFY_AWS_DEP008',
    plugin: 'fastify-aws-sqsd-guard',
    register: async (plugin: 'old' | 'new') => {
      const app = Fastify()
      await app.register(plugin === 'old' ? sqsdGuard : fastifyAwsSqsdGuard, { dockerHosts: false })
      app.post('/', async () => 'ran')
      const forged = await app.inject({ method: 'POST', url: '/', headers: { 'user-agent': 'aws-sqsd/3.0.4', 'x-forwarded-for': '203.0.113.9' } })
      return { app, decorated: forged.statusCode === 403 }
    },
  },
  {
    old: 'sqsQueuePlugin',
    code: 'FASTIFY_AWS_DEP002',
    plugin: 'fastify-aws-queue',
    register: async (plugin: 'old' | 'new', cwd: string) => {
      const app = Fastify()
      await app.register(plugin === 'old' ? sqsQueuePlugin : fastifyAwsQueue, {
        client: sqs,
        setAdapter: false,
        configLoad: { env: {}, cwd, code: { queues: { default: 'http://127.0.0.1:9/000000000000/default' } } },
      })
      await app.ready()
      return { app, decorated: app.hasDecorator('jobQueue') }
    },
  },
  {
    old: 'dynamoDbSessions',
    code: 'FASTIFY_AWS_DEP003',
    plugin: 'fastify-aws-sessions',
    register: async (plugin: 'old' | 'new', cwd: string) => {
      const app = Fastify()
      await app.register(plugin === 'old' ? dynamoDbSessions : fastifyAwsSessions, {
        secret: 'x'.repeat(32),
        dynamoDbClient: dynamo,
        configLoad: { env: {}, cwd },
      })
      await app.ready()
      return { app, decorated: app.hasDecorator('dynamoDbSessionStore') }
    },
  },
] as const

for (const alias of aliases) {
  t.test(`${alias.old} works as before and warns once with ${alias.code}`, async (t) => {
    const cwd = t.testdir({})
    warned.length = 0
    const current = await alias.register('new', cwd)
    await settled()
    t.same(warned, [], 'the new name does not warn')
    await current.app.close()

    for (let i = 0; i < 2; i++) {
      const { app, decorated } = await alias.register('old', cwd)
      t.ok(decorated, 'the old name does what the new one does (its decorator, or the guard answering 403)')
      t.ok(app.hasPlugin(alias.plugin), `the old name registers as ${alias.plugin}`)
      await app.close()
    }
    await settled()
    t.same(warned, [alias.code], 'one warning for two registrations')
  })
}

t.test('session options in snake_case still work in code, warn once with FASTIFY_AWS_DEP004, and camelCase wins', async (t) => {
  const cwd = t.testdir({})
  warned.length = 0
  messages.length = 0
  const current = new DynamoDbSessionStore({ dynamoDbClient: dynamo, tableName: 'camel_case', maxStale: 600 }, { env: {}, cwd })
  t.equal(current.settings.table_name, 'camel_case')
  t.equal(current.settings.max_stale, 600)
  await settled()
  t.same(warned, [], 'camelCase does not warn')

  const old = new DynamoDbSessionStore({ dynamo_db_client: dynamo, table_name: 'snake_case', max_stale: 900, touch_after: 5 }, { env: {}, cwd })
  t.equal(old.settings.table_name, 'snake_case')
  t.equal(old.settings.max_stale, 900)
  t.equal(old.settings.touch_after, 5)
  t.equal(old.settings.dynamo_db_client, dynamo)
  const both = new DynamoDbSessionStore({ dynamoDbClient: dynamo, table_name: 'snake_case', tableName: 'camel_case' }, { env: {}, cwd })
  t.equal(both.settings.table_name, 'camel_case', 'the camelCase spelling wins when both are given')
  await settled()
  t.same(warned, ['FASTIFY_AWS_DEP004'], 'one warning for two stores')
  t.match(messages[0], /dynamoDbClient instead of dynamo_db_client, tableName instead of table_name, maxStale instead of max_stale/)
  t.match(messages[0], /YAML keys and AWS_DYNAMO_DB_SESSION_\* names keep it/)
})

t.test('where configuration is read from is configLoad everywhere; load and config still work and warn once each', async (t) => {
  const url = 'http://127.0.0.1:9/000000000000/from-load'
  const cwd = t.testdir({})
  const given = { env: {}, cwd, code: { queues: { default: url } } }
  warned.length = 0
  messages.length = 0

  const queues = [new SqsQueue({ client: sqs, configLoad: given }), new SqsQueue({ client: sqs, load: given })]
  t.same(queues.map((q) => q.config.queues.get('default')?.url), [url, url], 'SqsQueue reads the same configuration under both names')
  await Promise.all(queues.map((q) => q.close()))
  const pollers = [new Poller({ client: sqs, load: given }), new Poller({ client: sqs, configLoad: given })]
  t.same(pollers.map((p) => p.config.queues.get('default')?.url), [url, url], 'so does the Poller')
  t.ok(createLambdaHandler({ registry: new JobRegistry(), client: sqs, load: { env: {}, cwd } }), 'createLambdaHandler takes load')
  t.equal(loadQueueConfig(given).queues.get('default')?.url, url)

  const mailEnv = { FASTIFY_AWS_MAIL_FROM: 'app@example.com' }
  const mailers = [createMailer({ configLoad: { env: mailEnv, cwd } }), createMailer({ name: 'old', config: { env: { FASTIFY_AWS_MAIL_OLD_FROM: 'old@example.com' }, cwd } })]
  t.same(mailers.map((m) => m.name), ['default', 'old'])
  await Promise.all(mailers.map((m) => m.close()))

  const app = Fastify()
  await app.register(fastifyAwsInstrumentation, { config: { env: {}, cwd } })
  await app.ready()
  await app.close()

  await settled()
  t.same(warned, ['FASTIFY_AWS_DEP005', 'FASTIFY_AWS_DEP006'], 'one warning per old name, however many parts use it')
  t.match(messages, [/SqsQueue: the load option is deprecated: pass configLoad/, /createMailer: the config option is deprecated: pass configLoad/])
})

t.test('the worker reads its configuration from configLoad; top-level cwd and env still work and warn once', async (t) => {
  const cwd = t.testdir({})
  warned.length = 0
  const env = { AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: 'true', AWS_PROCESS_BEANSTALK_WORKER_THREADS: '3' }
  for (const options of [{ configLoad: { cwd, env } }, { cwd, env }, { cwd, env: {}, configLoad: { env } }]) {
    const app = Fastify()
    await app.register(fastifyAwsWorker, { ...options, dockerHosts: false })
    await app.ready()
    t.equal(app.workerTier?.threads, 3, JSON.stringify(Object.keys(options)))
    await app.close()
  }
  await settled()
  t.same(warned, ['FASTIFY_AWS_DEP007'])
})

t.test('docs/deprecations.md lists every deprecation code of src/deprecations.ts', async (t) => {
  const source = readFileSync(new URL('../src/deprecations.ts', import.meta.url), 'utf8')
  const page = readFileSync(new URL('../docs/deprecations.md', import.meta.url), 'utf8')
  const codes = [...source.matchAll(/code: '(FASTIFY_AWS_DEP\d+)'/g)].map((m) => m[1]!)
  t.ok(codes.length >= 7)
  for (const code of codes) t.match(page, `| \`${code}\` |`, code)
})
