// The plugin through a real Fastify app on 127.0.0.1, a real browser-like client and dynalite.
import t from 'tap'
import { Signer } from '@fastify/cookie'
import { freePort, startDynalite } from '../helpers/emulators.js'
import { Browser, SECRET, countedClient, makeTable, readSessionItem, sessionIdOf, setNumbers, startApp } from './harness.js'

const TABLE = 'sessions'

const ddb = await startDynalite()
t.teardown(() => ddb.close())
const { client, calls } = countedClient(ddb.endpoint)
t.teardown(() => client.destroy())
await makeTable(client, TABLE)

const { app, url, logs } = await startApp({ dynamoDbClient: client })
t.teardown(() => app.close())

/** Runs `fn` and returns the DynamoDB calls it caused. */
async function callsDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const before = calls.length
  await fn()
  return calls.slice(before)
}

t.test('login → the session persists across requests → logout destroys it', async (t) => {
  const browser = new Browser(url)
  t.same((await browser.send('GET', '/me')).body, { user: null, count: 0 })
  t.equal(browser.jar.size, 0, 'an anonymous visit sets no cookie (saveUninitialized: false)')

  await browser.send('POST', '/login', { user: 'ada' })
  const cookie = browser.jar.get('sessionId')
  t.ok(cookie, 'login sets the session cookie')
  const id = sessionIdOf(cookie!)
  const item = await readSessionItem(client, TABLE, id)
  t.same(JSON.parse(item!.data!.S!), { user: 'ada' }, 'data holds the session fields as JSON')
  t.ok(Number(item!.created_at!.N) > 0 && item!.updated_at!.N === item!.created_at!.N, 'created_at and updated_at are epoch numbers')
  t.ok(Number(item!.expire_at!.N) > Date.now() / 1000, 'expire_at lies in the future, never "now"')

  for (let i = 0; i < 3; i++) t.same((await browser.send('GET', '/me')).body, { user: 'ada', count: 0 })

  const logout = await browser.send('POST', '/logout')
  t.equal(logout.status, 200)
  t.equal(await readSessionItem(client, TABLE, id), undefined, 'logout deletes the item')
  const stale = new Browser(url)
  stale.jar.set('sessionId', cookie!)
  t.same((await stale.send('GET', '/me')).body, { user: null, count: 0 }, 'the old cookie no longer opens the session')
})

t.test('write economy: DynamoDB calls per request', async (t) => {
  const browser = new Browser(url)
  t.same(await callsDuring(() => browser.send('GET', '/me')), [], 'anonymous request: no call at all')
  t.same(await callsDuring(() => browser.send('POST', '/login', { user: 'bob' })), ['UpdateItem'], 'login: one write')
  for (let i = 0; i < 3; i++) {
    t.same(await callsDuring(() => browser.send('GET', '/me')), ['GetItem'], 'unchanged session: one read, no write')
  }
  t.same(await callsDuring(() => browser.send('POST', '/count')), ['GetItem', 'UpdateItem'], 'changed session: one read, one write')
  t.same(await callsDuring(() => browser.send('POST', '/logout')), ['GetItem', 'DeleteItem'], 'logout: one read, one delete')

  const careful = new Browser(url)
  t.same(
    await callsDuring(() => careful.send('POST', '/login-regenerate', { user: 'dan' })),
    ['DeleteItem', 'UpdateItem'],
    'login with regenerate(), new visitor: the old id is deleted, the filled session written once (not the empty one)',
  )
  const firstId = careful.jar.get('sessionId')
  t.same(
    await callsDuring(() => careful.send('POST', '/login-regenerate', { user: 'dan' })),
    ['GetItem', 'DeleteItem', 'UpdateItem'],
    'login with regenerate(), existing session: read, delete, one write',
  )
  t.not(careful.jar.get('sessionId'), firstId, 'a new id')
  t.same((await careful.send('GET', '/me')).body, { user: 'dan', count: 0 })
})

t.test('an unchanged session is touched once touch_after has passed', async (t) => {
  const touchy = await startApp({ dynamoDbClient: client, touchAfter: 0 })
  t.teardown(() => touchy.app.close())
  const browser = new Browser(touchy.url)
  await browser.send('POST', '/login', { user: 'cy' })
  const id = sessionIdOf(browser.jar.get('sessionId')!)
  const before = await readSessionItem(client, TABLE, id)
  await setNumbers(client, TABLE, id, { updated_at: Number(before!.updated_at!.N) - 10 })
  t.same(await callsDuring(() => browser.send('GET', '/me')), ['GetItem', 'UpdateItem'], 'touch_after 0: every request moves the expiry')
  const after = await readSessionItem(client, TABLE, id)
  t.ok(Number(after!.updated_at!.N) > Number(before!.updated_at!.N) - 10, 'updated_at moved')
  t.equal(after!.data!.S, before!.data!.S, 'the touch did not rewrite data')
})

