import t, { type Test } from 'tap'
import { deserializeArguments, isoNanos, parseEnvelope, serializeArguments } from '../../src/jobs/index.js'

// The envelopes of activejob-envelopes.md, exactly as Rails' ActiveJob wrote them.
const RAILS = {
  symbolKeys:
    '{"job_class":"ReportJob","job_id":"5eca64c6-16c9-4f20-80a2-c9babb8cdcb3","provider_job_id":null,"queue_name":"reports","priority":null,"arguments":["monthly",{"region":"eu","limit":10,"_aj_symbol_keys":["limit"]}],"executions":0,"exception_executions":{},"locale":"en","timezone":null,"enqueued_at":"2026-11-28T17:00:45Z"}',
  timeDateSymbol:
    '{"job_class":"ReportJob","job_id":"492c4372-30f1-4ced-b4d8-61df8148728f","provider_job_id":null,"queue_name":"reports","priority":null,"arguments":[{"_aj_serialized":"ActiveJob::Serializers::TimeSerializer","value":"2025-06-01T12:00:00.000000000Z"},{"_aj_serialized":"ActiveJob::Serializers::DateSerializer","value":"2025-06-30"},{"_aj_serialized":"ActiveJob::Serializers::SymbolSerializer","value":"csv"}],"executions":0,"exception_executions":{},"locale":"en","timezone":null,"enqueued_at":"2026-11-28T17:00:45Z"}',
  kwargs:
    '{"job_class":"ReportJob","job_id":"ce5441d5-bcd3-47be-a77a-71addab3ece6","provider_job_id":null,"queue_name":"reports","priority":null,"arguments":["weekly",{"format":"pdf","pages":[1,2],"_aj_ruby2_keywords":["format","pages"]}],"executions":0,"exception_executions":{},"locale":"en","timezone":null,"enqueued_at":"2026-11-28T17:00:45Z"}',
  indifferent:
    '{"job_class":"ReportJob","job_id":"0190fdde-88f6-42a7-92c3-64bf04170e0e","provider_job_id":null,"queue_name":"reports","priority":null,"arguments":[{"a":1,"_aj_hash_with_indifferent_access":true}],"executions":0,"exception_executions":{},"locale":"en","timezone":null,"enqueued_at":"2026-11-28T17:00:45Z"}',
}

const fromRails = (body: string) => deserializeArguments(parseEnvelope(body).arguments)

function unsupported(t: Test, fn: () => unknown, re: RegExp | string, name = 'rejected'): void {
  const err = t.throws(fn, name) as Error & { code: string }
  t.equal(err?.code, 'FASTIFY_AWS_UNSUPPORTED_ARGUMENT', name)
  t.match(err?.message, re, name)
}

t.test('Rails envelopes decode as specified', async (t) => {
  t.same(fromRails(RAILS.symbolKeys), ['monthly', { region: 'eu', limit: 10 }], '_aj_symbol_keys stripped')
  t.same(fromRails(RAILS.kwargs), ['weekly', { format: 'pdf', pages: [1, 2] }], '_aj_ruby2_keywords stripped')
  t.same(fromRails(RAILS.indifferent), [{ a: 1 }], '_aj_hash_with_indifferent_access stripped')

  const [time, date, symbol] = fromRails(RAILS.timeDateSymbol)
  t.type(time, Date, 'Time → Date')
  t.equal((time as Date).toISOString(), '2025-06-01T12:00:00.000Z')
  t.equal(date, '2025-06-30', 'Date → YYYY-MM-DD')
  t.equal(symbol, 'csv', 'Symbol → string')
})

t.test('TimeWithZone and DateTime become Date; nested markers are stripped at every depth', async (t) => {
  const args = deserializeArguments([
    { _aj_serialized: 'ActiveJob::Serializers::TimeWithZoneSerializer', value: '2025-06-01T14:00:00.123456789+02:00', time_zone: 'Europe/Berlin' },
    { _aj_serialized: 'ActiveJob::Serializers::DateTimeSerializer', value: '2025-06-01T12:00:00.000000000+00:00' },
    [{ outer: { inner: 1, _aj_symbol_keys: ['inner'] }, _aj_symbol_keys: ['outer'] }],
    { at: { _aj_serialized: 'ActiveJob::Serializers::TimeSerializer', value: '2025-01-02T03:04:05.000000000Z' } },
  ])
  t.equal((args[0] as Date).toISOString(), '2025-06-01T12:00:00.123Z', 'offset applied')
  t.equal((args[1] as Date).toISOString(), '2025-06-01T12:00:00.000Z')
  t.same(args[2], [{ outer: { inner: 1 } }])
  t.type((args[3] as { at: unknown }).at, Date)
  t.same(deserializeArguments([1, 'a', true, null, 2.5]), [1, 'a', true, null, 2.5], 'scalars as they are')
})

