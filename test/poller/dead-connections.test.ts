// A poller that never stalls: behind a connection that stops answering it logs the stalled call and the queue and
// consumes again once the network does; with SQS unreachable at start it retries, then says which call failed.
import t, { type Test } from 'tap'
import { SendMessageCommand } from '@aws-sdk/client-sqs'
import { pino } from 'pino'
import { Job, JobRegistry, buildEnvelope } from '../../src/jobs/index.js'
import { Poller } from '../../src/poller/index.js'
import { testAws } from '../helpers/emulators.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'
import { captureLogs } from '../worker/helpers.js'
import { startSqsFixture } from '../queue/sqs-fixture.js'
import { until } from './poller-fixture.js'

const sqs = await startSqsFixture()
t.teardown(() => sqs.close())
const fauxqsPort = Number(new URL(sqs.endpoint).port)

const ran: string[] = []
class PingJob extends Job {
  static override readonly jobName = 'PingJob'
  async perform(word: string): Promise<void> {
    ran.push(word)
  }
}
const registry = new JobRegistry().register(PingJob)
const send = (url: string, word: string) =>
  sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(buildEnvelope({ jobClass: 'PingJob', queueName: 'default', args: [word] })) }))

/** A poller whose own client goes through `endpoint` (the proxy), with short limits so the test is quick. */
function poller(t: Test, endpoint: string, url: string, extra: Record<string, unknown> = {}) {
  const logs = captureLogs()
  const p = new Poller({
    registry,
    aws: { ...testAws, endpoint, maxAttempts: 1 },
    configLoad: { env: {}, cwd: t.testdir({}), code: { queues: { default: url } } },
    waitTimeSeconds: 1,
    callTimeoutSeconds: 1,
    heartbeatSeconds: false,
    logger: pino({ level: 'info' }, logs.stream),
    ...extra,
  })
  t.teardown(() => p.stop(0))
  return { p, logs }
}

t.test('a frozen connection: the stalled receive is logged with the call and the queue, and polling carries on', async (t) => {
  const url = await sqs.createQueue('frozen')
  const proxy = await startTcpProxy(fauxqsPort)
  t.teardown(() => proxy.close())
  const { p, logs } = poller(t, proxy.url, url)
  const errors: Error[] = []
  p.on('error', (e) => errors.push(e))
  await p.start()
  await send(url, 'before')
  await until('the job before the freeze', () => ran.includes('before'))

  proxy.freeze()
  const stall = await logs.waitFor((l) => typeof l.msg === 'string' && /ReceiveMessage on queue default failed/.test(l.msg))
  t.match(stall.msg, /SQS ReceiveMessage on queue default failed: ETIMEDOUT: .*requestTimeout/, 'names the call, the queue and the time limit')
  t.ok(errors.some((e) => (e as Error & { code?: string }).code === 'FASTIFY_AWS_POLLER_SQS'), "an 'error' event too")

  proxy.thaw()
  await send(url, 'after')
  await until('the job after the thaw', () => ran.includes('after'), 60_000)
  t.pass('consumed again on new connections')
})

t.test('SQS unreachable at start: start() retries with backoff and starts once it is there', async (t) => {
  const url = await sqs.createQueue('late')
  const proxy = await startTcpProxy(fauxqsPort, false) // nothing listens yet: connect ECONNREFUSED
  t.teardown(() => proxy.close())
  const { p, logs } = poller(t, proxy.url, url, { startupTimeoutSeconds: 60 })
  const started = p.start()
  const retry = await logs.waitFor((l) => typeof l.msg === 'string' && /retrying in .* \(start-up\)/.test(l.msg))
  t.match(retry.msg, /^SQS GetQueueAttributes on queue default failed: ECONNREFUSED: .*; retrying in [\d.]+ s \(start-up\)$/)
  await proxy.listen()
  await started
  await send(url, 'late')
  await until('the job', () => ran.includes('late'))
})

t.test('SQS still unreachable when startup_timeout runs out: start() rejects naming the call, the queue and the cause', async (t) => {
  const url = await sqs.createQueue('never')
  const proxy = await startTcpProxy(fauxqsPort, false)
  const { p } = poller(t, proxy.url, url, { startupTimeoutSeconds: 1 })
  const err = (await p.start().catch((e: unknown) => e)) as Error & { code?: string }
  t.equal(err.code, 'FASTIFY_AWS_POLLER_SQS')
  t.match(err.message, /^SQS GetQueueAttributes on queue default failed: ECONNREFUSED: .*\. Gave up after \d+ attempts \(startup_timeout 1 s\): is SQS reachable from here \(endpoint, network, region\)\?$/)
})

t.test('a queue that does not exist is not retried: it fails at once', async (t) => {
  const { p } = poller(t, sqs.endpoint, `${sqs.endpoint}/000000000000/no-such-queue`, { startupTimeoutSeconds: 60 })
  const err = (await p.start().catch((e: unknown) => e)) as Error & { code?: string }
  t.equal(err.code, 'FASTIFY_AWS_POLLER_SQS')
  t.match(err.message, /^SQS GetQueueAttributes on queue default failed: .*NonExistentQueue|QueueDoesNotExist/)
  t.notMatch(err.message, /Gave up/)
})