t.test('a forged or unsigned cookie gets a fresh session without any DynamoDB read', async (t) => {
  const honest = new Browser(url)
  await honest.send('POST', '/login', { user: 'eve-target' })
  const id = sessionIdOf(honest.jar.get('sessionId')!)

  const forgedValues = [
    encodeURIComponent(id), // unsigned
    encodeURIComponent(`${id}.not-the-signature`), // bad signature
    encodeURIComponent(new Signer('another-secret-of-at-least-32-characters!!').sign(id)), // signed with another key
    'garbage%%%',
  ]
  for (const value of forgedValues) {
    const attacker = new Browser(url)
    attacker.jar.set('sessionId', value)
    const seen = await callsDuring(async () => t.same((await attacker.send('GET', '/me')).body, { user: null, count: 0 }))
    t.same(seen, [], `no DynamoDB call for cookie ${value.slice(0, 20)}…`)
  }
  const valid = new Browser(url)
  valid.jar.set('sessionId', encodeURIComponent(new Signer(SECRET).sign(id)))
  t.same((await valid.send('GET', '/me')).body.user, 'eve-target', 'the same id correctly signed opens the session')
})

t.test('expiry: an item past expire_at reads as missing even before TTL deletes it', async (t) => {
  const browser = new Browser(url)
  await browser.send('POST', '/login', { user: 'old' })
  const id = sessionIdOf(browser.jar.get('sessionId')!)
  await setNumbers(client, TABLE, id, { expire_at: Math.floor(Date.now() / 1000) - 1 })
  t.same((await browser.send('GET', '/me')).body, { user: null, count: 0 })
  const relogin = await browser.send('POST', '/login', { user: 'new' })
  t.equal(relogin.status, 200)
  t.not(sessionIdOf(browser.jar.get('sessionId')!), id, 'a new session id is issued, the expired one is not reused')
})

t.test('max_stale and max_age apply to existing items at once', async (t) => {
  const strict = await startApp({ dynamoDbClient: client, maxStale: 600, maxAge: 3600 })
  t.teardown(() => strict.app.close())
  const now = Date.now() / 1000
  const stale = new Browser(strict.url)
  await stale.send('POST', '/login', { user: 'idle' })
  const staleId = sessionIdOf(stale.jar.get('sessionId')!)
  await setNumbers(client, TABLE, staleId, { updated_at: now - 600 - 61 })
  t.same((await stale.send('GET', '/me')).body.user, null, 'idle longer than max_stale + touch_after')

  const old = new Browser(strict.url)
  await old.send('POST', '/login', { user: 'ancient' })
  const oldId = sessionIdOf(old.jar.get('sessionId')!)
  await setNumbers(client, TABLE, oldId, { created_at: now - 3601 })
  t.same((await old.send('GET', '/me')).body.user, null, 'older than max_age')

  const fresh = new Browser(strict.url)
  await fresh.send('POST', '/login', { user: 'fine' })
  const item = await readSessionItem(client, TABLE, sessionIdOf(fresh.jar.get('sessionId')!))
  const expireAt = Number(item!.expire_at!.N)
  t.ok(expireAt <= Math.ceil(Date.now() / 1000 + 600 + 60), 'expire_at follows max_stale (+ touch_after)')
  t.ok(expireAt >= Math.floor(now + 600), 'and is not earlier than max_stale')
})

t.test('a session over 400 KB is a clear error and the stored session stays intact', async (t) => {
  const browser = new Browser(url)
  await browser.send('POST', '/login', { user: 'hoarder' })
  const id = sessionIdOf(browser.jar.get('sessionId')!)
  const before = await readSessionItem(client, TABLE, id)
  let answer: Awaited<ReturnType<Browser['send']>> | undefined
  const seen = await callsDuring(async () => {
    answer = await browser.send('POST', '/big?kb=401')
  })
  t.equal(answer!.status, 500)
  t.equal(answer!.body.code, 'FASTIFY_AWS_SESSION_TOO_LARGE')
  t.match(answer!.body.message, /over the 409600-byte limit: it was not saved/)
  t.same(seen, ['GetItem'], 'refused before any write')
  t.same(await readSessionItem(client, TABLE, id), before, 'the stored item is unchanged')
  t.same((await browser.send('GET', '/me')).body, { user: 'hoarder', count: 0 }, 'the previous session still works')
  t.equal((await browser.send('POST', '/big?kb=390')).status, 200, 'a session just under the limit is saved')
})

