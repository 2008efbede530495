// The dev / enqueue / cron commands in-process: every bad input gives a precise message, and enqueue → job runs end
// to end against a dev stack. (The sqsd command's tests are in test/sqsd/cli.test.ts.)
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import t from 'tap'
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs'
import { runCli } from '../helpers/cli.js'
import { parseJobArguments } from '../../src/cli/commands/enqueue.js'
import { startDevStack } from '../../src/dev/dev-stack.js'
import Fastify, { type FastifyBaseLogger } from 'fastify'
import { Job } from '../../src/jobs/index.js'
import { useSqsQueue } from '../../src/queue/index.js'
import { fastifyAwsWorker } from '../../src/worker/index.js'
import { buildServiceApp } from '../../service/app.js'
import { memoryLogger, sqsClient, startCaptureApp, waitFor } from '../sqsd/helpers.js'

const cli = (argv: string[], cwd = process.cwd(), env: NodeJS.ProcessEnv = {}) => runCli(argv, env, cwd)

const emptyDir = mkdtempSync(join(tmpdir(), 'fastify-aws-cli-'))
const ownJobs = join(import.meta.dirname, 'fixtures', 'own-jobs.ts')

t.test('dev: precise usage errors', async (t) => {
  t.match(await cli(['dev', '--port', '70000'], emptyDir), { code: 2, err: /--port takes a port from 0 to 65535, got "70000"/ })
  t.match(await cli(['dev', '--http-path', 'jobs'], emptyDir), { code: 2, err: /--http-path must start with "\/"/ })
  t.match(await cli(['dev', '--cron', 'x.yaml', '--no-cron'], emptyDir), { code: 2, err: /--cron and --no-cron/ })
  t.match(await cli(['dev', '--port', '0', '--cron', 'missing.yaml', '--jobs', ownJobs], emptyDir), { code: 1, err: /--cron missing.yaml: no such file/ })
  t.match(await cli(['dev', '--port', '0'], emptyDir), { code: 2, err: /dev needs your app or your jobs: --app FILE .* or --jobs MODULE/ })
  t.match(await cli(['dev', '--app', 'a.ts', '--jobs', 'b.ts'], emptyDir), { code: 2, err: /--app and --jobs both name what to run; give one/ })
  t.match(await cli(['dev', '--port', '0', '--no-cron', '--state-file', join(emptyDir, 'j.json'), '--jobs', 'missing.js'], emptyDir), {
    code: 1,
    err: /--jobs missing.js: cannot import it/,
  })
})

t.test('dev --app: a module without an app factory, or that cannot be imported, is a precise error', async (t) => {
  const fixtures = join(import.meta.dirname, 'fixtures')
  t.match(await cli(['dev', '--port', '0', '--no-cron', '--state-file', join(emptyDir, 'a.json'), '--app', join(fixtures, 'not-an-app.ts')], emptyDir), {
    code: 1,
    err: /--app .*not-an-app.ts: export a function "buildApp" \(or a default export\)/,
  })
  t.match(await cli(['dev', '--port', '0', '--no-cron', '--state-file', join(emptyDir, 'a.json'), '--app', 'missing.js'], emptyDir), {
    code: 1,
    err: /--app missing.js: cannot import it/,
  })
})

t.test('dev: a busy port is a precise error, and what had started is stopped again', async (t) => {
  const busy = await startCaptureApp()
  t.teardown(() => busy.close())
  const port = new URL(busy.url).port
  t.match(await cli(['dev', '--port', port, '--no-cron', '--state-file', join(emptyDir, 'busy.json'), '--jobs', ownJobs], emptyDir), {
    code: 1,
    err: new RegExp(`Port ${port} on 127.0.0.1 is in use \\(another "npm run dev"\\?\\)\\. Pass --port N or set PORT=N`),
  })
  t.notOk(existsSync(join(emptyDir, 'busy.json')), 'no state file')
})

