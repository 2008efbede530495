// Jobs/s of our Poller vs sqs-consumer on the same fauxqs, for no-op jobs and 20 ms jobs, against the raw
// ceiling of receive + DeleteMessageBatch loops with no jobs at all; and our Poller with the jobs dashboard's ring
// buffer recording every run vs without (issue 14's target: >= 0.97). All on 127.0.0.1; fauxqs runs in its
// own process so the emulator never shares an event loop with the consumer being measured.
import { setTimeout as sleep } from 'node:timers/promises'
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs'
import { Consumer } from 'sqs-consumer'
import { built } from './built.js'
import { startFauxqsProcess } from './fauxqs.js'

const { Job, JobRegistry } = await built<typeof import('../src/jobs/index.js')>('jobs/index.js')
const { Poller } = await built<typeof import('../src/poller/index.js')>('poller/index.js')
const { RECEIVE_ATTRIBUTES } = await built<typeof import('../src/poller/receive-loop.js')>('poller/receive-loop.js')
const { SqsQueue } = await built<typeof import('../src/queue/index.js')>('queue/index.js')
const { RunRecorder } = await built<typeof import('../src/dashboard/index.js')>('dashboard/index.js')

const NOOP_JOBS = 2000
const SLOW_JOBS = 1000
const SLOW_MS = 20
const CONCURRENCY = 100
const ROUNDS = 5
/**
 * Untimed rounds first. The SDK's request path takes thousands of calls to be optimised by V8 (CPU per message falls
 * by 3x over the first ~10,000 messages); a poller runs for days, so the steady state is what is compared.
 */
const WARMUP_ROUNDS = 3

class NoopJob extends Job {
  static override readonly jobName = 'NoopJob'
  async perform(): Promise<void> {}
}
class SlowJob extends Job {
  static override readonly jobName = 'SlowJob'
  async perform(): Promise<void> {
    await sleep(SLOW_MS)
  }
}
const registry = new JobRegistry().register(NoopJob, SlowJob)

const fauxqs = await startFauxqsProcess()
const client = fauxqs.client
const admin = client()
let queueNo = 0

/** Throughput, and this process's CPU time per job (less sensitive to other load on a shared machine). */
interface Measured {
  rate: number
  cpuUsPerJob: number
}
function measured(n: number, started: number, cpu: NodeJS.CpuUsage): Measured {
  const used = process.cpuUsage(cpu)
  return { rate: n / ((performance.now() - started) / 1000), cpuUsPerJob: (used.user + used.system) / n }
}

/** A fresh queue holding `n` messages of `job` (sent with our enqueueAll, so bodies are real envelopes). */
async function filledQueue(n: number, job: typeof NoopJob | typeof SlowJob): Promise<string> {
  const url = (await admin.send(new CreateQueueCommand({ QueueName: `bench-${queueNo++}`, Attributes: { VisibilityTimeout: '120' } }))).QueueUrl!
  const queue = new SqsQueue({ client: admin, configLoad: { env: {}, cwd: process.cwd(), code: { queues: { default: url } } } })
  for (let i = 0; i < n; i += 1000) {
    const results = await queue.enqueueAll(Array.from({ length: Math.min(1000, n - i) }, () => job.build()))
    if (results.some((r) => !r.ok)) throw new Error('fill failed')
  }
  await queue.close()
  return url
}

/**
 * The most this client and emulator can move: `loops` concurrent loops of ReceiveMessage(10) whose
 * DeleteMessageBatch is sent without waiting for it (so receives and deletes overlap, as in our poller),
 * until `n` are deleted. No jobs, no bookkeeping.
 */
async function ceiling(url: string, n: number, loops: number, withAttributes = false): Promise<Measured> {
  const c = client()
  let received = 0
  const deletes: Promise<unknown>[] = []
  const started = performance.now()
  const cpu = process.cpuUsage()
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (received < n) {
        const res = await c.send(
          new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, ...(withAttributes ? RECEIVE_ATTRIBUTES : {}) }),
        )
        const msgs = res.Messages ?? []
        received += msgs.length
        if (msgs.length === 0) continue
        deletes.push(c.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) })))
      }
    }),
  )
  await Promise.all(deletes)
  const rate = measured(n, started, cpu)
  c.destroy()
  return rate
}

