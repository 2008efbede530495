// What instrumentSdkOperations() costs: SDK calls/s not instrumented (baseline), instrumented with nobody
// subscribed, and instrumented with a subscriber on every channel event, in one run, as ratios to the baseline.
//
// All three modes run in this one process, interleaved in small batches (order rotated each cycle) with time and
// CPU summed per mode, so a busy neighbour on the machine hits every mode alike. The baseline calls the SDK's
// original, unwrapped `send` on clients that never went through the wrapper, so their middleware stack is the
// SDK's own: exactly an application without instrumentation.
//
// Three measures:
//   1. fauxqs over HTTP on 127.0.0.1: GetQueueUrl, what an application sees;
//   2. an in-memory request handler: the SDK's own work plus ours, no network (the most sensitive end-to-end view);
//   3. the middleware alone, no SDK: nanoseconds it adds per call, robust to a loaded machine.
import diagnosticsChannel from 'node:diagnostics_channel'
import { performance } from 'node:perf_hooks'
import { SQSClient, CreateQueueCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs'
import { startSqs, testAws } from '../test/helpers/emulators.js'
import type { SdkHandler } from '../src/aws/instrumentation-middleware.js'
import { built } from './built.js'

const { instrumentSdkOperations, awsSdkOperationTracingChannel } = await built<typeof import('../src/aws/index.js')>('aws/index.js')
const { createInstrumentationMiddleware } = await built<typeof import('../src/aws/instrumentation-middleware.js')>('aws/instrumentation-middleware.js')

const MODES = ['baseline', 'instrumented', 'subscribed'] as const
type Mode = (typeof MODES)[number]
const LABEL: Record<Mode, string> = {
  baseline: 'baseline: not instrumented',
  instrumented: 'instrumented, no subscriber',
  subscribed: 'instrumented + subscriber on all events',
}
const ROUNDS = 5 // for part 3
const SECONDS_HTTP = 15
const SECONDS_IN_MEMORY = 10
const BATCH_HTTP = 24
const BATCH_IN_MEMORY = 60
const CONCURRENCY = 4
const QUEUE = 'bench-instrumentation'
const MIDDLEWARE_CALLS = 200_000

interface Totals {
  calls: number
  wallMs: number
  cpuMicros: number
}

/** Runs `calls` calls with `concurrency` in flight and adds their wall time and CPU time to `into`. */
async function batch(call: () => Promise<unknown>, calls: number, concurrency: number, into: Totals): Promise<void> {
  let left = calls
  const worker = async () => {
    while (left-- > 0) await call()
  }
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  await Promise.all(Array.from({ length: concurrency }, worker))
  const cpu = process.cpuUsage(cpu0)
  into.calls += calls
  into.wallMs += performance.now() - t0
  into.cpuMicros += cpu.user + cpu.system
}

/** Alternates the modes batch by batch for `seconds`; returns each mode's totals. */
async function interleaved(callFor: (mode: Mode) => () => Promise<unknown>, seconds: number, size: number): Promise<Record<Mode, Totals>> {
  const totals = {} as Record<Mode, Totals>
  for (const mode of MODES) totals[mode] = { calls: 0, wallMs: 0, cpuMicros: 0 }
  const until = performance.now() + seconds * 1000
  for (let cycle = 0; performance.now() < until; cycle++) {
    for (let i = 0; i < MODES.length; i++) {
      const mode = MODES[(cycle + i) % MODES.length]!
      const sub = mode === 'subscribed' ? subscribeAll() : undefined
      await batch(callFor(mode), size, CONCURRENCY, totals[mode])
      if (sub) {
        subscribedEvents += sub.events()
        sub.stop()
      }
    }
  }
  return totals
}
let subscribedEvents = 0

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

// Answers every request at once with a GetQueueUrl response, in the JSON protocol SQS speaks.
const answer = new TextEncoder().encode(JSON.stringify({ QueueUrl: 'http://127.0.0.1/000000000000/q' }))
const inMemoryHandler = {
  handle: async () => ({
    response: {
      statusCode: 200,
      reason: 'OK',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'bench' },
      body: answer,
    },
  }),
  updateHttpClientConfig() {},
  httpHandlerConfigs: () => ({}),
  destroy() {},
}

