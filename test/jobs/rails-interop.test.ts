// Both directions with Rails' own ActiveJob (Debian's ruby-activejob, installed by .ci/run): envelopes we enqueue are
// performed by ActiveJob::Base.execute with the right Ruby types, and envelopes Rails makes (job.serialize) run
// through the worker tier, the poller and the Lambda handler with the right JavaScript values.
import t, { type Test } from 'tap'
import { execFileSync, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs'
import { Job, JobRegistry, jobRequest, type JobArgument } from '../../src/jobs/index.js'
import { createLambdaHandler } from '../../src/lambda/index.js'
import { lambdaRecord } from '../helpers/lambda-event.js'
import { pollerFor, queueFor, until } from '../poller/poller-fixture.js'
import { startSqsFixture } from '../queue/sqs-fixture.js'
import { startWorker } from '../worker/helpers.js'

const rails = (name: string): string => fileURLToPath(new URL(`../fixtures/rails/${name}`, import.meta.url))
const probe = spawnSync('ruby', ['-e', 'require "active_job"; print ActiveJob.version'], { encoding: 'utf8' })
if (probe.status !== 0) {
  const why = probe.error ? String(probe.error.message) : probe.stderr.trim().split('\n')[0]
  console.error(`\n*** SKIPPING the Rails interop tests: Ruby with ActiveJob is not available (${why}).`)
  console.error('*** Install it with: apt-get install -y ruby ruby-activejob (.ci/run does this on a fresh machine).\n')
  t.plan(0, 'Rails interop: ruby-activejob is not installed')
  process.exit(0)
}
t.comment(`ActiveJob ${probe.stdout}`)

const sqs = await startSqsFixture()
t.teardown(() => sqs.close())

/** Every argument kind we send, and what Rails' perform must receive (class and value, as perform.rb describes them). */
const sent: Array<{ name: string; args: JobArgument[]; ruby: unknown }> = [
  {
    name: 'scalars',
    args: ['monthly', 42, -7, 3.5, true, false, null, 'ünïcødé ✓', ''],
    ruby: [
      { class: 'String', value: 'monthly' },
      { class: 'Integer', value: 42 },
      { class: 'Integer', value: -7 },
      { class: 'Float', value: 3.5 },
      { class: 'TrueClass', value: true },
      { class: 'FalseClass', value: false },
      { class: 'NilClass', value: null },
      { class: 'String', value: 'ünïcødé ✓' },
      { class: 'String', value: '' },
    ],
  },
  {
    name: 'containers',
    args: [[1, 'two', [3]], { region: 'eu', limit: 10, nested: { list: [null, { deep: true }] } }, [], {}],
    ruby: [
      { class: 'Array', value: [{ class: 'Integer', value: 1 }, { class: 'String', value: 'two' }, { class: 'Array', value: [{ class: 'Integer', value: 3 }] }] },
      {
        class: 'Hash',
        value: {
          region: { class: 'String', value: 'eu' },
          limit: { class: 'Integer', value: 10 },
          nested: { class: 'Hash', value: { list: { class: 'Array', value: [{ class: 'NilClass', value: null }, { class: 'Hash', value: { deep: { class: 'TrueClass', value: true } } }] } } },
        },
      },
      { class: 'Array', value: [] },
      { class: 'Hash', value: {} },
    ],
  },
  {
    name: 'dates',
    args: [new Date('2025-06-01T12:00:00.123Z'), { at: new Date('2024-02-29T23:59:59Z') }],
    ruby: [
      { class: 'Time', value: '2025-06-01T12:00:00.123000Z' },
      { class: 'Hash', value: { at: { class: 'Time', value: '2024-02-29T23:59:59.000000Z' } } },
    ],
  },
]

t.test('envelopes we enqueue are performed by ActiveJob::Base.execute with the right Ruby types', async (t) => {
  class NodeArgsJob extends Job {
    static override readonly jobName = 'NodeArgsJob'
    async perform(..._args: JobArgument[]): Promise<void> {}
  }
  const url = await sqs.createQueue('to-rails')
  const queue = queueFor(t, sqs, { default: url })
  const ids: string[] = []
  for (const c of sent) ids.push((await queue.enqueue(jobRequest(NodeArgsJob, c.args, {}))).jobId)
  const bodies = (await sqs.receive(url, 0)).map((m) => m.Body!)
  t.equal(bodies.length, sent.length, 'every job reached the queue')
  const out = execFileSync('ruby', [rails('perform.rb')], { input: JSON.stringify(bodies), encoding: 'utf8' })
  const performed = new Map(out.trim().split('\n').map((l) => JSON.parse(l) as { job_id: string; args: unknown; error?: string }).map((r) => [r.job_id, r]))
  sent.forEach((c, i) => {
    const run = performed.get(ids[i]!)
    t.ok(run, `${c.name}: performed by Rails`)
    t.same(run?.args, c.ruby, `${c.name}: the Ruby values`)
  })
  t.notOk(out.includes('"error"'), out)
})

/** Rails' own serialization of a variety of arguments (serialize.rb), by case name. */
const made = JSON.parse(execFileSync('ruby', [rails('serialize.rb')], { encoding: 'utf8' })) as Record<string, string>
const time = new Date('2025-06-01T12:00:00.123Z') // Ruby's 123456 µs, to the millisecond a Date holds
/** What perform must receive in JavaScript for each Rails case. */
const expected: Record<string, unknown[]> = {
  scalars: ['monthly', 42, 3.5, -7, true, false, null, 'ünïcødé ✓'],
  symbol_keys: [{ region: 'eu', limit: 10 }],
  string_keys: [{ a: 1, b: [1, 2, { c: null }] }],
  time: [time],
  time_with_zone: [time],
  datetime: [new Date('2025-06-01T12:00:00Z')],
  date: ['2025-06-30'],
  symbol: ['csv'],
  kwargs: ['weekly', { format: 'pdf', pages: [1, 2] }],
  indifferent: [{ a: 1, nested: { b: 'sym' } }],
  nested: [[['a', time], { list: ['2024-02-29'] }]],
  big_decimal: ['0.15e1'],
}
t.same(Object.keys(made).sort(), Object.keys(expected).sort(), 'serialize.rb makes every case')

/** A registry whose Rails-named jobs record the arguments they got, by job id. */
function railsJobs(): { registry: JobRegistry; got: Map<string, unknown[]> } {
  const got = new Map<string, unknown[]>()
  class RailsArgsJob extends Job {
    static override readonly jobName = 'RailsArgsJob'
    async perform(...args: unknown[]): Promise<void> {
      got.set(this.context.jobId, args)
    }
  }
  class RailsKwJob extends Job {
    static override readonly jobName = 'RailsKwJob'
    async perform(...args: unknown[]): Promise<void> {
      got.set(this.context.jobId, args)
    }
  }
  return { registry: new JobRegistry().register(RailsArgsJob, RailsKwJob), got }
}

const jobIdOf = (body: string): string => (JSON.parse(body) as { job_id: string }).job_id

function checkAll(t: Test, got: Map<string, unknown[]>, transport: string): void {
  for (const [name, body] of Object.entries(made)) t.same(got.get(jobIdOf(body)), expected[name], `${transport}: ${name}`)
}

t.test('envelopes Rails makes run through the worker tier (sqsd POSTs)', async (t) => {
  const { registry, got } = railsJobs()
  const w = await startWorker(t, { worker: { registry } })
  for (const [name, body] of Object.entries(made)) {
    const a = await w.sqsd(body)
    t.equal(a.status, 200, `${name}: ${a.text}`)
  }
  checkAll(t, got, 'worker')
})

t.test('envelopes Rails makes run through the poller', async (t) => {
  const { registry, got } = railsJobs()
  const url = await sqs.createQueue('from-rails-poller')
  for (const body of Object.values(made)) await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }))
  const poller = pollerFor(t, sqs, { default: url }, { registry })
  await poller.start()
  await until('every Rails job ran', () => got.size === Object.keys(made).length)
  checkAll(t, got, 'poller')
})

t.test('envelopes Rails makes run through the Lambda handler', async (t) => {
  const { registry, got } = railsJobs()
  const url = await sqs.createQueue('from-rails-lambda')
  for (const body of Object.values(made)) await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }))
  const arn = (await sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!
  const messages = [...(await sqs.receive(url, 0)), ...(await sqs.receive(url, 0))]
  t.equal(messages.length, Object.keys(made).length)
  const handler = createLambdaHandler({ registry, client: sqs.client })
  const answer = await handler({ Records: messages.map((m) => lambdaRecord(m, arn)) })
  t.same(answer.batchItemFailures, [], 'every record succeeded')
  checkAll(t, got, 'lambda')
})