/** Our poller until `n` jobs completed (completed = job succeeded and its delete confirmed), with the dashboard's ring buffer on or off. */
async function ours(url: string, n: number, recording = false): Promise<Measured> {
  const recorder = recording ? new RunRecorder(500).start() : undefined
  const c = client()
  const poller = new Poller({ registry, client: c, configLoad: { env: {}, cwd: process.cwd(), code: { queues: { default: url } } }, concurrency: CONCURRENCY })
  let done = 0
  let finish: () => void = () => {}
  const all = new Promise<void>((r) => (finish = r))
  poller.on('completed', () => {
    if (++done === n) finish()
  })
  const started = performance.now()
  const cpu = process.cpuUsage()
  await poller.start()
  await all
  const rate = measured(n, started, cpu)
  await poller.stop(0)
  c.destroy()
  recorder?.stop()
  if (recorder !== undefined && recorder.size !== Math.min(500, n)) throw new Error(`the ring buffer recorded ${recorder.size} runs`)
  return rate
}

/** sqs-consumer 14 with batchSize 10 (its maximum) and every other option at its default, until `n` were deleted. */
async function sqsConsumer(url: string, n: number, jobMs: number): Promise<Measured> {
  const c = client()
  let done = 0
  let finish: () => void = () => {}
  const all = new Promise<void>((r) => (finish = r))
  const consumer = Consumer.create({
    queueUrl: url,
    sqs: c,
    batchSize: 10,
    handleMessage: async (message) => {
      if (jobMs) await sleep(jobMs)
      return message
    },
  })
  consumer.on('message_processed', () => {
    if (++done === n) finish()
  })
  consumer.on('error', (err) => console.error('sqs-consumer error', err.message))
  const started = performance.now()
  const cpu = process.cpuUsage()
  consumer.start()
  await all
  const rate = measured(n, started, cpu)
  consumer.stop({ abort: true })
  c.destroy()
  return rate
}

const fmt = (x: number): string => `${Math.round(x).toLocaleString('en-US')} jobs/s`
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const rate = (xs: Measured[]): number => median(xs.map((x) => x.rate))
const cpu = (xs: Measured[]): string => `${Math.round(median(xs.map((x) => x.cpuUsPerJob)))} µs CPU/job`
/** The median over rounds of ours/theirs measured in the same round (rounds are interleaved, so load hits both). */
const ratio = (ours: Measured[], theirs: Measured[]): number => median(ours.map((o, i) => o.rate / theirs[i]!.rate))
const receivers = Math.min(8, Math.ceil(CONCURRENCY / 10))

console.log(`fauxqs 1.9.2 on 127.0.0.1 in its own process; ${WARMUP_ROUNDS} untimed rounds, then ${ROUNDS} timed rounds, medians shown.`)
console.log(`ours: Poller concurrency ${CONCURRENCY}, maxMessages 10 (${receivers} receive calls in flight), batched deletes.`)
console.log('sqs-consumer 14: Consumer.create({ queueUrl, sqs, batchSize: 10, handleMessage }), everything else default')
console.log(`  (waitTimeSeconds 20, one receive at a time, the next only after the whole batch is handled and deleted).`)
console.log(`ceiling: ${receivers} concurrent loops of ReceiveMessage(10), each batch deleted with DeleteMessageBatch without waiting; no jobs.`)
console.log('  "raw": no attributes requested; "like-for-like": the attributes our poller needs for attempts and context.delivery\n  (receive count, first-receive time, sender, group id, message attributes), which the SDK parses per message.')
console.log('Ratios are the median of the per-round ratios (each round runs every path, one after another).\n')

