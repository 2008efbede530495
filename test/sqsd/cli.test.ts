// The sqsd command in-process: every bad input gives a precise message; it polls the queue its flags name, POSTs to
// --http-url and stops on SIGTERM.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import t from 'tap'
import { CreateQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs'
import { runCli } from '../helpers/cli.js'
import { startSqs } from '../helpers/emulators.js'
import { sqsClient, startCaptureApp, waitFor } from './helpers.js'

const cli = (argv: string[], cwd = process.cwd(), env: NodeJS.ProcessEnv = {}) => runCli(argv, env, cwd)

const emptyDir = mkdtempSync(join(tmpdir(), 'fastify-aws-cli-'))

t.test('sqsd: precise usage errors', async (t) => {
  t.match(await cli(['sqsd'], emptyDir), { code: 2, err: /--queue-url is required/ })
  t.match(await cli(['sqsd', '--queue-url', 'http://q', '--http-connections', '500'], emptyDir), {
    code: 2,
    err: /--http-connections takes a whole number from 1 to 100 \(EB HttpConnections\), got "500"/,
  })
  t.match(await cli(['sqsd', '--queue-url', 'http://q', '--connect-timeout', 'soon'], emptyDir), {
    code: 2,
    err: /--connect-timeout takes a whole number >= 1, got "soon"/,
  })
  t.match(await cli(['sqsd', '--queue-url', 'http://q', '--http-url', 'https://app/'], emptyDir), {
    code: 1,
    err: /--http-url "https:\/\/app\/" must use http:\/\//,
  })
  t.match(await cli(['sqsd', '--queue-url', 'http://q', '--log-level', 'loud'], emptyDir), { code: 2, err: /--log-level takes one of/ })
  t.match(await cli(['sqsd', '--queue-url', 'http://q', '--bogus'], emptyDir), { code: 2, err: /bogus/ })
  t.match(await cli(['sqsd'], emptyDir, { FASTIFY_AWS_SQSD_MAX_RETRIES: '0', FASTIFY_AWS_SQSD_QUEUE_URL: 'http://q' }), {
    code: 1,
    err: /FASTIFY_AWS_SQSD_MAX_RETRIES="0": expected an integer from 1 to 100/,
  })
})

t.test('sqsd command: polls the queue given by flags, POSTs to --http-url, stops on SIGTERM', async (t) => {
  const emulator = await startSqs()
  t.teardown(() => emulator.close())
  const app = await startCaptureApp(() => 200)
  t.teardown(() => app.close())
  const sqs = sqsClient(emulator.endpoint)
  t.teardown(() => sqs.destroy())
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'cli-sqsd' }))
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"job_class":"HelloJob"}' }))

  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' })
  const running = cli(
    ['sqsd', '--queue-url', QueueUrl!, '--endpoint', emulator.endpoint, '--http-url', `${app.url}jobs`, '--wait-time', '1', '--http-connections', '2', '--mime-type', 'text/plain'],
    emptyDir,
  )
  await waitFor('the POST', () => app.requests.length === 1)
  t.equal(app.requests[0]!.path, '/jobs')
  t.equal(app.requests[0]!.headers['content-type'], 'text/plain')
  // The command waits for SIGINT/SIGTERM; emitting the event runs its handler without signalling the test runner.
  process.emit('SIGTERM')
  const result = await running
  t.equal(result.code, 0, result.err)
  t.match(result.out, /"job":"HelloJob","status":200/)
  t.match(result.out, /sqsd stopped/)
})