/** The SDK's own `send`, as it was before instrumentSdkOperations() wrapped it. */
function originalSendOf(client: object): (this: object, command: unknown) => Promise<unknown> {
  const marker = Symbol.for('fastify-aws.instrumentation.originalSend')
  for (let p: object | null = Object.getPrototypeOf(client); p !== null; p = Object.getPrototypeOf(p)) {
    if (Object.hasOwn(p, marker)) return (p as Record<symbol, (this: object, command: unknown) => Promise<unknown>>)[marker]!
  }
  throw new Error('instrumentSdkOperations() did not patch the SQSClient base class')
}

/** Subscribes a counter to every TracingChannel event and the per-operation channel; returns how to stop. */
function subscribeAll(): { events: () => number; stop: () => void } {
  let events = 0
  const count = () => void events++
  const all = { start: count, end: count, asyncStart: count, asyncEnd: count, error: count }
  awsSdkOperationTracingChannel.subscribe(all)
  diagnosticsChannel.subscribe('GetQueueUrl.SQS.aws', count)
  return {
    events: () => events,
    stop() {
      awsSdkOperationTracingChannel.unsubscribe(all)
      diagnosticsChannel.unsubscribe('GetQueueUrl.SQS.aws', count)
    },
  }
}

function printTable(title: string, totals: Record<Mode, Totals>): void {
  console.log(title)
  const head = ['mode', 'calls', 'calls/s', 'ratio', 'CPU µs/call', 'ratio']
  console.log(`  ${head[0]!.padEnd(42)}${head.slice(1).map((h) => h.padStart(12)).join('')}`)
  const rate = (t: Totals) => t.calls / (t.wallMs / 1000)
  const cpu = (t: Totals) => t.cpuMicros / t.calls
  for (const mode of MODES) {
    const t = totals[mode]
    const cells = [
      t.calls.toLocaleString('en'),
      Math.round(rate(t)).toLocaleString('en'),
      (rate(t) / rate(totals.baseline)).toFixed(3),
      cpu(t).toFixed(0),
      (cpu(t) / cpu(totals.baseline)).toFixed(3),
    ]
    console.log(`  ${LABEL[mode].padEnd(42)}${cells.map((c) => c.padStart(12)).join('')}`)
  }
}

/** Part 3: the middleware on a do-nothing handler, per call, with the SDK out of the picture. */
async function middlewareAlone(): Promise<Record<Mode, number>> {
  const output = { output: { $metadata: { requestId: 'r', httpStatusCode: 200, attempts: 1 } } }
  const next: SdkHandler = () => Promise.resolve(output)
  const context = { clientName: 'SQSClient', commandName: 'GetQueueUrlCommand', __smithy_context: { operation: 'GetQueueUrl' } }
  const middleware = createInstrumentationMiddleware('SQS', false)
  const args = { input: {} }
  const run = async (withMiddleware: boolean): Promise<number> => {
    const t0 = performance.now()
    for (let i = 0; i < MIDDLEWARE_CALLS; i++) {
      // As the SDK does per call: build the handler chain, then run it.
      const handler = withMiddleware ? middleware(next, context) : next
      await handler(args)
    }
    return ((performance.now() - t0) * 1e6) / MIDDLEWARE_CALLS
  }
  const ns: Record<Mode, number[]> = { baseline: [], instrumented: [], subscribed: [] }
  for (let round = 0; round < ROUNDS; round++) {
    ns.baseline.push(await run(false))
    ns.instrumented.push(await run(true))
    const sub = subscribeAll()
    ns.subscribed.push(await run(true))
    sub.stop()
  }
  return { baseline: median(ns.baseline), instrumented: median(ns.instrumented), subscribed: median(ns.subscribed) }
}

