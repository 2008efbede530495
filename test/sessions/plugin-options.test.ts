// Registering the plugin: the secret check, client ownership, an already registered @fastify/cookie, the http warning.
import t from 'tap'
import Fastify from 'fastify'
import fastifyCookie from '@fastify/cookie'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { Writable } from 'node:stream'
import { DynamoDbSessionStore, fastifyAwsSessions, type FastifyAwsSessionsOptions } from '../../src/sessions/index.js'
import { testAws } from '../helpers/emulators.js'
import { SECRET } from './harness.js'

const noConfig = { env: {}, cwd: '/nonexistent' }
const client = new DynamoDBClient({ ...testAws, endpoint: 'http://127.0.0.1:9' })
t.teardown(() => client.destroy())

async function register(options: FastifyAwsSessionsOptions) {
  const app = Fastify()
  await app.register(fastifyAwsSessions, { configLoad: noConfig, dynamoDbClient: client, ...options })
  await app.ready()
  return app
}

t.test('the secret is required and at least 32 characters, with a message saying how to set it', async (t) => {
  await t.rejects(register({}), {
    code: 'FASTIFY_AWS_SESSION_SECRET',
    message: /needs a cookie signing secret\. Set secret_key \(AWS_DYNAMO_DB_SESSION_SECRET_KEY.*openssl rand -base64 48/,
  })
  await t.rejects(register({ secret: 'short' }), { message: /The session secret is 5 characters long; it must be at least 32/ })
  await t.rejects(register({ secret: [SECRET, 'old-and-short'] }), { message: /Session secret #2 is 13 characters long/ })
  await t.rejects(register({ secret: [] }), { code: 'FASTIFY_AWS_SESSION_SECRET' })
  await t.rejects(register({ secret: { sign: 1 } as never }), { message: /a signer with sign\(\) and unsign\(\)/ })

  const fromEnv = Fastify()
  await fromEnv.register(fastifyAwsSessions, {
    dynamoDbClient: client,
    configLoad: { env: { AWS_DYNAMO_DB_SESSION_SECRET_KEY: SECRET }, cwd: '/nonexistent' },
  })
  await fromEnv.ready()
  t.pass('the secret can come from AWS_DYNAMO_DB_SESSION_SECRET_KEY')
  await fromEnv.close()

  const signer = { sign: (v: string) => `${v}.sig`, unsign: (v: string) => ({ valid: v.endsWith('.sig'), renew: false, value: v.slice(0, -4) }) }
  const withSigner = await register({ secret: signer })
  t.pass('a signer object is accepted')
  await withSigner.close()
})

t.test('closes only the client it made', async (t) => {
  let givenDestroyed = false
  const given = new DynamoDBClient({ ...testAws, endpoint: 'http://127.0.0.1:9' })
  const destroyGiven = given.destroy.bind(given)
  given.destroy = () => {
    givenDestroyed = true
    destroyGiven()
  }
  const app = await register({ secret: SECRET, dynamoDbClient: given })
  t.equal(app.dynamoDbSessionStore.ownsClient, false)
  await app.close()
  t.equal(givenDestroyed, false, 'a given client is left open')
  destroyGiven()

  const own = Fastify()
  await own.register(fastifyAwsSessions, {
    secret: SECRET,
    configLoad: noConfig,
    clientOptions: { ...testAws, endpoint: 'http://127.0.0.1:9' },
  })
  await own.ready()
  const store = own.dynamoDbSessionStore
  t.equal(store.ownsClient, true)
  let ownDestroyed = false
  const destroyOwn = store.client.destroy.bind(store.client)
  store.client.destroy = () => {
    ownDestroyed = true
    destroyOwn()
  }
  await own.close()
  t.equal(ownDestroyed, true, 'its own client is destroyed on close')

  const shared = new DynamoDbSessionStore({ dynamoDbClient: client }, noConfig)
  const withStore = await register({ secret: SECRET, store: shared })
  t.equal(withStore.dynamoDbSessionStore, shared, 'a given store is used as it is')
  await withStore.close()
})

t.test('works when @fastify/cookie is already registered', async (t) => {
  const app = Fastify()
  await app.register(fastifyCookie)
  await app.register(fastifyAwsSessions, { secret: SECRET, dynamoDbClient: client, configLoad: noConfig })
  app.get('/', async (req) => ({ hasSession: Boolean(req.session) }))
  const res = await app.inject({ url: '/' })
  t.same(res.json(), { hasSession: true })
  await app.close()
})

t.test('warns once when session cookies go out over plain http to a public host', async (t) => {
  const lines: string[] = []
  const app = Fastify({
    logger: { level: 'warn', stream: new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }) },
  })
  await app.register(fastifyAwsSessions, { secret: SECRET, dynamoDbClient: client, configLoad: noConfig })
  app.get('/', async () => 'ok')
  await app.inject({ url: '/', headers: { host: 'localhost:3000' } })
  t.equal(lines.length, 0, 'not for localhost')
  await app.inject({ url: '/', headers: { host: 'shop.example.com' } })
  await app.inject({ url: '/', headers: { host: 'shop.example.com' } })
  t.equal(lines.length, 1, 'once')
  t.match(lines[0], /without the Secure flag.*set Fastify's trustProxy/)
  await app.close()
})