t.test('enqueue: precise errors for the name, the JSON args, the delay and a missing queue', async (t) => {
  t.match(await cli(['enqueue'], emptyDir), { code: 2, err: /Give the job name/ })
  t.match(await cli(['enqueue', 'helloJob'], emptyDir), { code: 2, err: /"helloJob" is not a job name/ })
  t.match(await cli(['enqueue', 'HelloJob', '["world"'], emptyDir), { code: 2, err: /JSON args .* are not valid JSON/ })
  t.match(await cli(['enqueue', 'HelloJob', '{"name":"x"}'], emptyDir), {
    code: 2,
    err: /JSON args must be an array .* got object.*'\[\{"name":"x"\}\]'/,
  })
  t.match(await cli(['enqueue', 'HelloJob', '["a"]', 'b'], emptyDir), { code: 2, err: /one JSON array .* extra words: b/ })
  t.match(await cli(['enqueue', 'HelloJob', '--delay', '901'], emptyDir), { code: 2, err: /--delay takes 0 to 900 seconds/ })
  t.match(await cli(['enqueue', 'HelloJob', '--delay', '-1'], emptyDir), { code: 2 })
  t.match(await cli(['enqueue', 'HelloJob', '["world"]'], emptyDir), {
    code: 1,
    err: /No queue to send to: pass --queue-url URL, configure queue "default" .*AWS_ACTIVE_JOB_SQS_DEFAULT_URL.*"npm run dev"/,
  })
  t.same(parseJobArguments(undefined), [])
  t.same(parseJobArguments('["world", 2, {"a": null}]'), ['world', 2, { a: null }])
})

t.test('cron: precise errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-cron-'))
  writeFileSync(join(dir, 'cron.yaml'), 'version: 1\ncron:\n  - name: "HeartbeatJob"\n    url: "/"\n    schedule: "*/5 * * * *"\n')
  t.match(await cli(['cron'], dir), { code: 2, err: /"fastify-aws cron run <name>" or "fastify-aws cron list"/ })
  t.match(await cli(['cron', 'run'], dir), { code: 2, err: /Give the task name.*HeartbeatJob/ })
  t.match(await cli(['cron', 'run', 'heartbeatjob'], dir), { code: 2, err: /has no task "heartbeatjob"; its tasks are: HeartbeatJob/ })
  t.match(await cli(['cron', 'run', 'HeartbeatJob'], dir), { code: 1, err: /No queue to send to: .*FASTIFY_AWS_SQSD_QUEUE_URL/ })
  t.match(await cli(['cron', 'list'], dir), { code: 0, out: /HeartbeatJob\s+\*\/5 \* \* \* \*\s+\/\s+next \d{4}-/ })
  t.match(await cli(['cron', 'list'], emptyDir), { code: 1, err: /cron.yaml: cannot read it \(ENOENT\)/ })
})

t.test('enqueue and cron run find the running dev stack; the job runs end to end', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-dev-'))
  writeFileSync(join(dir, 'cron.yaml'), 'version: 1\ncron:\n  - name: "RecordingJob"\n    url: "/"\n    schedule: "0 0 1 1 *"\n')
  const runs: { args: unknown[]; task: string | undefined }[] = []
  class RecordingJob extends Job {
    static override readonly jobName = 'RecordingJob'
    async perform(...args: unknown[]) {
      runs.push({ args, task: this.context.delivery.taskName })
    }
  }
  const { logger, lines } = memoryLogger()
  const stack = await startDevStack({
    buildApp: async ({ registry, worker }) => {
      registry.register(RecordingJob)
      return buildServiceApp({ registry, worker, logger: false })
    },
    port: 0,
    cwd: dir,
    cronFile: 'cron.yaml',
    settings: { waitTime: 1 },
    logger,
  })
  t.teardown(() => stack.close())
  t.equal(stack.state.embedded, true)
  t.same([...stack.state.jobs].sort(), ['HeartbeatJob', 'HelloJob', 'RecordingJob'])

  const sent = await cli(['enqueue', 'RecordingJob', '["world", 2]'], dir)
  t.match(sent, { code: 0, out: /Enqueued RecordingJob \["world",2\] .* \(fastify-aws dev\)/ })
  await waitFor('the job run', () => runs.length === 1)
  t.same(runs[0], { args: ['world', 2], task: undefined })
  await waitFor('the delivery line', () => lines.some((l) => l.job === 'RecordingJob' && l.status === 200))

  t.match(await cli(['cron', 'run', 'RecordingJob'], dir), { code: 0, out: /Enqueued periodic task RecordingJob/ })
  await waitFor('the periodic run', () => runs.length === 2)
  t.same(runs[1], { args: [], task: 'RecordingJob' })

  t.match(await cli(['enqueue', 'RecordngJob'], dir), { code: 2, err: /has no job "RecordngJob" \(it has RecordingJob, HelloJob, HeartbeatJob\)/ })

  // A job that always fails ends in the dead-letter queue after MaxRetries (here 2, every 0 s).
  await stack.close()
  const failing = await startDevStack({
    buildApp: async ({ registry, worker }) => buildServiceApp({ registry: registry.register(RecordingJob), worker, logger: false }),
    port: 0,
    cwd: dir,
    statePath: false,
    queueName: 'failing',
    settings: { waitTime: 1, maxRetries: 2, errorVisibilityTimeout: 0 },
    logger,
  })
  t.teardown(() => failing.close())
  // --queue-url: the SDK's own chain gives region and credentials (it reads process.env itself).
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' })
  t.match(await cli(['enqueue', 'NoSuchJob', '--queue-url', failing.queueUrl, '--endpoint', failing.endpoint!], dir), { code: 0 })
  const sqs = sqsClient(failing.endpoint!)
  t.teardown(() => sqs.destroy())
  let dead: string | undefined
  await waitFor('the dead-letter queue', async () => {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: failing.deadLetterQueueUrl, WaitTimeSeconds: 0 }))
    dead = out.Messages?.[0]?.Body
    return dead !== undefined
  })
  t.match(JSON.parse(dead!), { job_class: 'NoSuchJob' })
  t.equal(failing.daemon.stats.failed, 2)
})

