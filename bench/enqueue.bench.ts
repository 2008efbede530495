// Enqueue throughput: our enqueueAll and async-mode performLater vs a raw SendMessageBatch loop and sqs-producer,
// all sending the same bodies and attributes in batches of 10 to one fauxqs. fauxqs runs in its own process so the
// emulator never shares an event loop with the producer being measured.
import { randomUUID } from 'node:crypto'
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  SendMessageBatchCommand,
  SQSClient,
  type MessageAttributeValue,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs'
import { Producer } from 'sqs-producer'
import { built } from './built.js'
import { startFauxqsProcess } from './fauxqs.js'

const { Job, setQueueAdapter } = await built<typeof import('../src/jobs/index.js')>('jobs/index.js')
const { SqsQueue, JOB_CLASS_ATTRIBUTE, JOB_VERSION_ATTRIBUTE } = await built<typeof import('../src/queue/index.js')>('queue/index.js')
const { VERSION } = await built<typeof import('../src/aws/index.js')>('aws/index.js')

/** Messages per timed run of one path. */
const MESSAGES = 2000
const ROUNDS = 9
/**
 * Untimed rounds first: the SDK's request path takes thousands of calls before V8 has optimised it, and a producer
 * runs for days, so the steady state is what is compared.
 */
const WARMUP_ROUNDS = 3
/** Batches in flight: enqueueAll's default for a standard queue (`batch.parallel`), and the raw loop's lanes. */
const PARALLEL = 4

class SignupJob extends Job {
  static override readonly jobName = 'SignupJob'
  async perform(_user: string, _details: { plan: string; n: number }): Promise<void> {}
}
const argsOf = (i: number) => [`user-${i}`, { plan: 'pro', n: i }] as const

const fauxqs = await startFauxqsProcess()
const client = fauxqs.client
const admin = client()
let queueNo = 0

/** A fresh, empty queue (deleted after its run, so fauxqs's memory does not grow round after round). */
async function freshQueue(): Promise<string> {
  return (await admin.send(new CreateQueueCommand({ QueueName: `enqueue-bench-${queueNo++}` }))).QueueUrl!
}

/** Throughput, and this process's CPU time per message (less sensitive to other load on a shared machine). */
interface Measured {
  rate: number
  cpuUsPerMessage: number
}

/** Runs `send` against a fresh queue and client; the clock covers building the messages too when `send` builds them. */
async function timed(send: (c: SQSClient, url: string) => Promise<void>): Promise<Measured> {
  const url = await freshQueue()
  const c = client()
  const started = performance.now()
  const cpu = process.cpuUsage()
  await send(c, url)
  const used = process.cpuUsage(cpu)
  const elapsed = performance.now() - started
  c.destroy()
  await admin.send(new DeleteQueueCommand({ QueueUrl: url }))
  return { rate: MESSAGES / (elapsed / 1000), cpuUsPerMessage: (used.user + used.system) / MESSAGES }
}

// The raw paths and sqs-producer get what our queue would send, made before the clock starts: the same envelopes as
// JSON and the same two String attributes, so only the sending is timed for them.
const bodies = Array.from({ length: MESSAGES }, (_, i) => JSON.stringify(SignupJob.build(...argsOf(i)).envelope))
const attributes: Record<string, MessageAttributeValue> = {
  [JOB_CLASS_ATTRIBUTE]: { DataType: 'String', StringValue: 'SignupJob' },
  [JOB_VERSION_ATTRIBUTE]: { DataType: 'String', StringValue: VERSION },
}

/**
 * What a hand-written producer does per message: an ActiveJob envelope as an object literal (a fresh id and time),
 * JSON.stringify. No argument checks, no size check, no results.
 */
function handMadeBody(i: number): string {
  const now = new Date().toISOString()
  return JSON.stringify({
    job_class: 'SignupJob',
    job_id: randomUUID(),
    provider_job_id: null,
    queue_name: 'default',
    priority: null,
    arguments: argsOf(i),
    executions: 0,
    exception_executions: {},
    locale: 'en',
    timezone: 'UTC',
    enqueued_at: now,
    scheduled_at: null,
  })
}

/**
 * `lanes` concurrent loops of SendMessageBatch, 10 entries a call, over the prepared bodies (the ceiling: nothing
 * but sending), or over bodies each loop makes as it goes (`build`).
 */
function raw(lanes: number, build = false) {
  return async (c: SQSClient, url: string): Promise<void> => {
    let next = 0
    const lane = async (): Promise<void> => {
      while (next < MESSAGES) {
        const from = next
        next += 10
        const entries: SendMessageBatchRequestEntry[] = []
        for (let i = from; i < Math.min(from + 10, MESSAGES); i++) {
          entries.push({ Id: `m${i - from}`, MessageBody: build ? handMadeBody(i) : bodies[i]!, MessageAttributes: attributes })
        }
        const res = await c.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }))
        if (res.Failed?.length) throw new Error(`raw: ${res.Failed.length} entries failed`)
      }
    }
    await Promise.all(Array.from({ length: lanes }, lane))
  }
}

/** `queue.enqueueAll` of freshly built jobs (envelopes, arguments checks, bodies and attributes made in the clock). */
async function enqueueAll(c: SQSClient, url: string): Promise<void> {
  const queue = new SqsQueue({ client: c, configLoad: { env: {}, cwd: process.cwd(), code: { queues: { default: url } } } })
  const results = await queue.enqueueAll(Array.from({ length: MESSAGES }, (_, i) => SignupJob.build(...argsOf(i))))
  if (results.some((r) => !r.ok)) throw new Error('enqueueAll: some jobs were not sent')
  await queue.close()
}

