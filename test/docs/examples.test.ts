// Runs the README's part examples (examples/*.ts) for real, each as a child process under tsx (which resolves
// 'fastify-aws/*' as users import it), against the local emulators; AWS settings reach them only through the
// environment, as they would on AWS.
import { ScanCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { GetQueueAttributesCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { lambdaRecord } from '../helpers/lambda-event.js'
import { request } from 'undici'
import type { SqsEvent, SqsRecord } from '../../src/lambda/index.js'
import { createSessionTable } from '../../src/sessions/index.js'
import { generateRailsKey, sealRailsMessage } from '../../src/aws/rails-encryption.js'
import { freePort, startDynalite, startSes, testAws } from '../helpers/emulators.js'
import { startSqsFixture } from '../queue/sqs-fixture.js'
import { Browser } from '../dashboard/harness.js'

const cwd = new URL('../../', import.meta.url).pathname
const [sqs, dynamodb, ses] = await Promise.all([startSqsFixture(), startDynalite(), startSes()])
t.teardown(() => Promise.all([sqs.close(), dynamodb.close(), ses.close()]))

/** The child's environment: ours without any AWS or fastify-aws setting, plus the emulators'. */
function exampleEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|FASTIFY_AWS_|NODE_ENV$)/.test(k)))
  return {
    ...env,
    AWS_REGION: testAws.region,
    AWS_ACCESS_KEY_ID: testAws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: testAws.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  }
}

interface Example {
  child: ChildProcess
  /** stdout + stderr so far. */
  output(): string
  /** stdout lines that are JSON (pino), parsed. */
  logLines(): Array<Record<string, unknown>>
  /** Resolves once the output matches; rejects if the child exits first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>
  /** Resolves with the exit code once the child has exited. */
  exited: Promise<number | null>
}

/** Starts `node --import tsx <file>`; the child is killed in teardown if it is still running. */
function runExample(t: Test, file: string, env: Record<string, string> = {}): Example {
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd, env: exampleEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let all = ''
  child.stdout.on('data', (d: Buffer) => ((stdout += d), (all += d)))
  child.stderr.on('data', (d: Buffer) => (all += d))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  return {
    child,
    exited,
    output: () => all,
    logLines: () =>
      stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const m = all.match(pattern)
          if (m) resolve(m)
          return m !== null
        }
        if (check()) return
        const onData = (): void => {
          if (check()) off()
        }
        const onExit = (code: number | null): void => {
          off()
          if (!check()) reject(new Error(`${file} exited (${code}) before printing ${pattern}:\n${all}`))
        }
        const off = (): void => {
          child.stdout.off('data', onData)
          child.stderr.off('data', onData)
          child.off('exit', onExit)
        }
        child.stdout.on('data', onData)
        child.stderr.on('data', onData)
        child.once('exit', onExit)
      }),
  }
}

/** The example ran to its end and exited 0 (its output is shown if not). */
async function exitsCleanly(t: Test, example: Example): Promise<void> {
  const code = await example.exited
  if (code === 0) t.pass('exits 0 by itself')
  else t.fail(`exited with ${code}`, { output: example.output() })
}

/** Every message of a queue that is visible now (received, and left for the queue). */
async function receiveAll(url: string, expected: number): Promise<Message[]> {
  const messages: Message[] = []
  for (let i = 0; i < 10 && messages.length < expected; i++) messages.push(...(await sqs.receive(url, 1, 60)))
  return messages
}

const send = async (url: string, body: object): Promise<string> =>
  (await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(body) }))).MessageId!