const sqs = await startSqs()
try {
  const setup = new SQSClient({ ...testAws, endpoint: sqs.endpoint })
  await setup.send(new CreateQueueCommand({ QueueName: QUEUE }))
  setup.destroy()

  instrumentSdkOperations()
  const http = { plain: new SQSClient({ ...testAws, endpoint: sqs.endpoint }), instrumented: new SQSClient({ ...testAws, endpoint: sqs.endpoint }) }
  const memoryConfig = { ...testAws, endpoint: 'http://127.0.0.1:9', requestHandler: inMemoryHandler }
  const memory = { plain: new SQSClient(memoryConfig), instrumented: new SQSClient(memoryConfig) }
  const originalSend = originalSendOf(http.plain)
  const command = () => new GetQueueUrlCommand({ QueueName: QUEUE })
  const callFor = (mode: Mode, clients: { plain: SQSClient; instrumented: SQSClient }) =>
    mode === 'baseline' ? () => originalSend.call(clients.plain, command()) : () => clients.instrumented.send(command())

  // Warm-up: JIT, keep-alive sockets, credential and endpoint resolution, for both clients of both kinds.
  const scratch = { calls: 0, wallMs: 0, cpuMicros: 0 }
  for (const clients of [http, memory]) {
    await batch(callFor('baseline', clients), 40, CONCURRENCY, scratch)
    await batch(callFor('instrumented', clients), 40, CONCURRENCY, scratch)
  }

  const overHttp = await interleaved((mode) => callFor(mode, http), SECONDS_HTTP, BATCH_HTTP)
  const inMemory = await interleaved((mode) => callFor(mode, memory), SECONDS_IN_MEMORY, BATCH_IN_MEMORY)
  const alone = await middlewareAlone()

  console.log(`GetQueueUrl, ${CONCURRENCY} in flight, modes alternated in batches of ${BATCH_HTTP} (HTTP) / ${BATCH_IN_MEMORY} (in memory)`)
  console.log('ratio = mode / baseline: for calls/s above 1 is faster; for CPU/call above 1 costs more\n')
  printTable(`1. against fauxqs over HTTP, ${SECONDS_HTTP}s:`, overHttp)
  printTable(`2. in-memory request handler (the SDK and the middleware only), ${SECONDS_IN_MEMORY}s:`, inMemory)
  console.log(`3. the middleware alone on a do-nothing handler, ${MIDDLEWARE_CALLS.toLocaleString('en')} calls, median of ${ROUNDS}:`)
  for (const mode of MODES) {
    const extra = mode === 'baseline' ? '' : ` (${(alone[mode] - alone.baseline).toFixed(0)} ns added per call)`
    console.log(`  ${LABEL[mode].padEnd(42)}${alone[mode].toFixed(0).padStart(10)} ns/call${extra}`)
  }
  console.log('  (the compiled package, dist/, as deployed)')
  // Sanity: the baseline path publishes nothing, the instrumented path does.
  const probe = subscribeAll()
  await callFor('baseline', memory)()
  const baselineEvents = probe.events()
  await callFor('instrumented', memory)()
  const instrumentedEvents = probe.events() - baselineEvents
  probe.stop()
  const ok = subscribedEvents > 0 && baselineEvents === 0 && instrumentedEvents === 5
  console.log(
    `\nsanity: ${subscribedEvents.toLocaleString('en')} events in the subscribed runs; one call publishes ` +
      `${baselineEvents} event(s) on the baseline path and ${instrumentedEvents} instrumented: ${ok ? 'ok' : 'BROKEN'}`,
  )
  if (!ok) process.exitCode = 1
  for (const c of [http.plain, http.instrumented, memory.plain, memory.instrumented]) c.destroy()
} finally {
  await sqs.close()
}
