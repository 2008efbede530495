// The store on its own (dynalite): the express-session touch, unreadable items, implausible ids, bare @fastify/session.
import t from 'tap'
import Fastify from 'fastify'
import fastifyCookie, { Signer } from '@fastify/cookie'
import fastifySession from '@fastify/session'
import { PutItemCommand } from '@aws-sdk/client-dynamodb'
import type { Session } from 'fastify'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { DynamoDbSessionStore } from '../../src/sessions/index.js'
import { startDynalite } from '../helpers/emulators.js'
import { Browser, SECRET, countedClient, makeTable, readSessionItem, startApp } from './harness.js'

const TABLE = 'sessions'
const ddb = await startDynalite()
t.teardown(() => ddb.close())
const { client, calls } = countedClient(ddb.endpoint)
t.teardown(() => client.destroy())
await makeTable(client, TABLE)
const noConfig = { env: {}, cwd: '/nonexistent' }

function callbackOf<T>(run: (cb: (err?: unknown, value?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value))))
}

t.test('touch (express-session contract) moves the expiry of an existing session only', async (t) => {
  const store = new DynamoDbSessionStore({ dynamoDbClient: client }, noConfig)
  await store.save('touch-me-000000000000000000000000', { user: 'x' })
  const before = await readSessionItem(client, TABLE, 'touch-me-000000000000000000000000')
  const session = { user: 'x', cookie: { originalMaxAge: 3_600_000 } } as unknown as Session
  await callbackOf((cb) => store.touch('touch-me-000000000000000000000000', session, cb))
  const after = await readSessionItem(client, TABLE, 'touch-me-000000000000000000000000')
  t.equal(after!.data!.S, before!.data!.S)
  t.ok(Number(after!.expire_at!.N) <= Math.ceil(Date.now() / 1000 + 3600 + 60), 'expire_at from the cookie max age')
  await callbackOf((cb) => store.touch('never-saved-000000000000000000000', session, cb))
  t.equal(await readSessionItem(client, TABLE, 'never-saved-000000000000000000000'), undefined, 'touch creates nothing')
})

t.test('an unreadable item reads as no session (and a lock taken on it is released)', async (t) => {
  for (const enableLocking of [false, true]) {
    const id = `corrupt-${enableLocking}-0000000000000000000`
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { session_id: { S: id }, data: { S: 'not json' }, updated_at: { N: '1' }, expire_at: { N: String(Date.now() / 1000 + 60) } },
      }),
    )
    const store = new DynamoDbSessionStore({ dynamoDbClient: client, enableLocking }, noConfig)
    t.equal(await callbackOf((cb) => store.get(id, cb)), null)
    t.equal((await readSessionItem(client, TABLE, id))?.locked_at, undefined, `no lock left (locking ${enableLocking})`)
  }
})

t.test('ids no generator makes are answered without a call', async (t) => {
  const store = new DynamoDbSessionStore({ dynamoDbClient: client }, noConfig)
  const before = calls.length
  t.equal(await callbackOf((cb) => store.get('', cb)), null)
  t.equal(await callbackOf((cb) => store.get('x'.repeat(1025), cb)), null)
  t.equal(calls.length, before)
})

t.test('with @fastify/session directly (no plugin) the store works and writes whenever asked', async (t) => {
  const store = new DynamoDbSessionStore({ dynamoDbClient: client }, noConfig)
  const app = Fastify()
  await app.register(fastifyCookie)
  await app.register(fastifySession, { secret: SECRET, store, cookie: { secure: false }, saveUninitialized: false })
  app.post('/login', async (req) => {
    req.session.set('user', 'bare')
    return {}
  })
  app.get('/me', async (req) => ({ user: req.session.get('user') ?? null, count: 0 }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const address = app.server.address()
  const browser = new Browser(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`)
  await browser.send('POST', '/login', { user: 'bare' })
  const before = calls.length
  t.same((await browser.send('GET', '/me')).body, { user: 'bare', count: 0 })
  t.same(calls.slice(before), ['GetItem', 'UpdateItem'], 'without the plugin, rolling sessions are written on every request')
})

t.test('a request DynamoDB rejects (here: the wrong key name) fails loudly instead of running sessionless', async (t) => {
  const wrong = await startApp({ dynamoDbClient: client, tableKey: 'id' })
  t.teardown(() => wrong.app.close())
  const answer = await new Browser(wrong.url).send('POST', '/login', { user: 'x' })
  t.equal(answer.status, 500)
  t.equal(answer.body.code, 'FASTIFY_AWS_SESSION_STORE')
  t.match(answer.body.message, /ValidationException/)
})

t.test('a DynamoDB that accepts connections but never answers does not hang requests', async (t) => {
  const sockets: Socket[] = []
  const blackhole = createServer((socket) => void sockets.push(socket))
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    for (const s of sockets) s.destroy()
    blackhole.close()
  })
  const port = (blackhole.address() as AddressInfo).port
  const hung = await startApp({
    clientOptions: { region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } },
  })
  t.teardown(() => hung.app.close())
  const browser = new Browser(hung.url)
  browser.jar.set('sessionId', encodeURIComponent(new Signer(SECRET).sign('some-session-id-0000000000000000')))
  const answer = await browser.send('GET', '/me')
  t.equal(answer.status, 200, 'the request timed out inside the store and was answered without the session')
  t.same(answer.body, { user: null, count: 0 })
  t.match(String((hung.logs.find((l) => l.operation === 'get')?.err as { message?: string })?.message), /requestTimeout|TimeoutError/)
})