t.test('example enqueue-jobs: performLater, a delayed job and enqueueAll reach the queue as ActiveJob messages', async (t) => {
  const url = await sqs.createQueue('enqueue-example')
  const example = runExample(t, 'examples/enqueue-jobs.ts', { AWS_ACTIVE_JOB_SQS_DEFAULT_URL: url })
  await exitsCleanly(t, example)
  const printed = [...example.output().matchAll(/^enqueued (\S+) as message (\S+)$/gm)].map((m) => ({ jobId: m[1], messageId: m[2] }))
  t.equal(printed.length, 4, 'performLater and the three enqueueAll results are printed with their MessageIds')
  t.same(await sqs.count(url), { visible: 4, inFlight: 0, delayed: 1 }, 'the set({ wait: 60 }) job is delayed')
  const messages = await receiveAll(url, 4)
  const bodies = messages.map((m) => JSON.parse(m.Body!) as { job_class: string; job_id: string; arguments: unknown[] })
  t.same(bodies.map((b) => b.arguments[0]).sort(), ['Ada', 'Barbara', 'Grace', 'world'])
  t.ok(bodies.every((b) => b.job_class === 'HelloJob'))
  t.ok(messages.every((m) => m.MessageAttributes?.aws_sqs_active_job_class?.StringValue === 'HelloJob'))
  t.same(
    messages.map((m, i) => ({ jobId: bodies[i]!.job_id, messageId: m.MessageId })).sort((a, b) => a.messageId!.localeCompare(b.messageId!)),
    printed.sort((a, b) => a.messageId!.localeCompare(b.messageId!)),
    'each printed job id is the envelope of the message SQS stored under the printed MessageId',
  )
})

t.test('example poller: runs a job, reports an unknown one as failed, stops on SIGTERM', async (t) => {
  const url = await sqs.createQueue('poller-example')
  const helloId = await send(url, { job_class: 'HelloJob', arguments: ['poller'] })
  const unknownId = await send(url, { job_class: 'NoSuchJob', arguments: [] })
  const example = runExample(t, 'examples/poller.ts', { AWS_ACTIVE_JOB_SQS_DEFAULT_URL: url })
  await example.waitFor(/"msg":"job completed"/)
  await example.waitFor(/"msg":"job failed"/)
  t.match(example.output(), /Hello, poller!/)
  const lines = example.logLines()
  t.match(lines.find((l) => l.msg === 'job completed'), { message_id: helloId })
  t.match(lines.find((l) => l.msg === 'job failed'), { message_id: unknownId, permanent: true, action: 'left' })
  example.child.kill('SIGTERM')
  t.equal(await example.exited, 0, 'the poller stops and the process exits by itself')
  t.match(example.logLines().find((l) => l.msg === 'poller stopped'), { completed: 1, failed: 1, running: 0 })
  const left = await sqs.count(url)
  t.equal(left.visible + left.inFlight, 1, 'the completed message was deleted, the unknown one left for the redrive policy')
})

