import t, { type Test } from 'tap'
import { buildEnvelope, envelopeFrom, parseEnvelope, type JobEnvelope } from '../../src/jobs/index.js'

const ISO9 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

// ActiveJob's serialize keys, in Rails' order (activejob/lib/active_job/core.rb, Rails 7.1+ and 8).
const RAILS_KEYS = [
  'job_class',
  'job_id',
  'provider_job_id',
  'queue_name',
  'priority',
  'arguments',
  'executions',
  'exception_executions',
  'locale',
  'timezone',
  'enqueued_at',
  'scheduled_at',
]

function malformed(t: Test, body: string | Buffer, re: RegExp, name: string): void {
  const err = t.throws(() => parseEnvelope(body), name) as Error & { code: string }
  t.equal(err?.code, 'FASTIFY_AWS_MALFORMED_MESSAGE', name)
  t.match(err?.message, re, name)
}

t.test('buildEnvelope: every field, Rails keys and formats', async (t) => {
  const now = new Date('2026-11-28T17:00:45.123Z')
  const at = new Date('2026-11-28T17:10:00Z')
  const e = buildEnvelope({ jobClass: 'ReportJob', queueName: 'reports', args: ['x', at], priority: 5, scheduledAt: at, now })
  t.same(Object.keys(e), RAILS_KEYS, 'exactly the ActiveJob keys, in order')
  t.equal(e.job_class, 'ReportJob')
  t.match(e.job_id, UUID)
  t.equal(e.provider_job_id, null)
  t.equal(e.queue_name, 'reports')
  t.equal(e.priority, 5)
  t.same(e.arguments, ['x', { _aj_serialized: 'ActiveJob::Serializers::TimeSerializer', value: '2026-11-28T17:10:00.000000000Z' }])
  t.equal(e.executions, 0)
  t.same(e.exception_executions, {})
  t.equal(e.locale, 'en')
  t.equal(e.timezone, 'UTC', 'a zone name Rails can Time.use_zone')
  t.equal(e.enqueued_at, '2026-11-28T17:00:45.123000000Z', 'UTC, nine fractional digits')
  t.equal(e.scheduled_at, '2026-11-28T17:10:00.000000000Z')

  const d = buildEnvelope({ jobClass: 'A', queueName: 'q', args: [] })
  t.equal(d.priority, null)
  t.equal(d.scheduled_at, null)
  t.match(d.enqueued_at, ISO9)
  t.not(d.job_id, buildEnvelope({ jobClass: 'A', queueName: 'q', args: [] }).job_id, 'a fresh id each time')

  const own = buildEnvelope({ jobClass: 'A', queueName: 'q', args: [], jobId: 'id-1', locale: 'de', timezone: 'Europe/Berlin', priority: null })
  t.match(own, { job_id: 'id-1', locale: 'de', timezone: 'Europe/Berlin', priority: null })
  t.throws(() => buildEnvelope({ jobClass: 'A', queueName: 'q', args: [() => 1] }), { code: 'FASTIFY_AWS_UNSUPPORTED_ARGUMENT' })
})

t.test('parse: our envelope round-trips through JSON, text or Buffer', async (t) => {
  const e = buildEnvelope({ jobClass: 'ReportJob', queueName: 'reports', args: [{ a: [1] }], priority: 1, scheduledAt: new Date() })
  const json = JSON.stringify(e)
  t.same(parseEnvelope(json), e)
  t.same(parseEnvelope(Buffer.from(json)), e)
  t.same(envelopeFrom(JSON.parse(json)), e)
})

t.test('parse: a Rails 6.1 envelope (no scheduled_at, seconds-only enqueued_at, null timezone)', async (t) => {
  const body =
    '{"job_class":"ReportJob","job_id":"5eca64c6-16c9-4f20-80a2-c9babb8cdcb3","provider_job_id":null,"queue_name":"reports","priority":null,"arguments":["monthly"],"executions":0,"exception_executions":{},"locale":"en","timezone":null,"enqueued_at":"2026-11-28T17:00:45Z"}'
  t.same(parseEnvelope(body), {
    job_class: 'ReportJob',
    job_id: '5eca64c6-16c9-4f20-80a2-c9babb8cdcb3',
    provider_job_id: null,
    queue_name: 'reports',
    priority: null,
    arguments: ['monthly'],
    executions: 0,
    exception_executions: {},
    locale: 'en',
    timezone: null,
    enqueued_at: '2026-11-28T17:00:45Z',
    scheduled_at: null,
  } satisfies JobEnvelope)
})

t.test('parse: a Rails 7.1+ retry envelope keeps its counters', async (t) => {
  const e = parseEnvelope(
    JSON.stringify({
      job_class: 'ReportJob',
      job_id: 'j',
      provider_job_id: 'm-1',
      queue_name: 'q',
      priority: 10,
      arguments: [],
      executions: 2,
      exception_executions: { '[Net::ReadTimeout]': 2 },
      locale: 'fr',
      timezone: 'Europe/Paris',
      enqueued_at: '2026-11-28T17:00:45.123456789Z',
      scheduled_at: '2026-11-28T17:05:45.123456789Z',
    }),
  )
  t.match(e, { executions: 2, exception_executions: { '[Net::ReadTimeout]': 2 }, provider_job_id: 'm-1', priority: 10 })
  t.equal(e.scheduled_at, '2026-11-28T17:05:45.123456789Z')
})

