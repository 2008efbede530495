// The Fastify plugin: one line per SDK operation through the logger of the request that made it (fauxqs over
// real sockets, requests over real HTTP).
import t from 'tap'
import { Writable } from 'node:stream'
import { request as httpRequest } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { SQSClient, CreateQueueCommand, GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs'
import { startSqs, testAws } from '../helpers/emulators.js'
import { fastifyAwsInstrumentation, awsSdkOperationTracingChannel } from '../../src/aws/index.js'

interface LogLine {
  level: number
  msg: string
  reqId?: string
  awsOperation?: { serviceId: string; operation: string; requestId?: string; httpStatusCode?: number; attempts?: number; durationMs?: number }
  err?: { type: string; message: string }
  queue?: string
}

const sqsServer = await startSqs()
t.teardown(() => sqsServer.close())
// The application's own client, built with `new`, not through fastify-aws.
const sqs = new SQSClient({ ...testAws, endpoint: sqsServer.endpoint })
t.teardown(() => sqs.destroy())
const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'plugin' }))

/** POSTs JSON in two writes an event-loop turn apart, so the body is parsed from later socket callbacks. */
async function postInTwoParts(url: string, body: unknown): Promise<number> {
  const text = JSON.stringify(body)
  const half = Math.floor(text.length / 2)
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.flushHeaders()
    req.write(text.slice(0, half))
    void sleep(20).then(() => req.end(text.slice(half)))
  })
}

function capture() {
  const lines: LogLine[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as LogLine)
      cb()
    },
  })
  return { lines, stream, aws: () => lines.filter((l) => l.awsOperation !== undefined) }
}

async function app(
  level: string,
  opts: Parameters<typeof fastifyAwsInstrumentation>[1] = {},
): Promise<{ app: FastifyInstance; log: ReturnType<typeof capture>; url: string }> {
  const log = capture()
  const instance = Fastify({ logger: { level, stream: log.stream } })
  await instance.register(fastifyAwsInstrumentation, { configLoad: { env: {}, cwd: '/nonexistent' }, ...opts })
  instance.get('/send', async () => {
    const out = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' }))
    return { requestId: out.$metadata.requestId }
  })
  instance.get('/missing', async (request) => {
    await sqs.send(new GetQueueUrlCommand({ QueueName: 'missing' })).catch(() => undefined)
    request.log.info({ queue: 'missing' }, 'route done')
    return {}
  })
  // The SDK call happens after the body was parsed: the request context must survive body parsing.
  instance.post('/by-body', async (request) => {
    const { queue } = request.body as { queue: string }
    await sqs.send(new GetQueueUrlCommand({ QueueName: queue })).catch(() => undefined)
    request.log.info({ queue }, 'route done')
    return {}
  })
  const url = await instance.listen({ port: 0, host: '127.0.0.1' })
  return { app: instance, log, url }
}

t.test('a call in a route is logged at debug through request.log, with its reqId', async (t) => {
  const { app: a, log, url } = await app('debug')
  t.teardown(() => a.close())
  const res = (await (await fetch(`${url}/send`)).json()) as { requestId: string }
  const [line, ...more] = log.aws()
  t.equal(more.length, 0)
  t.match(line, {
    level: 20,
    awsOperation: { serviceId: 'SQS', operation: 'SendMessage', requestId: res.requestId, httpStatusCode: 200, attempts: 1 },
    msg: /^AWS SQS\.SendMessage 200 in \d+\.\d\d ms$/,
  })
  t.type(line!.reqId, 'string')
  const incoming = log.lines.find((l) => l.msg === 'incoming request')
  t.equal(line!.reqId, incoming?.reqId, 'the same reqId as the request that made the call')
  t.type(line!.awsOperation!.durationMs, 'number')
})

t.test('failures are logged with the error, and concurrent requests keep their own reqId', async (t) => {
  const { app: a, log, url } = await app('debug')
  t.teardown(() => a.close())
  const queues = ['a', 'b', 'c', 'd', 'e', 'f']
  await Promise.all([
    ...queues.map((queue) =>
      fetch(`${url}/by-body`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queue }) }),
    ),
    fetch(`${url}/missing`),
    postInTwoParts(`${url}/by-body`, { queue: 'slow-body' }),
  ])
  const routeLines = log.lines.filter((l) => l.msg === 'route done')
  t.equal(routeLines.length, queues.length + 2)
  for (const route of routeLines) {
    const mine = log.aws().filter((l) => l.reqId === route.reqId)
    t.equal(mine.length, 1, `one SDK line for the request of ${route.queue}`)
    t.match(mine[0], {
      level: 20,
      awsOperation: { operation: 'GetQueueUrl', httpStatusCode: 400 },
      err: { type: 'QueueDoesNotExist' },
      msg: /^AWS SQS\.GetQueueUrl failed \(QueueDoesNotExist\) in /,
    })
  }
  t.equal(log.aws().length, queues.length + 2, 'no line without a request')
})

