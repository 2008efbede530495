// The pure pieces: expiry, the data attribute, the item size.
import t from 'tap'
import { DEFAULT_IDLE_SECONDS, expireAtFor, isExpired, MAX_ITEM_BYTES } from '../../src/sessions/index.js'
import { cookieExpiry, deserializeSession, serializeSession } from '../../src/sessions/session-data.js'
import { itemBytes, readItem } from '../../src/sessions/item.js'

const NOW = 1_800_000_000_000
const nowS = NOW / 1000

t.test('expire_at: the earliest bound, never now', async (t) => {
  const p = { touchAfter: 60 }
  t.equal(expireAtFor(p, NOW, nowS, {}), nowS + DEFAULT_IDLE_SECONDS + 60, 'nothing set: one day (+ touch_after)')
  t.equal(expireAtFor({ ...p, maxStale: 600 }, NOW, nowS, {}), nowS + 660, 'max_stale + touch_after')
  t.equal(expireAtFor(p, NOW, nowS, { maxAgeMs: 30_000 }), nowS + 90, 'the cookie max age + touch_after')
  t.equal(expireAtFor({ ...p, maxStale: 600 }, NOW, nowS, { maxAgeMs: 3_600_000 }), nowS + 660, 'the earlier of both')
  t.equal(expireAtFor({ ...p, maxAge: 100 }, NOW, nowS - 50, {}), nowS + 50, 'max_age counts from creation')
  t.equal(expireAtFor(p, NOW, nowS, { expiresMs: NOW + 5000 }), nowS + 5, 'an absolute cookie expiry is exact')
  t.equal(expireAtFor({ touchAfter: 0, maxStale: 10 }, NOW + 1, nowS, {}), Math.ceil(nowS + 10.001), 'whole seconds, rounded up')
})

t.test('isExpired: expire_at, and max_age / max_stale of the current settings', async (t) => {
  const times = { createdAt: nowS - 100, updatedAt: nowS - 50, expireAt: nowS + 1000 }
  t.notOk(isExpired({ touchAfter: 60 }, times, NOW))
  t.ok(isExpired({ touchAfter: 60 }, { ...times, expireAt: nowS }, NOW), 'at expire_at it is gone')
  t.ok(isExpired({ touchAfter: 60, maxAge: 100 }, times, NOW))
  t.notOk(isExpired({ touchAfter: 60, maxAge: 101 }, times, NOW))
  t.ok(isExpired({ touchAfter: 10, maxStale: 40 }, times, NOW))
  t.notOk(isExpired({ touchAfter: 20, maxStale: 40 }, times, NOW), 'touch_after is the margin writes leave')
})

t.test('data: fields as JSON, only the per-session part of the cookie', async (t) => {
  const rolling = { user: 'a', when: new Date(0), cookie: { originalMaxAge: 60_000, expires: new Date(NOW), path: '/', secure: true } }
  t.equal(serializeSession(rolling), '{"user":"a","when":"1970-01-01T00:00:00.000Z","cookie":{"originalMaxAge":60000}}')
  const absolute = { n: 1, cookie: { originalMaxAge: null, expires: new Date(NOW) } }
  t.equal(serializeSession(absolute), `{"n":1,"cookie":{"originalMaxAge":null,"expires":"${new Date(NOW).toISOString()}"}}`)
  t.equal(serializeSession({ n: 1, cookie: { originalMaxAge: null } }), '{"n":1}', 'a browser-session cookie keeps nothing')
  t.same(cookieExpiry(rolling.cookie), { maxAgeMs: 60_000 })
  t.same(cookieExpiry(absolute.cookie), { expiresMs: NOW })
  t.same(cookieExpiry(undefined), {})
  t.same(deserializeSession('{"user":"a","cookie":{"originalMaxAge":5}}'), { user: 'a', cookie: { originalMaxAge: 5 } })
  for (const corrupt of ['', 'not json', '[1,2]', 'null', '"text"']) t.equal(deserializeSession(corrupt), undefined, `corrupt: ${corrupt}`)
})

t.test('item size counts UTF-8 bytes of names and values, numbers at their maximum', async (t) => {
  const layout = { key: 'session_id', ttl: 'expire_at' }
  const ascii = itemBytes(layout, 'id', 'x'.repeat(100), false)
  t.equal(ascii, 'session_id'.length + 2 + 'data'.length + 100 + ('created_at'.length + 21) + ('updated_at'.length + 21) + ('expire_at'.length + 21))
  t.equal(itemBytes(layout, 'id', 'é'.repeat(100), false) - ascii, 100, 'é is two bytes')
  t.ok(itemBytes(layout, 'id', 'x', true) > itemBytes(layout, 'id', 'x', false), 'a lock adds its attributes')
  t.equal(MAX_ITEM_BYTES, 409600)
})

t.test('readItem: numbers or the Ruby store\'s strings; an item without data is not a session', async (t) => {
  const layout = { key: 'session_id', ttl: 'expire_at' }
  t.same(readItem({ data: { S: '{}' }, created_at: { S: '10.5' }, updated_at: { N: '20' }, expire_at: { N: '30' } }, layout), {
    data: '{}',
    createdAt: 10.5,
    updatedAt: 20,
    expireAt: 30,
  })
  t.equal(readItem({ session_id: { S: 'x' }, locked_at: { N: '1' } }, layout), undefined)
  t.equal(readItem({ data: { S: '{}' } }, layout)?.expireAt, Infinity, 'no expiry attribute: only max_age/max_stale bound it')
})
