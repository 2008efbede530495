// aws-record's marshalers, value by value (reference §1.1, checklist 4.3 points 2–4): what each attribute type
// writes and what it makes of assigned and stored values. Pure functions: no DynamoDB needed.
import t from 'tap'
import { deepCopy, marshalerFor, rubyToF, rubyToI, sameValue, type AttributeKind } from '../../src/record/marshal.js'

const cast = (kind: AttributeKind, raw: unknown): unknown => marshalerFor(kind).cast(raw)
const write = (kind: AttributeKind, raw: unknown): unknown => {
  const m = marshalerFor(kind)
  const v = m.cast(raw)
  return v === undefined ? undefined : m.serialize(v)
}

t.test('datetime: UTC, seconds truncated, "+00:00"; zone-less text is UTC; an integer is epoch seconds', async (t) => {
  t.equal(write('datetime', new Date('2024-05-06T07:08:09.250Z')), '2024-05-06T07:08:09+00:00', 'the Forum example: fraction truncated')
  t.equal(write('datetime', new Date('2024-05-06T07:08:09.999Z')), '2024-05-06T07:08:09+00:00', 'truncated, never rounded')
  t.equal(write('datetime', '2024-01-02T03:04:05+02:00'), '2024-01-02T01:04:05+00:00', 'an offset is converted to UTC')
  t.equal(write('datetime', '2024-01-02T03:04:05'), '2024-01-02T03:04:05+00:00', 'zone-less text is taken as UTC')
  t.equal(write('datetime', '2024-01-02 03:04:05'), '2024-01-02T03:04:05+00:00', 'a space works as the separator')
  t.equal(write('datetime', 0), '1970-01-01T00:00:00+00:00', 'an integer is epoch seconds')
  t.equal(write('datetime', '2024-01-02'), '2024-01-02T00:00:00+00:00', 'a bare date is UTC midnight')
  t.notMatch(String(write('datetime', new Date())), /\.\d+|Z$/, 'never toISOString(): no fraction, no Z')
  t.throws(() => cast('datetime', 'next tuesday'), { message: /"next tuesday" is not a date\/time/ })
  t.equal(cast('datetime', ''), undefined, '"" is no value')
})

t.test('time: UTC, seconds truncated, "Z"; zone-less text is the process\'s local time', async (t) => {
  t.equal(write('time', '2024-01-02T03:04:05+02:00'), '2024-01-02T01:04:05Z')
  t.equal(write('time', new Date('2024-01-02T03:04:05.678Z')), '2024-01-02T03:04:05Z')
  const zone = process.env.TZ
  process.env.TZ = 'Europe/Berlin' // Node applies a TZ change at once
  t.teardown(() => {
    if (zone === undefined) delete process.env.TZ
    else process.env.TZ = zone
  })
  t.equal(write('time', '2024-01-02T03:04:05'), '2024-01-02T02:04:05Z', 'local time in Berlin (UTC+1 in January)')
  t.equal(write('datetime', '2024-01-02T03:04:05'), '2024-01-02T03:04:05+00:00', 'while datetime still reads it as UTC')
})

t.test('date: YYYY-MM-DD, the date as written whatever zone follows it', async (t) => {
  t.equal(write('date', '2024-01-02'), '2024-01-02')
  t.equal(write('date', '2024-01-02T23:30:00-05:00'), '2024-01-02', 'no zone shift for text')
  t.equal(write('date', new Date('2024-01-02T23:30:00Z')), '2024-01-02', 'a Date is taken in UTC')
  t.same(cast('date', '2024-01-02'), new Date('2024-01-02T00:00:00Z'), 'held as UTC midnight')
})

t.test('epochTime: whole seconds as N, floored (Ruby Time#to_i)', async (t) => {
  t.equal(write('epochTime', new Date(1_700_000_000_999)), 1_700_000_000)
  t.equal(write('epochTime', new Date(-1500)), -2, 'floored, also before 1970')
  t.equal(write('epochTime', 1_700_000_000), 1_700_000_000, 'an integer is epoch seconds')
  t.same(cast('epochTime', 1_700_000_000), new Date(1_700_000_000_000), 'read back as a Date')
})