t.test('a session JSON cannot carry is a clear error and the stored session stays intact', async (t) => {
  const browser = new Browser(url)
  await browser.send('POST', '/login', { user: 'bigint' })
  const id = sessionIdOf(browser.jar.get('sessionId')!)
  const before = await readSessionItem(client, TABLE, id)
  const answer = await browser.send('POST', '/bigint')
  t.equal(answer.status, 500)
  t.equal(answer.body.code, 'FASTIFY_AWS_SESSION_DATA')
  t.match(answer.body.message, /cannot be stored as JSON \(Do not know how to serialize a BigInt\)/)
  t.same(await readSessionItem(client, TABLE, id), before)
})

t.test('DynamoDB unavailable: logged, answered without the session, cookie kept', async (t) => {
  const deadPort = await freePort()
  const dead = countedClient(`http://127.0.0.1:${deadPort}`, 1)
  t.teardown(() => dead.client.destroy())
  const down = await startApp({ dynamoDbClient: dead.client })
  t.teardown(() => down.app.close())
  const browser = new Browser(down.url)
  const cookie = encodeURIComponent(new Signer(SECRET).sign('some-existing-session-id-123456'))
  browser.jar.set('sessionId', cookie)

  const answer = await browser.send('GET', '/me')
  t.equal(answer.status, 200, 'not a crash')
  t.same(answer.body, { user: null, count: 0 }, 'answered without a session')
  t.same(answer.setCookie, [], "the visitor's cookie is neither cleared nor replaced")
  t.same(dead.calls, ['GetItem'])
  const logged = down.logs.find((l) => l.operation === 'get')
  t.ok(logged, 'the failure is logged')
  t.equal(logged?.level, 50, 'at error level')
  t.match(String((logged?.err as { message?: string })?.message), /Session get failed/)

  const raising = await startApp({ dynamoDbClient: dead.client, raiseErrors: true })
  t.teardown(() => raising.app.close())
  const strict = new Browser(raising.url)
  strict.jar.set('sessionId', cookie)
  const failed = await strict.send('GET', '/me')
  t.equal(failed.status, 500, 'raise_errors: true fails the request')
  t.equal(failed.body.code, 'FASTIFY_AWS_SESSION_STORE')

  const seen: string[] = []
  const custom = await startApp({
    dynamoDbClient: dead.client,
    errorHandler: (err, ctx) => {
      seen.push(`${ctx.operation}:${(err as { code?: string }).code}`)
    },
  })
  t.teardown(() => custom.app.close())
  const viaHandler = new Browser(custom.url)
  viaHandler.jar.set('sessionId', cookie)
  t.equal((await viaHandler.send('GET', '/me')).status, 200)
  t.same(seen, ['get:FASTIFY_AWS_SESSION_STORE'], 'a custom error handler decides')
})

t.test('a missing table is a clear error, never silently sessionless', async (t) => {
  const missing = await startApp({ dynamoDbClient: client, tableName: 'no-such-table' })
  t.teardown(() => missing.app.close())
  const browser = new Browser(missing.url)
  const answer = await browser.send('POST', '/login', { user: 'x' })
  t.equal(answer.status, 500)
  t.equal(answer.body.code, 'FASTIFY_AWS_SESSION_TABLE_MISSING')
  t.match(answer.body.message, /no-such-table.*fastify-aws sessions create-table/)
})

t.test('cookie defaults: httpOnly, SameSite=Lax, not Secure over plain http', async (t) => {
  const browser = new Browser(url)
  const answer = await browser.send('POST', '/login', { user: 'z' })
  const line = answer.setCookie.find((l) => l.startsWith('sessionId='))!
  t.match(line, /HttpOnly/)
  t.match(line, /SameSite=Lax/)
  t.notMatch(line, /Secure/)
  t.notOk(logs.some((l) => String(l.msg).includes('without the Secure flag')), 'no warning for a loopback host')
})

t.test('logs never contain the session id', async (t) => {
  const browser = new Browser(url)
  await browser.send('POST', '/login', { user: 'private' })
  const id = sessionIdOf(browser.jar.get('sessionId')!)
  const text = JSON.stringify(logs)
  t.notOk(text.includes(id), 'no session id in any log line')
})

t.test('a slower request never brings back a session another request destroyed (logout in another tab)', async (t) => {
  let entered!: () => void
  const inHandler = new Promise<void>((resolve) => (entered = resolve))
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  const gated = await startApp({ dynamoDbClient: client }, async () => {
    entered()
    await released
  })
  t.teardown(() => gated.app.close())
  const tab1 = new Browser(gated.url)
  await tab1.send('POST', '/login', { user: 'two-tabs' })
  const tab2 = new Browser(gated.url)
  tab2.jar.set('sessionId', tab1.jar.get('sessionId')!)
  const id = sessionIdOf(tab1.jar.get('sessionId')!)

  const slow = tab1.send('POST', '/count?gate=1')
  await inHandler
  t.equal((await tab2.send('POST', '/logout')).status, 200)
  release()
  t.equal((await slow).status, 200)
  t.equal(await readSessionItem(client, TABLE, id), undefined, 'the destroyed session stays destroyed')
})