const results = {
  ceiling: [] as Measured[],
  ceilingAttrs: [] as Measured[],
  oursNoop: [] as Measured[],
  oursNoopRecorded: [] as Measured[],
  consumerNoop: [] as Measured[],
  oursSlow: [] as Measured[],
  consumerSlow: [] as Measured[],
}
try {
  for (let round = 0; round < WARMUP_ROUNDS; round++) {
    await ceiling(await filledQueue(NOOP_JOBS, NoopJob), NOOP_JOBS, receivers)
    await ceiling(await filledQueue(NOOP_JOBS, NoopJob), NOOP_JOBS, receivers, true)
    await ours(await filledQueue(NOOP_JOBS, NoopJob), NOOP_JOBS)
    await ours(await filledQueue(NOOP_JOBS, NoopJob), NOOP_JOBS, true)
    await sqsConsumer(await filledQueue(NOOP_JOBS, NoopJob), NOOP_JOBS, 0)
  }
  await ours(await filledQueue(300, SlowJob), 300)
  await sqsConsumer(await filledQueue(100, SlowJob), 100, SLOW_MS)
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, so load from other processes on the machine colours every path alike.
    results.ceiling.push(await ceiling(await filledQueue(NOOP_JOBS, NoopJob), NOOP_JOBS, receivers))
    results.ceilingAttrs.push(await ceiling(await filledQueue(NOOP_JOBS, NoopJob), NOOP_JOBS, receivers, true))
    // The ring buffer's two rows in alternating order, so neither always runs on the warmer machine.
    if (round % 2 === 0) {
      results.oursNoop.push(await ours(await filledQueue(NOOP_JOBS, NoopJob), NOOP_JOBS))
      results.oursNoopRecorded.push(await ours(await filledQueue(NOOP_JOBS, NoopJob), NOOP_JOBS, true))
    } else {
      results.oursNoopRecorded.push(await ours(await filledQueue(NOOP_JOBS, NoopJob), NOOP_JOBS, true))
      results.oursNoop.push(await ours(await filledQueue(NOOP_JOBS, NoopJob), NOOP_JOBS))
    }
    results.consumerNoop.push(await sqsConsumer(await filledQueue(NOOP_JOBS, NoopJob), NOOP_JOBS, 0))
    results.oursSlow.push(await ours(await filledQueue(SLOW_JOBS, SlowJob), SLOW_JOBS))
    results.consumerSlow.push(await sqsConsumer(await filledQueue(SLOW_JOBS, SlowJob), SLOW_JOBS, SLOW_MS))
  }
  const { ceiling: raw, ceilingAttrs: like, oursNoop, oursNoopRecorded, consumerNoop, oursSlow, consumerSlow } = results
  console.log(`ceiling, raw                ${fmt(rate(raw))}   ${cpu(raw)}`)
  console.log(`ceiling, like-for-like      ${fmt(rate(like))}   ${cpu(like)}`)
  console.log(
    `no-op jobs   ours           ${fmt(rate(oursNoop))}   ${cpu(oursNoop)}   ${ratio(oursNoop, consumerNoop).toFixed(2)}x sqs-consumer (target >= 2x), ` +
      `${(ratio(oursNoop, like) * 100).toFixed(0)}% of the like-for-like ceiling (target >= 70%), ${(ratio(oursNoop, raw) * 100).toFixed(0)}% of the raw one`,
  )
  console.log(`             sqs-consumer   ${fmt(rate(consumerNoop))}   ${cpu(consumerNoop)}`)
  const recorded = ratio(oursNoopRecorded, oursNoop)
  console.log(
    `             ours + dashboard ring buffer   ${fmt(rate(oursNoopRecorded))}   ${cpu(oursNoopRecorded)}   ${recorded.toFixed(2)}x ours without (target >= 0.97: ${recorded >= 0.97 ? 'met' : 'not met'})`,
  )
  console.log(`${SLOW_MS} ms jobs   ours           ${fmt(rate(oursSlow))}   ${cpu(oursSlow)}   ${ratio(oursSlow, consumerSlow).toFixed(2)}x sqs-consumer (target >= 5x)`)
  console.log(`             sqs-consumer   ${fmt(rate(consumerSlow))}   ${cpu(consumerSlow)}`)
  const rounds = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.map((x) => Math.round(x.rate))]))
  console.log(`\njobs/s of every timed round: ${JSON.stringify(rounds)}`)
  console.log('The machine is shared: compare rows of the same round; CPU/job is the steadier measure.')
} finally {
  admin.destroy()
  fauxqs.stop()
}