t.test('containers that need no change are passed on, not copied; a changed one is a copy in key order', async (t) => {
  const plain = { region: 'eu', tags: ['a', 'b'], nested: { n: 1 } }
  const list = [1, [2, 3], { k: 'v' }]
  const input = ['x', plain, list]
  const out = deserializeArguments(input)
  t.equal(out, input, 'the same array when nothing changes')
  t.equal(out[1], plain)
  t.equal(out[2], list)

  const marked = { first: 1, at: { _aj_serialized: 'ActiveJob::Serializers::SymbolSerializer', value: 'csv' }, kept: [1], last: 'z', _aj_symbol_keys: ['first'] }
  const markedInput = [marked, plain]
  const changed = deserializeArguments(markedInput)
  t.not(changed, markedInput, 'a new array when an argument changes')
  t.equal(changed[1], plain, 'its unchanged neighbours are still shared')
  t.same(Object.keys(changed[0] as object), ['first', 'at', 'kept', 'last'], 'keys keep their order, the marker is gone')
  t.same(changed[0], { first: 1, at: 'csv', kept: [1], last: 'z' })
  t.equal((changed[0] as { kept: unknown }).kept, marked.kept, 'an unchanged nested array is shared')
  t.same(marked._aj_symbol_keys, ['first'], 'the input is left as it was')
  t.equal(marked.at._aj_serialized, 'ActiveJob::Serializers::SymbolSerializer')

  const withProto = JSON.parse('{"_aj_symbol_keys":[],"__proto__":{"polluted":true}}') as object
  const [copied] = deserializeArguments([withProto]) as [Record<string, unknown>]
  t.ok(Object.hasOwn(copied, '__proto__'), 'a __proto__ key stays an own key in a copy')
  t.equal(Object.getPrototypeOf(copied), Object.prototype, 'and does not become the prototype')
})