t.test('parse: absent optional fields get ActiveJob defaults', async (t) => {
  const e = parseEnvelope('{"job_class":"A"}')
  t.match(e, {
    job_class: 'A',
    provider_job_id: null,
    queue_name: 'default',
    priority: null,
    arguments: [],
    executions: 0,
    exception_executions: {},
    locale: 'en',
    timezone: null,
    scheduled_at: null,
  })
  t.match(e.job_id, UUID, 'a job id is made up')
  t.match(e.enqueued_at, ISO9, 'enqueued_at defaults to now, in the Rails format')
  t.match(parseEnvelope('{"job_class":"A","queue_name":null,"locale":null,"executions":null}'), { queue_name: 'default', locale: 'en', executions: 0 })
})

t.test('parse: malformed input, each with a precise message', async (t) => {
  malformed(t, '', /the body is empty/, 'empty')
  malformed(t, '   \n', /the body is empty/, 'whitespace')
  malformed(t, Buffer.alloc(0), /the body is empty/, 'empty Buffer')
  malformed(t, '{not json', /the body is not JSON \(/, 'not JSON')
  malformed(t, '[]', /must be a JSON object with a "job_class"/, 'array')
  malformed(t, '"ReportJob"', /must be a JSON object/, 'string')
  malformed(t, 'null', /must be a JSON object/, 'null')
  malformed(t, '42', /must be a JSON object/, 'number')
  malformed(t, '{}', /"job_class" is missing or not a string/, 'no job_class')
  malformed(t, '{"job_class":""}', /"job_class" is missing/, 'empty job_class')
  malformed(t, '{"job_class":"  "}', /"job_class" is missing/, 'blank job_class')
  malformed(t, '{"job_class":["A"]}', /"job_class" is missing or not a string/, 'array job_class')
  malformed(t, '{"job_class":"A","job_id":5}', /"job_id" must be a string, got number/, 'job_id')
  malformed(t, '{"job_class":"A","provider_job_id":true}', /"provider_job_id" must be a string, got boolean/, 'provider_job_id')
  malformed(t, '{"job_class":"A","queue_name":{}}', /"queue_name" must be a string, got object/, 'queue_name')
  malformed(t, '{"job_class":"A","locale":1}', /"locale" must be a string/, 'locale')
  malformed(t, '{"job_class":"A","timezone":1}', /"timezone" must be a string/, 'timezone')
  malformed(t, '{"job_class":"A","enqueued_at":1}', /"enqueued_at" must be a string/, 'enqueued_at')
  malformed(t, '{"job_class":"A","priority":"high"}', /"priority" must be a number/, 'priority')
  malformed(t, '{"job_class":"A","executions":"1"}', /"executions" must be a number/, 'executions string')
  malformed(t, '{"job_class":"A","executions":-1}', /"executions" must be a whole number >= 0, got -1/, 'negative executions')
  malformed(t, '{"job_class":"A","executions":1.5}', /"executions" must be a whole number >= 0, got 1.5/, 'fractional executions')
  malformed(t, '{"job_class":"A","arguments":{"0":1}}', /"arguments" must be an array/, 'arguments object')
  malformed(t, '{"job_class":"A","arguments":"x"}', /"arguments" must be an array/, 'arguments string')
  malformed(t, '{"job_class":"A","exception_executions":[]}', /"exception_executions" must be an object/, 'exception_executions array')
  malformed(t, '{"job_class":"A","exception_executions":{"[E]":"x"}}', /"exception_executions" entry "\[E\]" must be a whole number/, 'exception_executions entry')
  malformed(t, '{"job_class":"A","scheduled_at":"soon"}', /"scheduled_at" is not an ISO-8601 time: "soon"/, 'scheduled_at')
  malformed(t, '{"job_class":"A","scheduled_at":5}', /"scheduled_at" must be a string/, 'scheduled_at number')
  malformed(t, '{"job_class":"A","scheduled_at":"June 1, 2025"}', /"scheduled_at" is not an ISO-8601 time/, 'scheduled_at not ISO')
  malformed(t, '{"job_class":"A","scheduled_at":"2025-06-01 14:00"}', /"scheduled_at" is not an ISO-8601 time/, 'scheduled_at without zone')
  malformed(t, '{"job_class":"A","enqueued_at":"yesterday"}', /"enqueued_at" is not an ISO-8601 time: "yesterday"/, 'enqueued_at not ISO')
  malformed(t, '{"job_class":"A","enqueued_at":"2025-13-01T00:00:00Z"}', /"enqueued_at" is not an ISO-8601 time/, 'month 13')
})

t.test('parse: a __proto__ key anywhere is refused; a "__proto__" string is data', async (t) => {
  malformed(t, '{"job_class":"A","__proto__":{"x":1}}', /contains a "__proto__" key/, 'top level')
  malformed(t, '{"job_class":"A","arguments":[{"a":{"__proto__":{"polluted":true}}}]}', /"__proto__" key/, 'nested')
  malformed(t, '{"job_class":"A","arguments":[{"\\u005f_proto__":{"polluted":true}}]}', /"__proto__" key/, 'escaped spelling')
  t.same(parseEnvelope('{"job_class":"A","arguments":["__proto__"]}').arguments, ['__proto__'])
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched')
})

t.test('envelopeFrom: already-parsed objects are checked the same way', async (t) => {
  t.throws(() => envelopeFrom(null), { code: 'FASTIFY_AWS_MALFORMED_MESSAGE' })
  t.throws(() => envelopeFrom([]), { code: 'FASTIFY_AWS_MALFORMED_MESSAGE' })
  t.throws(() => envelopeFrom({ job_class: 1 }), { code: 'FASTIFY_AWS_MALFORMED_MESSAGE' })
  t.match(envelopeFrom({ job_class: 'A', arguments: [1] }), { job_class: 'A', arguments: [1] })
})