/** `performLater` in async mode, called MESSAGES times in one tick, then `flush()` until SQS has them all. */
async function performLaterAsync(c: SQSClient, url: string): Promise<void> {
  let failed = 0
  const queue = new SqsQueue({
    client: c,
    async: true,
    onAsyncError: () => void failed++,
    configLoad: { env: {}, cwd: process.cwd(), code: { queues: { default: url } } },
  })
  setQueueAdapter(queue)
  const accepted: Promise<unknown>[] = []
  for (let i = 0; i < MESSAGES; i++) accepted.push(SignupJob.performLater(...argsOf(i)))
  await Promise.all(accepted)
  await queue.close()
  setQueueAdapter(undefined)
  if (failed) throw new Error(`performLater: ${failed} jobs were not sent`)
}

/** sqs-producer 8 as its README uses it: one `send` of every message (it sends batches of 10, one after another). */
async function sqsProducer(c: SQSClient, url: string): Promise<void> {
  const producer = Producer.create({ queueUrl: url, sqs: c })
  await producer.send(bodies.map((body, i) => ({ id: `m${i}`, body, messageAttributes: attributes })))
}

const paths = {
  raw4: raw(PARALLEL),
  raw4built: raw(PARALLEL, true),
  enqueueAll,
  performLater: performLaterAsync,
  raw1: raw(1),
  sqsProducer,
} as const
type Path = keyof typeof paths

const fmt = (x: number): string => `${Math.round(x).toLocaleString('en-US')} msg/s`
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const rate = (xs: Measured[]): number => median(xs.map((x) => x.rate))
const cpu = (xs: Measured[]): string => `${median(xs.map((x) => x.cpuUsPerMessage)).toFixed(1)} µs CPU/msg`
/** The median over rounds of a/b measured in the same round (rounds are interleaved, so load hits both). */
const ratio = (a: Measured[], b: Measured[]): string => median(a.map((x, i) => x.rate / b[i]!.rate)).toFixed(2)
const cpuRatio = (a: Measured[], b: Measured[]): string =>
  median(a.map((x, i) => x.cpuUsPerMessage / b[i]!.cpuUsPerMessage)).toFixed(2)

console.log(`fauxqs 1.9.2 on 127.0.0.1 in its own process; ${MESSAGES} messages per run, a fresh queue and client per run;`)
console.log(`${WARMUP_ROUNDS} untimed rounds, then ${ROUNDS} timed rounds, each running every path one after another, starting one path`)
console.log('later each round (the garbage a run leaves is collected during the next one); medians shown.')
console.log(`raw xN: N concurrent loops of SendMessageBatch(10) over bodies and attributes made before the clock starts (the ceiling);`)
console.log(`  "bodies built": each body made in the loop as a hand-written producer would (envelope literal, JSON.stringify).`)
console.log(`enqueueAll: queue.enqueueAll(jobs.map(build)), ${PARALLEL} batches in flight (its default); builds every envelope in the clock.`)
console.log(`performLater: async mode, ${MESSAGES} calls in one tick, then flush(); batched the same way.`)
console.log('sqs-producer 8: Producer.create({ queueUrl, sqs }).send(all messages): batches of 10, one at a time.\n')

const results = Object.fromEntries(Object.keys(paths).map((k) => [k, [] as Measured[]])) as Record<Path, Measured[]>
try {
  for (let round = 0; round < WARMUP_ROUNDS; round++) for (const run of Object.values(paths)) await timed(run)
  const order = Object.keys(paths) as Path[]
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, so load from other processes on the machine colours every path alike, and each round starts one
    // path later, so no path always follows the same one.
    for (let k = 0; k < order.length; k++) {
      const name = order[(round + k) % order.length]!
      results[name].push(await timed(paths[name]))
    }
  }
  const r = results
  console.log(`raw x${PARALLEL}          ${fmt(rate(r.raw4))}   ${cpu(r.raw4)}`)
  console.log(`raw x${PARALLEL}, built   ${fmt(rate(r.raw4built))}   ${cpu(r.raw4built)}   ${ratio(r.raw4built, r.raw4)}x raw x${PARALLEL}, CPU ${cpuRatio(r.raw4built, r.raw4)}x`)
  console.log(
    `enqueueAll      ${fmt(rate(r.enqueueAll))}   ${cpu(r.enqueueAll)}   ${ratio(r.enqueueAll, r.raw4)}x raw x${PARALLEL} (target >= 0.9), ` +
      `CPU ${cpuRatio(r.enqueueAll, r.raw4)}x; ${ratio(r.enqueueAll, r.raw4built)}x raw built; ${ratio(r.enqueueAll, r.sqsProducer)}x sqs-producer`,
  )
  console.log(
    `performLater    ${fmt(rate(r.performLater))}   ${cpu(r.performLater)}   ${ratio(r.performLater, r.raw4)}x raw x${PARALLEL} (target >= 0.9), ` +
      `CPU ${cpuRatio(r.performLater, r.raw4)}x; ${ratio(r.performLater, r.raw4built)}x raw built; ${ratio(r.performLater, r.sqsProducer)}x sqs-producer`,
  )
  console.log(`raw x1          ${fmt(rate(r.raw1))}   ${cpu(r.raw1)}`)
  console.log(`sqs-producer    ${fmt(rate(r.sqsProducer))}   ${cpu(r.sqsProducer)}   ${ratio(r.sqsProducer, r.raw1)}x raw x1, CPU ${cpuRatio(r.sqsProducer, r.raw1)}x`)
  const rounds = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.map((x) => Math.round(x.rate))]))
  console.log(`\nmsg/s of every timed round: ${JSON.stringify(rounds)}`)
  console.log('The machine is shared: compare rows of the same round; CPU/msg is the steadier measure.')
} finally {
  admin.destroy()
  fauxqs.stop()
}
