import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs'
import pino from 'pino'
import t, { type Test } from 'tap'
import { createAwsClient, sdkLoggerFor, type SdkLogLevel } from '../../src/aws/index.js'

/** pino at trace writing JSON lines into an array through a real destination stream. */
function capture() {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>)
      cb()
    },
  })
  return { logger: pino({ level: 'trace' }, stream), lines }
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const
const PINO_LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50 } as const

t.test('each SDK call at or above the chosen level reaches pino at the same level; below is dropped', async (t) => {
  for (const chosen of LEVELS) {
    const { logger, lines } = capture()
    const sdk = sdkLoggerFor(logger, chosen, 'queue')
    for (const l of LEVELS) sdk[l]!(`${l} line`)
    const expected = LEVELS.slice(LEVELS.indexOf(chosen))
    t.same(
      lines.map((l) => l.msg),
      expected.map((l) => `${l} line`),
      `level ${chosen}`,
    )
    t.same(
      lines.map((l) => l.level),
      expected.map((l) => PINO_LEVEL[l]),
    )
    t.ok(lines.every((l) => l.aws === 'queue'), 'bound to the component')
  }
})

t.test('silent drops everything; the default level is info', async (t) => {
  const { logger, lines } = capture()
  const silent = sdkLoggerFor(logger, 'silent')
  for (const l of LEVELS) silent[l]!('x')
  t.same(lines, [])
  const dflt = sdkLoggerFor(logger)
  dflt.debug('no')
  dflt.info('yes')
  t.same(lines.map((l) => l.msg), ['yes'])
  t.equal(lines[0]!.aws, 'sdk', 'default component name')
})

t.test('shapes: an object is merged, an Error is err, text is joined', async (t) => {
  const { logger, lines } = capture()
  const sdk = sdkLoggerFor(logger, 'trace', 'x')
  sdk.info({ clientName: 'SQSClient', commandName: 'SendMessageCommand', metadata: { attempts: 1 } })
  sdk.info({ clientName: 'SQSClient' }, 'with', 'text')
  sdk.error(new Error('boom'), 'context')
  sdk.warn(new Error('only error'))
  sdk.debug('endpoints', { a: 1 }, 3)
  t.match(lines[0], { level: 30, clientName: 'SQSClient', commandName: 'SendMessageCommand', metadata: { attempts: 1 } })
  t.notOk('msg' in lines[0]!, 'no message for a bare object')
  t.match(lines[1], { clientName: 'SQSClient', msg: 'with text' })
  t.match(lines[2], { level: 50, msg: 'context', err: { type: 'Error', message: 'boom' } })
  t.match(lines[3], { level: 40, msg: 'only error', err: { message: 'only error' } })
  t.match(lines[4], { level: 20, msg: 'endpoints {"a":1} 3' })
  const cyclic: Record<string, unknown> = {}
  cyclic.self = cyclic
  sdk.info({ clientName: 'c' }, { detail: 1 }, new TypeError('bad'))
  sdk.info('cycle', cyclic, 5n)
  t.match(lines[5], { clientName: 'c', msg: '{"detail":1} TypeError: bad' }, 'objects after the first are JSON, not [object Object]')
  t.match(lines[6], { msg: 'cycle [object Object] 5' }, 'what JSON cannot show does not throw')
})

async function sqsStandIn(t: Test, status: number) {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' })
      res.end(
        status === 200
          ? JSON.stringify({ QueueUrl: 'http://127.0.0.1/000000000000/jobs' })
          : JSON.stringify({ __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' }),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function clientWith(t: Test, endpoint: string, logLevel: SdkLogLevel | undefined) {
  const { logger, lines } = capture()
  const client = createAwsClient(
    SQSClient,
    { region: 'us-east-1', endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, logger, maxAttempts: 1, ...(logLevel ? { logLevel } : {}) },
    'queue',
  )
  t.teardown(() => client.destroy())
  return { client, lines }
}

t.test('a real client: one info line per operation by default, an error line on failure', async (t) => {
  const ok = await sqsStandIn(t, 200)
  const a = clientWith(t, ok, undefined)
  await a.client.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))
  const ops = a.lines.filter((l) => l.commandName)
  t.equal(ops.length, 1)
  t.match(ops[0], { level: 30, aws: 'queue', clientName: 'SQSClient', commandName: 'GetQueueUrlCommand', input: { QueueName: 'jobs' } })
  t.ok(a.lines.every((l) => (l.level as number) >= 30), 'nothing below info at the default level')

  const bad = await sqsStandIn(t, 400)
  const b = clientWith(t, bad, 'warn')
  await t.rejects(b.client.send(new GetQueueUrlCommand({ QueueName: 'nope' })))
  const errors = b.lines.filter((l) => l.commandName)
  t.equal(errors.length, 1)
  t.match(errors[0], { level: 50, commandName: 'GetQueueUrlCommand', error: { name: 'QueueDoesNotExist' } })

  const c = clientWith(t, ok, 'silent')
  await c.client.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))
  t.same(c.lines, [], 'silent: nothing at all')

  const d = clientWith(t, ok, 'warn')
  await d.client.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))
  t.same(d.lines, [], 'warn: a successful operation writes nothing')
})

t.test('no logger: the client stays silent (and works)', async (t) => {
  const ok = await sqsStandIn(t, 200)
  const client = createAwsClient(SQSClient, { region: 'us-east-1', endpoint: ok, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } })
  t.teardown(() => client.destroy())
  const out = await client.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))
  t.ok(out.QueueUrl)
})

t.test('a logger without trace (it is optional in JobLogger) gets the SDK trace lines at debug', async (t) => {
  const calls: string[] = []
  const logger = {
    child: () => logger,
    debug: (_obj: unknown, msg?: string) => calls.push(`debug ${msg ?? String(_obj)}`),
    info: () => {},
    warn: () => {},
    error: () => {},
  }
  const sdk = sdkLoggerFor(logger, 'trace')
  sdk.trace!('deep detail')
  sdk.debug('detail')
  t.same(calls, ['debug deep detail', 'debug detail'])
})
