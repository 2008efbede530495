// Pessimistic locking through a real app: concurrent requests on one session lose no update.
import t from 'tap'
import { startDynalite } from '../helpers/emulators.js'
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import { Browser, SECRET, countedClient, makeTable, readSessionItem, sessionIdOf, setNumbers, startApp } from './harness.js'

const TABLE = 'sessions'
const ddb = await startDynalite()
t.teardown(() => ddb.close())
const { client, calls } = countedClient(ddb.endpoint)
t.teardown(() => client.destroy())
await makeTable(client, TABLE)

const locking = { dynamoDbClient: client, enableLocking: true, lockRetryDelay: 5, lockMaxWaitTime: 30, lockExpiryTime: 30_000 }

t.test('concurrent increments on one session: none is lost with locking', async (t) => {
  const { app, url } = await startApp(locking)
  t.teardown(() => app.close())
  const browser = new Browser(url)
  await browser.send('POST', '/login', { user: 'counter' })
  const id = sessionIdOf(browser.jar.get('sessionId')!)

  const N = 12
  const answers = await Promise.all(Array.from({ length: N }, () => browser.send('POST', '/count?wait=15')))
  t.same(answers.map((a) => a.status), Array(N).fill(200))
  t.same(
    answers.map((a) => a.body.count).sort((a, b) => Number(a) - Number(b)),
    Array.from({ length: N }, (_, i) => i + 1),
    'each request saw the previous one',
  )
  t.equal((await browser.send('GET', '/me')).body.count, N, 'the final count has every increment')
  const item = await readSessionItem(client, TABLE, id)
  t.equal(item!.locked_at, undefined, 'no lock is left behind')
  t.equal(item!.lock_owner, undefined)
})

t.test('calls per request with locking: the read takes the lock, the write releases it', async (t) => {
  const { app, url } = await startApp(locking)
  t.teardown(() => app.close())
  const browser = new Browser(url)
  await browser.send('POST', '/login', { user: 'calls' })
  let before = calls.length
  await browser.send('POST', '/count')
  t.same(calls.slice(before), ['UpdateItem', 'UpdateItem'], 'changed: lock+read, write+unlock')
  before = calls.length
  await browser.send('GET', '/me')
  t.same(calls.slice(before), ['UpdateItem', 'UpdateItem'], 'unchanged: lock+read, unlock')
})

t.test('a request that does not save its session still releases the lock', async (t) => {
  // rolling: false → @fastify/session does not call set for an unchanged session; the plugin's onResponse unlocks.
  const { app, url } = await startApp({ ...locking, rolling: false, lockMaxWaitTime: 5 })
  t.teardown(() => app.close())
  const browser = new Browser(url)
  await browser.send('POST', '/login', { user: 'reader' })
  for (let i = 0; i < 3; i++) t.equal((await browser.send('GET', '/me')).status, 200)
  const id = sessionIdOf(browser.jar.get('sessionId')!)
  for (let i = 0; i < 100; i++) {
    if ((await readSessionItem(client, TABLE, id))?.locked_at === undefined) break
    await new Promise((r) => setTimeout(r, 10))
  }
  t.equal((await readSessionItem(client, TABLE, id))?.locked_at, undefined, 'unlocked after the response')
})

t.test('a lock held too long: the waiter fails with 503 after lock_max_wait_time', async (t) => {
  const { app, url } = await startApp({ ...locking, lockMaxWaitTime: 0.2, lockRetryDelay: 20 })
  t.teardown(() => app.close())
  const browser = new Browser(url)
  await browser.send('POST', '/login', { user: 'blocked' })
  const id = sessionIdOf(browser.jar.get('sessionId')!)
  await holdLock(id, Date.now(), 'someone-else')
  const answer = await browser.send('GET', '/me')
  t.equal(answer.status, 503)
  t.equal(answer.body.code, 'FASTIFY_AWS_SESSION_LOCK_TIMEOUT')
  t.equal((await readSessionItem(client, TABLE, id))?.lock_owner?.S, 'someone-else', "the other request's lock is untouched")
})

t.test('an abandoned lock (past lock_expiry_time) is taken over', async (t) => {
  const { app, url } = await startApp({ ...locking, lockExpiryTime: 1000 })
  t.teardown(() => app.close())
  const browser = new Browser(url)
  await browser.send('POST', '/login', { user: 'rescued' })
  const id = sessionIdOf(browser.jar.get('sessionId')!)
  await holdLock(id, Date.now() - 5000, 'crashed-process')
  const answer = await browser.send('POST', '/count')
  t.equal(answer.status, 200)
  t.same(answer.body, { count: 1 })
  t.equal((await readSessionItem(client, TABLE, id))?.locked_at, undefined)
})

t.test('a request whose lock was taken over cannot overwrite the newer session', async (t) => {
  let entered!: () => void
  const inHandler = new Promise<void>((resolve) => (entered = resolve))
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  const { app, url } = await startApp({ ...locking, lockExpiryTime: 1 }, async () => {
    entered()
    await released
  })
  t.teardown(() => app.close())
  const browser = new Browser(url)
  await browser.send('POST', '/login', { user: 'slow' })
  const id = sessionIdOf(browser.jar.get('sessionId')!)
  // The slow request holds the lock and waits in its handler; meanwhile another owner takes the lock over.
  const slow = browser.send('POST', '/count?gate=1')
  await inHandler
  await holdLock(id, Date.now(), 'the-thief')
  release()
  const answer = await slow
  t.equal(answer.status, 409)
  t.equal(answer.body.code, 'FASTIFY_AWS_SESSION_LOCK_LOST')
  const item = await readSessionItem(client, TABLE, id)
  t.equal(JSON.parse(item!.data!.S!).count, undefined, 'the slow write was refused')
  t.equal(item!.lock_owner?.S, 'the-thief')
})

t.test('unknown session ids never create lock-only items (the Ruby store does)', async (t) => {
  const { app, url } = await startApp(locking)
  t.teardown(() => app.close())
  const { Signer } = await import('@fastify/cookie')
  const browser = new Browser(url)
  browser.jar.set('sessionId', encodeURIComponent(new Signer(SECRET).sign('never-stored-id-000000000000')))
  t.same((await browser.send('GET', '/me')).body, { user: null, count: 0 })
  t.equal(await readSessionItem(client, TABLE, 'never-stored-id-000000000000'), undefined)
})

/** Puts a lock on a stored session as another request (or process) would. */
async function holdLock(id: string, atMs: number, owner: string): Promise<void> {
  await setNumbers(client, TABLE, id, { locked_at: atMs / 1000 })
  await client.send(
    new UpdateItemCommand({
      TableName: TABLE,
      Key: { session_id: { S: id } },
      UpdateExpression: 'SET lock_owner = :o',
      ExpressionAttributeValues: { ':o': { S: owner } },
    }),
  )
}