t.test('a failure deep down names its whole path; very deep nesting is refused with a shortened path', async (t) => {
  unsupported(t, () => deserializeArguments(['a', { list: [0, { deeper: [{ _aj_globalid: 'gid://x' }] }] }]), /: arguments\[1\]\.list\[1\]\.deeper\[0\]: a GlobalID/)
  let deep: unknown = []
  for (let i = 0; i < 600; i++) deep = [deep]
  unsupported(t, () => deserializeArguments([deep]), /: arguments(\[0\])+\[0?…: nested more than 512 levels deep$/)
})

t.test('any other _aj_ form is an unsupported argument, with its path', async (t) => {
  unsupported(t, () => deserializeArguments(['x', { _aj_globalid: 'gid://app/User/1' }]), /arguments\[1\]: a GlobalID \(gid:\/\/app\/User\/1\)/)
  unsupported(
    t,
    () => deserializeArguments([{ _aj_serialized: 'ActiveJob::Serializers::BigDecimalSerializer', value: '1.5' }]),
    /arguments\[0\]: the ActiveJob serializer "ActiveJob::Serializers::BigDecimalSerializer" is not supported/,
  )
  unsupported(t, () => deserializeArguments([{ _aj_serialized: 'ActiveJob::Serializers::DurationSerializer', value: 60, parts: [] }]), /DurationSerializer/)
  unsupported(t, () => deserializeArguments([{ _aj_serialized: 'MoneySerializer', value: 1 }]), /"MoneySerializer" is not supported/)
  unsupported(t, () => deserializeArguments([{ a: { _aj_something_new: 1 } }]), /arguments\[0\]\.a\._aj_something_new: the ActiveJob form "_aj_something_new" is not supported/)
  unsupported(t, () => deserializeArguments([[0, [{ _aj_globalid: 'x' }]]]), /arguments\[0\]\[1\]\[0\]/)
  unsupported(
    t,
    () => deserializeArguments([{ _aj_serialized: 'ActiveJob::Serializers::TimeSerializer', value: 'yesterday' }]),
    /arguments\[0\]: ActiveJob::Serializers::TimeSerializer value "yesterday" is not an ISO-8601 time/,
  )
  unsupported(t, () => deserializeArguments([{ _aj_serialized: 'ActiveJob::Serializers::TimeSerializer' }]), /value undefined is not an ISO-8601 time/)
  unsupported(
    t,
    () => deserializeArguments([{ _aj_serialized: 'ActiveJob::Serializers::TimeSerializer', value: 'June 1, 2025' }]),
    /"June 1, 2025" is not an ISO-8601 time/,
    'a date Date.parse reads but Time.iso8601 does not',
  )
  unsupported(t, () => deserializeArguments([{ _aj_serialized: 'ActiveJob::Serializers::TimeSerializer', value: '2025-06-01T12:00:00' }]), /is not an ISO-8601 time/, 'no zone')
  t.equal(
    (deserializeArguments([{ _aj_serialized: 'ActiveJob::Serializers::TimeSerializer', value: '2025-06-01T14:00:00+0200' }])[0] as Date).toISOString(),
    '2025-06-01T12:00:00.000Z',
    'a zone without colon',
  )
  unsupported(t, () => deserializeArguments([{ _aj_serialized: 'ActiveJob::Serializers::DateSerializer', value: '2025-6-1' }]), /is not YYYY-MM-DD/)
  unsupported(t, () => deserializeArguments([{ _aj_serialized: 'ActiveJob::Serializers::SymbolSerializer', value: 5 }]), /value 5 is not a string/)
})

t.test('our arguments: Date → TimeSerializer with 9 fractional digits, plain data unchanged', async (t) => {
  const d = new Date('2025-06-01T12:00:00.123Z')
  const out = serializeArguments(['s', 1, 2.5, true, false, null, d, [d], { at: d, n: { x: [1, 'y'] } }, -0, '', [], {}])
  t.same(out, [
    's',
    1,
    2.5,
    true,
    false,
    null,
    { _aj_serialized: 'ActiveJob::Serializers::TimeSerializer', value: '2025-06-01T12:00:00.123000000Z' },
    [{ _aj_serialized: 'ActiveJob::Serializers::TimeSerializer', value: '2025-06-01T12:00:00.123000000Z' }],
    { at: { _aj_serialized: 'ActiveJob::Serializers::TimeSerializer', value: '2025-06-01T12:00:00.123000000Z' }, n: { x: [1, 'y'] } },
    -0,
    '',
    [],
    {},
  ])
  t.equal(isoNanos(new Date('2026-01-01T00:00:00Z')), '2026-01-01T00:00:00.000000000Z')
  t.match(isoNanos(new Date()), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/)
  t.same(serializeArguments([{ a: 1, skipped: undefined }]), [{ a: 1 }], 'undefined object properties are left out, as JSON does')
  t.same(serializeArguments([Object.assign(Object.create(null), { a: 1 })]), [{ a: 1 }], 'null-prototype objects are plain data')
  t.same(serializeArguments([]), [])
})

t.test('round trip: ours → JSON → ours', async (t) => {
  const d = new Date('2030-12-31T23:59:59.999Z')
  const args = ['x', { when: d, list: [d, 1, null], deep: { a: { b: 'c' } } }, 42]
  const back = deserializeArguments(JSON.parse(JSON.stringify(serializeArguments(args))) as unknown[])
  t.same(back, args)
  t.equal(((back[1] as { when: Date }).when).getTime(), d.getTime())
})

t.test('what JSON cannot carry is rejected with the argument path', async (t) => {
  class Money {
    amount = 1
  }
  const cyclic: Record<string, unknown> = { a: 1 }
  cyclic.self = cyclic
  const cyclicArray: unknown[] = [1]
  cyclicArray.push({ back: cyclicArray })
  const cases: [unknown[], RegExp, string][] = [
    [[() => 1], /arguments\[0\]: a function cannot be sent/, 'function'],
    [[{ cb: function named() {} }], /arguments\[0\]\.cb: a function/, 'nested function'],
    [[1, new Money()], /arguments\[1\]: an instance of Money cannot be sent/, 'class instance'],
    [[new Map([['a', 1]])], /arguments\[0\]: an instance of Map/, 'Map'],
    [[new Set([1])], /arguments\[0\]: an instance of Set/, 'Set'],
    [[{ at: new URL('http://x') }], /arguments\[0\]\.at: an instance of URL/, 'URL'],
    [[10n], /arguments\[0\]: a BigInt cannot be sent as JSON/, 'BigInt'],
    [[{ n: [1, 2n] }], /arguments\[0\]\.n\[1\]: a BigInt/, 'nested BigInt'],
    [[Number.NaN], /arguments\[0\]: NaN is not a finite number/, 'NaN'],
    [[{ x: Number.POSITIVE_INFINITY }], /arguments\[0\]\.x: Infinity is not a finite number/, 'Infinity'],
    [[undefined], /arguments\[0\]: undefined cannot be sent/, 'undefined argument'],
    [[[1, undefined]], /arguments\[0\]\[1\]: undefined cannot be sent/, 'undefined in an array'],
    // eslint-disable-next-line no-sparse-arrays
    [[[1, , 3]], /arguments\[0\]\[1\]: undefined cannot be sent/, 'a hole in a sparse array (JSON would send null)'],
    [[Symbol('s')], /arguments\[0\]: a Symbol cannot be sent/, 'Symbol'],
    [[cyclic], /arguments\[0\]\.self: a circular reference/, 'cycle in an object'],
    [[cyclicArray], /arguments\[0\]\[1\]\.back: a circular reference/, 'cycle through an array'],
    [[{ _aj_globalid: 'x' }], /arguments\[0\]\._aj_globalid: keys starting with "_aj_" are reserved/, '_aj_ key'],
    [[{ ok: { _aj_serialized: 'x' } }], /arguments\[0\]\.ok\._aj_serialized: keys starting with "_aj_"/, 'nested _aj_ key'],
    [[new Date('not a date')], /arguments\[0\]: an invalid Date cannot be sent/, 'invalid Date'],
    [[new String('boxed')], /arguments\[0\]: an instance of String/, 'boxed string'],
    [[Buffer.from('x')], /arguments\[0\]: an instance of Buffer/, 'Buffer'],
  ]
  for (const [args, re, name] of cases) unsupported(t, () => serializeArguments(args), re, name)
})

t.test('the same object twice (not a cycle) is fine', async (t) => {
  const shared = { a: 1 }
  t.same(serializeArguments([shared, [shared, shared]]), [{ a: 1 }, [{ a: 1 }, { a: 1 }]])
})