t.test('boolean: Ruby\'s rules: false, "false", "0" and 0 are false; "" and nil are nothing; anything else is true', async (t) => {
  for (const f of [false, 'false', '0', 0]) t.equal(cast('boolean', f), false, `${JSON.stringify(f)} → false`)
  for (const v of [true, 'true', 'no', 'off', 1, 'x', {}]) t.equal(cast('boolean', v), true, `${JSON.stringify(v)} → true`)
  for (const n of ['', null, undefined]) t.equal(cast('boolean', n), undefined, `${JSON.stringify(n)} → nothing`)
})

t.test('integer and float: Ruby\'s to_i and to_f', async (t) => {
  t.equal(cast('integer', '12abc'), 12)
  t.equal(cast('integer', 'abc'), 0)
  t.equal(cast('integer', 1.9), 1)
  t.equal(cast('integer', -1.9), -1, 'towards zero')
  t.equal(cast('integer', ' -7 apples'), -7)
  t.equal(cast('integer', '1_000'), 1000, 'underscores as in Ruby literals')
  t.equal(cast('integer', 12n), 12, 'a bigint from a stored N')
  t.equal(cast('integer', { value: '42' }), 42, "a NumberValue from a DocumentClient with wrapNumbers")
  t.equal(cast('float', '1.5x'), 1.5)
  t.equal(cast('float', '.5'), 0.5)
  t.equal(cast('float', '2e3'), 2000)
  t.equal(cast('float', 'abc'), 0)
  t.equal(cast('integer', ''), undefined)
  t.equal(rubyToI(true), 1)
  t.equal(rubyToF('-3.25e-1'), -0.325)
  t.throws(() => cast('float', Number.NaN), { message: /NaN is not a number DynamoDB can store/ })
  t.throws(() => cast('integer', Infinity), { message: /Infinity is not a number DynamoDB can store/ })
})

t.test('string: "" is written as NULL; other values go through to_s', async (t) => {
  t.equal(write('string', ''), null, 'NULL, as aws-record (StringMarshaler returns nil)')
  t.equal(write('string', 'x'), 'x')
  t.equal(cast('string', 12), '12')
  t.equal(cast('string', null), undefined)
})

t.test('sets: an empty set is written as NULL; NULL is unset; arrays become sets', async (t) => {
  t.equal(write('stringSet', new Set()), null)
  t.equal(write('stringSet', []), null)
  t.equal(cast('stringSet', null), undefined, 'NULL is unset (the item shows it as an empty Set, see wire.test.ts)')
  t.equal(cast('stringSet', undefined), undefined)
  t.same(cast('stringSet', ['a', 'b', 'a']), new Set(['a', 'b']))
  t.same(cast('stringSet', [1, 2]), new Set(['1', '2']), 'elements through to_s')
  t.same(write('numericSet', [1, '2.5', 3n]), new Set([1, 2.5, 3]), 'numeric sets work (aws-record 2.15 cannot declare one)')
  t.equal(write('numericSet', new Set()), null)
  t.throws(() => cast('stringSet', 'a'), { message: /string is not a Set or an array/ })
})

t.test('list and map: passed through (a Set becomes a list, a Map a plain object; text is neither)', async (t) => {
  t.same(cast('list', [1, 'a', { b: [] }]), [1, 'a', { b: [] }])
  t.same(cast('list', new Set(['x'])), ['x'])
  t.throws(() => cast('list', 'x'), { message: /a string is not a list/ })
  t.same(cast('map', new Map([['a', 1]])), { a: 1 })
  t.throws(() => cast('map', [1]), { message: /an array is not a map/ })
})

t.test('deepCopy and sameValue: what defaults and dirty tracking compare', async (t) => {
  const value = { tags: new Set(['a']), when: new Date(5), list: [{ n: 1 }], map: new Map([['k', [1]]]) }
  const copy = deepCopy(value)
  t.not(copy.tags, value.tags)
  t.not(copy.list[0], value.list[0])
  t.not(copy.when, value.when)
  t.ok(sameValue(copy, value), 'equal by value')
  copy.tags.add('b')
  t.notOk(sameValue(copy, value), 'a set member added is a change')
  t.ok(sameValue(new Date(1), new Date(1)))
  t.notOk(sameValue(new Date(1), new Date(2)))
  t.ok(sameValue(Number.NaN, Number.NaN))
  t.notOk(sameValue([1, 2], [2, 1]), 'lists keep their order')
  t.ok(sameValue(new Set([1, 2]), new Set([2, 1])), 'sets do not')
})
