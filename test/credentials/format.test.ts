// Rails' message format byte for byte: the Marshal String subset, the JSON variant, AES-128-GCM in three base64 parts.
import { readFileSync } from 'node:fs'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import t from 'tap'
import { marshalLength, marshalString, unmarshalString } from '../../src/aws/rails-marshal.js'
import { openRailsMessage, parseRailsKey, sealRailsMessage, generateRailsKey } from '../../src/aws/rails-encryption.js'
import { fixture, fixtureDir } from './helpers.js'

const key = Buffer.from(fixture.key, 'hex')
/** Encrypts any plaintext bytes in Rails' framing, to test what the deserializer accepts. */
function sealRaw(plain: Buffer): string {
  const iv = randomBytes(12)
  const c = createCipheriv('aes-128-gcm', key, iv)
  const data = Buffer.concat([c.update(plain), c.final()])
  return `${data.toString('base64')}--${iv.toString('base64')}--${c.getAuthTag().toString('base64')}`
}

const bytes = (...b: (number | string)[]): Buffer =>
  Buffer.concat(b.map((x) => (typeof x === 'number' ? Buffer.from([x]) : Buffer.from(x, 'latin1'))))

t.test('the fixture Rails wrote decrypts to a Marshal-wrapped UTF-8 String', async (t) => {
  const [data, iv, tag] = readFileSync(join(fixtureDir, 'credentials.yml.enc'), 'utf8').trim().split('--').map((p) => Buffer.from(p, 'base64'))
  const d = createDecipheriv('aes-128-gcm', key, iv!)
  d.setAuthTag(tag!)
  const plain = Buffer.concat([d.update(data!), d.final()])
  t.same([...plain.subarray(0, 4)], [0x04, 0x08, 0x49, 0x22], 'Marshal 4.8, instance variables, String')
  t.same([...plain.subarray(-5)], [0x06, 0x3a, 0x06, 0x45, 0x54], 'one instance variable: E = true (UTF-8)')
  const text = unmarshalString(plain)
  t.match(text, /^aws:\n  access_key_id: AKIAEXAMPLEKEY123456\n/)
  t.same(marshalString(text), plain, 'our Marshal of the same text is byte for byte what Ruby wrote')
})

t.test("Marshal lengths: one byte up to 122, then 1-4 little-endian bytes, as Ruby's w_long", async (t) => {
  const cases: [number, number[]][] = [
    [0, [0x00]],
    [1, [0x06]],
    [122, [0x7f]],
    [123, [0x01, 0x7b]],
    [255, [0x01, 0xff]],
    [256, [0x02, 0x00, 0x01]],
    [65535, [0x02, 0xff, 0xff]],
    [65536, [0x03, 0x00, 0x00, 0x01]],
    [16777216, [0x04, 0x00, 0x00, 0x00, 0x01]],
  ]
  for (const [n, expected] of cases) t.same([...marshalLength(n)], expected, String(n))
  for (const n of [0, 1, 122, 123, 255, 256, 70000]) {
    const text = 'é'.repeat(n).slice(0, n)
    t.equal(unmarshalString(marshalString(text)), text, `round trip of ${Buffer.byteLength(text)} bytes`)
  }
})

t.test('the other Strings Ruby writes: US-ASCII (E false), binary (no encoding), an explicit UTF-8 name', async (t) => {
  t.equal(unmarshalString(bytes(4, 8, 'I"', 8, 'abc', 6, ':', 6, 'EF')), 'abc')
  t.equal(unmarshalString(bytes(4, 8, '"', 8, 'abc')), 'abc')
  t.equal(unmarshalString(bytes(4, 8, 'I"', 7, 'ab', 6, ':', 13, 'encoding', '"', 10, 'UTF-8')), 'ab')
})

t.test('anything but a String is refused, naming the Ruby type and never the content', async (t) => {
  const cases: [Buffer, RegExp][] = [
    [bytes(4, 8, '{', 6, 'I"', 8, 'aws', 6, ':', 6, 'ET', '0'), /holds a Ruby Hash, not a String/],
    [bytes(4, 8, ':', 8, 'aws'), /holds a Ruby Symbol, not a String/],
    [bytes(4, 8, 'o', ':', 8, 'Foo', 0), /holds a Ruby Object, not a String/],
    [bytes(4, 8, 'i', 6), /holds a Ruby Integer, not a String/],
    [bytes(4, 8, 'C', ':', 8, 'Foo', '"', 6, 'a'), /String subclass/],
    [bytes(4, 8, 'I"', 8, 'abc', 6, ':', 13, 'encoding', '"', 14, 'Shift_JIS'), /Shift_JIS encoding; only UTF-8/],
    [bytes(4, 8, 'I"', 8, 'abc', 6, ':', 6, 'ET', 'extra'), /more data follows/],
    [bytes(4, 8, 'I"', 8, 'abc', 7, ':', 6, 'ET', ':', 7, '@x', 'T'), /instance variables other than its encoding/],
    [bytes(4, 8, '"', 0x7f, 'short'), /ends before the String does/],
    [bytes(4, 8, '"', 6, 0xff), /not valid UTF-8/],
    [bytes(3, 0, '"', 6, 'a'), /Marshal format 3.0 is not 4.8/],
  ]
  for (const [data, message] of cases) {
    t.throws(() => unmarshalString(data), { message }, message.source)
  }
  t.throws(() => unmarshalString(bytes(4, 8, '"', 6, 'secretvalue')), { message: /more data/ })
  try {
    unmarshalString(bytes(4, 8, '"', 6, 'secretvalue'))
  } catch (err) {
    t.notMatch((err as Error).message, /secret/, 'the content is not in the message')
  }
})

