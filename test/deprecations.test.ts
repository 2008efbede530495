// Renamed public names keep working until the next major: each old name does what the new one does, under the same
// fastify-plugin name and decorators, and warns once per process with its FASTIFY_AWS_DEP code.
import t from 'tap'
import Fastify from 'fastify'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SQSClient } from '@aws-sdk/client-sqs'
import { fastifyAwsWorker, workerTier } from '../src/worker/index.js'
import { fastifyAwsQueue, sqsQueuePlugin } from '../src/queue/index.js'
import { dynamoDbSessions, fastifyAwsSessions } from '../src/sessions/index.js'
import { testAws } from './helpers/emulators.js'

/** Codes of the deprecation warnings this process emitted, in order. */
const warned: string[] = []
const onWarning = (warning: Error & { code?: string }): void => {
  if (warning.name === 'DeprecationWarning' && warning.code?.startsWith('FASTIFY_AWS_DEP')) warned.push(warning.code)
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
      await app.register(plugin === 'old' ? workerTier : fastifyAwsWorker, { enabled: true, cwd, env: {}, dockerHosts: false })
      await app.ready()
      return { app, decorated: app.workerTier !== undefined }
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
        load: { env: {}, cwd, code: { queues: { default: 'http://127.0.0.1:9/000000000000/default' } } },
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
        dynamo_db_client: dynamo,
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
      t.ok(decorated, 'the old name decorates the instance as the new one does')
      t.ok(app.hasPlugin(alias.plugin), `the old name registers as ${alias.plugin}`)
      await app.close()
    }
    await settled()
    t.same(warned, [alias.code], 'one warning for two registrations')
  })
}