t.test('example lambda-handler: a real SQS batch in, batchItemFailures out', async (t) => {
  const url = await sqs.createQueue('lambda-example')
  const okId = await send(url, { job_class: 'ResizeImageJob', arguments: ['cat.jpg', 320] })
  const unknownId = await send(url, { job_class: 'NoSuchJob', arguments: [] })
  const later = new Date(Date.now() + 120_000).toISOString()
  const earlyId = await send(url, { job_class: 'ResizeImageJob', arguments: ['dog.jpg', 640], scheduled_at: later })
  // The event Lambda's SQS trigger would hand the function: the received messages, camelCased.
  const arn = (await sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!
  const event: SqsEvent = {
    Records: (await receiveAll(url, 3)).map(
      (m): SqsRecord => lambdaRecord(m, arn, testAws.region),
    ),
  }
  t.equal(event.Records.length, 3)
  const example = runExample(t, 'test/docs/run-lambda-handler.ts', { LAMBDA_EVENT: JSON.stringify(event) })
  await exitsCleanly(t, example)
  const lines = example.logLines()
  const answers = lines.filter((l) => 'batchItemFailures' in l)
  t.same(answers, [{ batchItemFailures: [{ itemIdentifier: unknownId }] }], 'only the record of the unknown job is reported')
  t.same(lines.at(-1), answers[0], "the handler's log lines were all written before it returned (synchronous pino)")
  t.match(lines.find((l) => l.msg === 'resizing'), { key: 'cat.jpg', width: 320, message_id: okId })
  t.notOk(lines.some((l) => l.msg === 'resizing' && l.message_id === earlyId), 'the early job did not run')
  t.same(await sqs.count(url), { visible: 0, inFlight: 3, delayed: 1 }, "the early job was sent back to wait with the handler's own SQS client")
})

t.test('example sessions-app: the session cookie survives across requests and is gone after logout', async (t) => {
  const tableName = 'example-sessions'
  const client = new DynamoDBClient({ ...testAws, endpoint: dynamodb.endpoint })
  t.teardown(() => client.destroy())
  await createSessionTable(client, {
    table_name: tableName,
    table_key: 'session_id',
    ttl_attribute: 'expire_at',
    billing_mode: 'PAY_PER_REQUEST',
    read_capacity: 1,
    write_capacity: 1,
  })
  const port = await freePort()
  const example = runExample(t, 'examples/sessions-app.ts', {
    PORT: String(port),
    HOST: '127.0.0.1',
    AWS_DYNAMO_DB_SESSION_SECRET_KEY: 'a-secret-for-the-example-that-is-long-enough',
    AWS_DYNAMO_DB_SESSION_TABLE_NAME: tableName,
  })
  await example.waitFor(/Server listening/)
  const base = `http://127.0.0.1:${port}`
  const items = async () => (await client.send(new ScanCommand({ TableName: tableName }))).Items ?? []

  t.equal((await request(`${base}/me`)).statusCode, 401, 'no cookie, no user')
  const login = await request(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ada' }) })
  t.equal(login.statusCode, 200)
  await login.body.dump()
  const setCookie = String(login.headers['set-cookie'] ?? '')
  const cookie = setCookie.split(';')[0]!
  t.match(cookie, /^sessionId=.+/, 'login sets the session cookie')
  t.match(setCookie, /HttpOnly/)

  for (let i = 0; i < 2; i++) {
    const me = await request(`${base}/me`, { headers: { cookie } })
    t.equal(me.statusCode, 200)
    t.same(await me.body.json(), { user: 'ada' }, `request ${i + 1} after login sees the user`)
  }
  const stored = await items()
  t.equal(stored.length, 1, 'one session item in DynamoDB')
  t.match(stored[0]?.data?.S, /"user":"ada"/)

  const logout = await request(`${base}/logout`, { method: 'POST', headers: { cookie } })
  t.equal(logout.statusCode, 200)
  t.match(String(logout.headers['set-cookie']), /^sessionId=;.*Expires=Thu, 01 Jan 1970/, 'logout clears the cookie')
  await logout.body.dump()
  t.same(await items(), [], 'logout deleted the item')
  const after = await request(`${base}/me`, { headers: { cookie } })
  t.equal(after.statusCode, 401, 'the old cookie no longer opens a session')
  await after.body.dump()
})

t.test('example mail-app: a welcome mail reaches SES, deliverLater reaches the queue', async (t) => {
  const url = await sqs.createQueue('mail-example')
  const port = await freePort()
  const example = runExample(t, 'examples/mail-app.ts', { PORT: String(port), HOST: '127.0.0.1', AWS_ACTIVE_JOB_SQS_DEFAULT_URL: url })
  await example.waitFor(/Server listening/)
  const base = `http://127.0.0.1:${port}`
  const post = async (path: string, body: object) => {
    const res = await request(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    t.equal(res.statusCode, 200, path)
    return res.body.json() as Promise<Record<string, string>>
  }

  const { messageId } = await post('/signup', { email: 'ann@example.com', name: 'Ann' })
  const emails = ((await (await fetch(`${ses.endpoint}/store`)).json()) as { emails: Array<Record<string, unknown>> }).emails
  t.match(
    emails.find((e) => e.messageId === messageId),
    {
      from: /noreply@example\.com/,
      destination: { to: [/ann@example\.com/] },
      subject: 'Welcome, Ann!',
      body: { text: /Hello Ann, thanks for signing up\./, html: /<p>Thanks for signing up\.<\/p>/ },
    },
    'the mail is in the SES store',
  )

  const { jobId } = await post('/newsletter', { email: 'bob@example.com' })
  const [message] = await receiveAll(url, 1)
  t.match(JSON.parse(message?.Body ?? '{}'), {
    job_class: 'FastifyAws::SesDeliveryJob',
    job_id: jobId,
    arguments: ['default', { to: ['bob@example.com'], subject: 'You are subscribed' }],
  })
})

t.test('example instrument-sdk: each operation is printed from the tracing and per-operation channels', async (t) => {
  const example = runExample(t, 'examples/instrument-sdk.ts')
  await exitsCleanly(t, example)
  const out = example.output()
  const listed = out.match(/^ListQueues\.SQS\.aws ok in \d+\.\d ms, request id (\S+)$/m)
  t.ok(listed, 'ListQueues printed from the asyncEnd subscriber, with its duration and request id')
  t.match(out, new RegExp(`^queues listed by request ${listed?.[1]}$`, 'm'), 'and from the ListQueues.SQS.aws channel, same request')
  t.match(out, /^GetQueueUrl\.SQS\.aws failed \(\w+\) in \d+\.\d ms, request id \S+$/m, 'a failed operation is published too')
})

t.test('example record-forum: migrate, save, find + change, query the index, a validation error, delete', async (t) => {
  const example = runExample(t, 'examples/record-forum.ts')
  await exitsCleanly(t, example)
  const out = example.output()
  t.match(out, /^  create table Forum \(on-demand, index AuthorIndex\)$/m, 'migrate printed its step')
  const stored = JSON.parse(out.match(/^saved p-1, stored as (.*)$/m)?.[1] ?? '{}') as Record<string, unknown>
  t.match(stored, { forum_uuid: 'general', post_id: 'p-1', tags: null, moderation: false, PostCreatedAtTime: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/ }, "aws-record's format")
  t.match(out, /^changed: tags$/m)
  t.match(out, /^ada wrote "Hello" tagged welcome$/m)
  t.match(out, /^FASTIFY_AWS_RECORD_VALIDATION: post_title can't be blank; post_body is too short \(minimum is 50 characters\)$/m)
  const client = new DynamoDBClient({ ...testAws, endpoint: dynamodb.endpoint })
  t.teardown(() => client.destroy())
  t.same((await client.send(new ScanCommand({ TableName: 'Forum' }))).Items, [], 'the post was deleted at the end')
})

t.test('example credentials: the keys of an encrypted credentials file beat AWS_ACCESS_KEY_ID', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-example-credentials-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const key = generateRailsKey()
  const file = join(dir, 'credentials.yml.enc')
  writeFileSync(file, sealRailsMessage('aws:\n  access_key_id: AKIDFROMRAILS\n  secret_access_key: rails-secret\n', Buffer.from(key, 'hex')))
  // exampleEnv also sets AWS_ACCESS_KEY_ID, which the encrypted file beats.
  const example = runExample(t, 'examples/credentials.ts', { FASTIFY_AWS_CREDENTIALS_FILE: file, RAILS_MASTER_KEY: key })
  await exitsCleanly(t, example)
  t.match(example.output(), /^signing as AKIDFROMRAILS$/m)
  t.match(example.output(), /^\d+ queues$/m, 'the signed request was answered')
  t.notMatch(example.output(), /rails-secret/)
})

t.test('example dashboard-app: the queue behind basic auth, with its dead-letter queue; the form enqueues a job', async (t) => {
  const { url, dlqUrl } = await sqs.createQueueWithDlq('dashboard-example', 3)
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-dashboard-example-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'cron.yaml'), 'version: 1\ncron: []\n')
  const example = runExample(t, 'examples/dashboard-app.ts', {
    PORT: String(port),
    HOST: '0.0.0.0',
    AWS_ACTIVE_JOB_SQS_DEFAULT_URL: url,
    AWS_PROCESS_BEANSTALK_WORKER_CRON_FILE: join(dir, 'cron.yaml'),
    FASTIFY_AWS_DASHBOARD_CRON_FILE: join(dir, 'cron.yaml'),
    FASTIFY_AWS_DASHBOARD_USERNAME: 'ops',
    FASTIFY_AWS_DASHBOARD_PASSWORD: 'example password',
  })
  await example.waitFor(/Server listening/)
  const base = `http://127.0.0.1:${port}`
  t.equal((await request(`${base}/_jobs/`)).statusCode, 401, 'basic auth is asked for')
  const browser = new Browser(base, { authorization: `Basic ${Buffer.from('ops:example password').toString('base64')}` })
  const queues = JSON.parse((await browser.get('/_jobs/queues.json')).body) as { queues: { name: string; deadLetter: { name: string } | null }[] }
  t.match(queues.queues, [{ name: 'default', deadLetter: { name: dlqUrl.split('/').pop() } }])
  await browser.get('/_jobs/enqueue')
  const sent = await browser.post('/_jobs/enqueue', { job: 'ReportJob', args: '["2026-11"]', delay: '0' })
  t.match(sent.body, /Enqueued ReportJob \(job_id [0-9a-f-]{36}/)
  const [message] = await receiveAll(url, 1)
  t.match(JSON.parse(message?.Body ?? '{}'), { job_class: 'ReportJob', arguments: ['2026-11'] })
})