t.test('seal and open: base64(data)--base64(12-byte IV)--base64(16-byte tag), a new IV each time', async (t) => {
  const yaml = 'aws:\n  access_key_id: AKIDX\n'
  const a = sealRailsMessage(yaml, key)
  const b = sealRailsMessage(yaml, key)
  t.not(a, b, 'two encryptions differ')
  const [, ivA, tagA] = a.split('--')
  t.equal(Buffer.from(ivA!, 'base64').length, 12)
  t.equal(Buffer.from(tagA!, 'base64').length, 16)
  t.not(ivA, b.split('--')[1], 'a new IV')
  t.same(openRailsMessage(a, key), { ok: true, text: yaml, serializer: 'marshal' })
  t.same(openRailsMessage(sealRailsMessage(yaml, key, 'json'), key), { ok: true, text: yaml, serializer: 'json' })
  t.match(a, /^[A-Za-z0-9+/=]+--[A-Za-z0-9+/=]+--[A-Za-z0-9+/=]+$/, 'strict base64, no line breaks')
})

t.test('the JSON variant is a JSON string; other JSON is refused without quoting it', async (t) => {
  const raw = (plain: Buffer) => openRailsMessage(sealRaw(plain), key)
  t.match(raw(Buffer.from('"a: 1\\n\\u003c\\u00e9"')), { ok: true, text: 'a: 1\n<é', serializer: 'json' }, 'ActiveSupport::JSON escapes')
  t.match(raw(Buffer.from('{"aws":{"secret":"hunter2"}}')), { ok: false, kind: 'serialization', reason: /JSON content is a object, not a string of YAML/ })
  t.match(raw(Buffer.from('["x"]')), { ok: false, kind: 'serialization', reason: /an array/ })
  const notJson = raw(Buffer.from('aws: {secret: hunter2}'))
  t.match(notJson, { ok: false, kind: 'serialization', reason: /neither a Marshal-wrapped String .* nor a JSON string/ })
  t.notMatch(JSON.stringify(notJson), /hunter2/, 'the plaintext is not quoted')
})

t.test('wrong key, changed bytes and broken framing are told apart from each other', async (t) => {
  const sealed = sealRailsMessage('a: 1\n', key)
  const [data, iv, tag] = sealed.split('--') as [string, string, string]
  const flip = (b64: string): string => {
    const b = Buffer.from(b64, 'base64')
    b[0]! ^= 1
    return b.toString('base64')
  }
  t.same(openRailsMessage(sealed, Buffer.from(generateRailsKey(), 'hex')), { ok: false, kind: 'decrypt' }, 'another key')
  t.same(openRailsMessage(`${flip(data)}--${iv}--${tag}`, key), { ok: false, kind: 'decrypt' }, 'a changed ciphertext byte')
  t.same(openRailsMessage(`${data}--${flip(iv)}--${tag}`, key), { ok: false, kind: 'decrypt' }, 'a changed IV')
  t.same(openRailsMessage(`${data}--${iv}--${flip(tag)}`, key), { ok: false, kind: 'decrypt' }, 'a changed tag')
  t.match(openRailsMessage(`${data}--${iv}`, key), { ok: false, kind: 'format', reason: /found 2 parts/ }, 'no tag (aes-256-cbc style)')
  t.match(openRailsMessage(`${data}--${iv}--${tag}--x`, key), { ok: false, kind: 'format', reason: /found 4 parts/ })
  t.match(openRailsMessage(`${data}--${iv}--${tag.slice(0, -4)}`, key), { ok: false, kind: 'format', reason: /tag has 15 bytes, not 16/ })
  t.match(openRailsMessage(`${data}--${Buffer.alloc(16).toString('base64')}--${tag}`, key), { ok: false, kind: 'format', reason: /IV has 16 bytes/ })
  t.match(openRailsMessage(`${data}--${iv}--${tag.replace(/=*$/, '')}`, key), { ok: false, kind: 'format', reason: /not base64/ }, 'unpadded')
  t.match(openRailsMessage('', key), { ok: false, kind: 'format' })
  t.same(openRailsMessage(`${sealed}\n`, key), { ok: true, text: 'a: 1\n', serializer: 'marshal' }, 'a trailing newline is fine')
})

t.test("keys: 32 hex characters as Rails writes them; surrounding blanks ignored; generated ones too", async (t) => {
  t.same(parseRailsKey(` ${fixture.key}\n`), { ok: true, key })
  t.match(parseRailsKey('abc'), { ok: false, reason: /3 characters where Rails' aes-128-gcm key has 32/ })
  t.match(parseRailsKey('z'.repeat(32)), { ok: false, reason: /other than hexadecimal/ })
  t.match(parseRailsKey(fixture.key + fixture.key), { ok: false, reason: /64 characters/ })
  t.match(generateRailsKey(), /^[0-9a-f]{32}$/)
})