t.test("an app that calls useSqsQueue() while it is built still enqueues to dev's worker queue", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-dev-own-queue-'))
  const runs: string[] = []
  class FromRouteJob extends Job {
    static override readonly jobName = 'FromRouteJob'
    async perform(word: string) {
      runs.push(word)
    }
  }
  const stack = await startDevStack({
    buildApp: async ({ registry, worker }) => {
      registry.register(FromRouteJob)
      const app = Fastify({ logger: false })
      // As the README's mail and enqueue examples do: the app's own queue, configured for production.
      const own = useSqsQueue({ configLoad: { cwd: dir, env: {} }, aws: { region: 'eu-west-1' } })
      app.addHook('onClose', () => own.close())
      app.post('/signup', async () => {
        await FromRouteJob.performLater('from-a-route')
        return { ok: true }
      })
      await app.register(fastifyAwsWorker, { ...worker, registry })
      return app
    },
    port: 0,
    cwd: dir,
    statePath: false,
    settings: { waitTime: 1 },
    logger: memoryLogger().logger,
  })
  t.teardown(() => stack.close())
  const res = await fetch(`${stack.appUrl}/signup`, { method: 'POST' })
  t.equal(res.status, 200, await res.text())
  await waitFor('the job run', () => runs.length === 1)
  t.same(runs, ['from-a-route'])
})

t.test("dev gives the worker its queue: a failed job with a retry policy is enqueued again and runs, as on EB", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-dev-retry-'))
  const attempts: number[] = []
  class FlakyJob extends Job {
    static override readonly jobName = 'FlakyJob'
    static override retry = { attempts: 3, backoff: { type: 'fixed' as const, delay: 0 } }
    async perform() {
      attempts.push(this.context.attempt)
      if (attempts.length === 1) throw new Error('first run fails')
    }
  }
  const { logger: appLogger, lines: appLines } = memoryLogger()
  const stack = await startDevStack({
    buildApp: async ({ registry, worker }) => {
      registry.register(FlakyJob)
      const app = Fastify({ loggerInstance: appLogger as FastifyBaseLogger })
      await app.register(fastifyAwsWorker, { ...worker, registry })
      return app
    },
    port: 0,
    cwd: dir,
    statePath: false,
    settings: { waitTime: 1 },
    logger: memoryLogger().logger,
  })
  t.teardown(() => stack.close())
  t.notOk(appLines.some((l) => /No SQS queue URL is configured/.test(String(l.msg))), 'no warning: the worker knows the queue')
  t.match(await cli(['enqueue', 'FlakyJob', '[]', '--queue-url', stack.queueUrl, '--endpoint', stack.endpoint!], dir), { code: 0 })
  await waitFor('the retry to run', () => attempts.length === 2)
  t.same(attempts, [1, 2], 're-enqueued with executions + 1 by the worker, then succeeded')
  t.equal(stack.daemon.stats.failed, 0, 'sqsd saw a 200 both times: the retry was the worker\'s, not a redelivery')
})