t.test('calls outside a request go to the app logger, or nowhere when asked', async (t) => {
  const on = await app('debug')
  t.teardown(() => on.app.close())
  const off = await app('debug', { logOutsideRequests: false })
  t.teardown(() => off.app.close())
  await sqs.send(new GetQueueUrlCommand({ QueueName: 'plugin' }))
  t.equal(on.log.aws().length, 1)
  t.match(on.log.aws()[0], { awsOperation: { operation: 'GetQueueUrl' }, reqId: undefined })
  t.equal(off.log.aws().length, 0)
})

t.test('the level comes from code, ENV or YAML, and a logger above it writes nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-instrumentation-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'config'))
  writeFileSync(join(dir, 'config', 'instrumentation.yml'), 'log_level: info\n')
  const fromYaml = await app('trace', { configLoad: { env: {}, cwd: dir } })
  t.teardown(() => fromYaml.app.close())
  const envOverYaml = await app('trace', { configLoad: { env: { FASTIFY_AWS_INSTRUMENTATION_LOG_LEVEL: 'debug' }, cwd: dir } })
  t.teardown(() => envOverYaml.app.close())
  const codeOverEnv = await app('trace', {
    logLevel: 'trace',
    configLoad: { env: { FASTIFY_AWS_INSTRUMENTATION_LOG_LEVEL: 'debug' }, cwd: dir },
  })
  t.teardown(() => codeOverEnv.app.close())
  const quiet = await app('info')
  t.teardown(() => quiet.app.close())
  for (const a of [fromYaml, envOverYaml, codeOverEnv, quiet]) await fetch(`${a.url}/send`)
  t.same(fromYaml.log.aws().map((l) => l.level), [30], 'YAML: info')
  t.same(envOverYaml.log.aws().map((l) => l.level), [20], 'ENV over YAML: debug')
  t.same(codeOverEnv.log.aws().map((l) => l.level), [10], 'code over ENV: trace')
  t.equal(quiet.log.aws().length, 0, 'an info logger drops the debug line')
})

t.test('a bad option fails registration with the variable and the allowed values', async (t) => {
  // Neither instance listens nor finishes booting, so there is nothing to close.
  await t.rejects(
    async () => {
      await Fastify().register(fastifyAwsInstrumentation, {
        configLoad: { env: { FASTIFY_AWS_INSTRUMENTATION_LOG_LEVEL: 'loud' }, cwd: '/nonexistent' },
      })
    },
    { code: 'FASTIFY_AWS_CONFIG', message: /FASTIFY_AWS_INSTRUMENTATION_LOG_LEVEL="loud": expected one of trace, debug, info/ },
  )
  await t.rejects(
    async () => {
      await Fastify().register(fastifyAwsInstrumentation, {
        logOutsideRequests: 'yes please' as unknown as boolean,
        configLoad: { env: {} },
      })
    },
    { code: 'FASTIFY_AWS_CONFIG', message: /log_outside_requests/ },
  )
})

t.test('the app exposes what was instrumented, and closing it stops the logging', async (t) => {
  const { app: a, log } = await app('debug')
  t.ok(a.awsInstrumentation.bases.length >= 1)
  await a.close()
  await sqs.send(new GetQueueUrlCommand({ QueueName: 'plugin' }))
  t.equal(log.aws().length, 0)
  t.notOk(awsSdkOperationTracingChannel.asyncEnd.hasSubscribers, 'every plugin instance unsubscribed')
})

t.test('with two apps in one process, only the app that owns the request logs its calls', async (t) => {
  const a = await app('debug')
  t.teardown(() => a.app.close())
  const b = await app('debug')
  t.teardown(() => b.app.close())
  await fetch(`${a.url}/send`)
  t.equal(a.log.aws().length, 1)
  t.type(a.log.aws()[0]?.reqId, 'string')
  t.equal(b.log.aws().length, 0)
})
