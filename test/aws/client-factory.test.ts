import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs'
import t, { type Test } from 'tap'
import { VERSION, clientOrCreate, createAwsClient, loadAwsClientOptions } from '../../src/aws/index.js'

interface Recorded {
  url: string | undefined
  headers: IncomingHttpHeaders
  body: string
}

/**
 * A tiny SQS-shaped server on 127.0.0.1: records each request and answers GetQueueUrl with success, or with
 * a retryable 500 when `fail` is set. Closed by the test's teardown.
 */
async function sqsStandIn(t: Test, opts: { fail?: boolean } = {}) {
  const requests: Recorded[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (body += c))
    req.on('end', () => {
      requests.push({ url: req.url, headers: req.headers, body })
      if (opts.fail) {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' })
        res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: 'try again' }))
        return
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
      res.end(JSON.stringify({ QueueUrl: `http://${req.headers.host}/000000000000/jobs` }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { endpoint, requests }
}

const creds = { accessKeyId: 'AKIDFACTORY', secretAccessKey: 'secret' }

function withEnv(t: Test, vars: Record<string, string | undefined>): void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  t.teardown(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  })
}

t.test('region, endpoint, credentials and the user agent reach the server', async (t) => {
  const sqs = await sqsStandIn(t)
  const client = createAwsClient(SQSClient, { region: 'eu-west-3', endpoint: sqs.endpoint, credentials: creds }, 'queue')
  t.teardown(() => client.destroy())
  const out = await client.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))
  t.match(out.QueueUrl, /\/000000000000\/jobs$/)
  t.equal(sqs.requests.length, 1, 'the request went to the given endpoint')
  const h = sqs.requests[0]!.headers
  t.match(h.authorization, /Credential=AKIDFACTORY\/\d{8}\/eu-west-3\/sqs\/aws4_request/, 'signed with our keys for our region')
  t.equal(h['x-amz-target'], 'AmazonSQS.GetQueueUrl')
  const tag = `fastify-aws/${VERSION} fastify-aws-queue`
  t.match(h['user-agent'], tag, 'user-agent carries the tag')
  t.match(h['x-amz-user-agent'], tag, 'x-amz-user-agent too')
  t.equal(await client.config.region(), 'eu-west-3')
})

t.test('the component defaults to "core"; a caller customUserAgent is kept after ours', async (t) => {
  const sqs = await sqsStandIn(t)
  const a = createAwsClient(SQSClient, { region: 'us-east-1', endpoint: sqs.endpoint, credentials: creds })
  const b = createAwsClient(SQSClient, {
    region: 'us-east-1',
    endpoint: sqs.endpoint,
    credentials: creds,
    clientConfig: { customUserAgent: 'my-app/2.0' },
  })
  t.teardown(() => {
    a.destroy()
    b.destroy()
  })
  await a.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))
  await b.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))
  t.match(sqs.requests[0]!.headers['user-agent'], `fastify-aws/${VERSION} fastify-aws-core`)
  t.match(sqs.requests[1]!.headers['user-agent'], `fastify-aws/${VERSION} fastify-aws-core my-app/2.0`)
})

t.test('credentials may be a provider function', async (t) => {
  const sqs = await sqsStandIn(t)
  let calls = 0
  const client = createAwsClient(SQSClient, {
    region: 'us-west-2',
    endpoint: sqs.endpoint,
    credentials: async () => {
      calls++
      return { accessKeyId: 'AKIDPROVIDED', secretAccessKey: 's', sessionToken: 'tok' }
    },
  })
  t.teardown(() => client.destroy())
  await client.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))
  t.ok(calls >= 1)
  t.match(sqs.requests[0]!.headers.authorization, /Credential=AKIDPROVIDED\//)
  t.equal(sqs.requests[0]!.headers['x-amz-security-token'], 'tok')
})

t.test('maxAttempts: attempts per operation, first included', async (t) => {
  const sqs = await sqsStandIn(t, { fail: true })
  const client = createAwsClient(SQSClient, {
    region: 'us-east-1',
    endpoint: sqs.endpoint,
    credentials: creds,
    maxAttempts: 2,
  })
  t.teardown(() => client.destroy())
  const err = (await client.send(new GetQueueUrlCommand({ QueueName: 'jobs' })).catch((e: unknown) => e)) as {
    $metadata: { attempts: number }
  }
  t.equal(sqs.requests.length, 2)
  t.equal(err.$metadata.attempts, 2)
  t.match(sqs.requests[1]!.headers['amz-sdk-request'], /attempt=2; max=2/)
})

t.test('unset options are left to the SDK: AWS_REGION and AWS_ENDPOINT_URL_SQS work', async (t) => {
  const sqs = await sqsStandIn(t)
  withEnv(t, { AWS_REGION: 'ap-south-1', AWS_ENDPOINT_URL_SQS: sqs.endpoint, AWS_ENDPOINT_URL: undefined })
  const client = createAwsClient(SQSClient, { credentials: creds }, 'env')
  t.teardown(() => client.destroy())
  await client.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))
  t.equal(sqs.requests.length, 1, "the SDK's own endpoint variable was honoured")
  t.match(sqs.requests[0]!.headers.authorization, /\/ap-south-1\/sqs\//)
})

t.test('no region anywhere: the first call fails with an error that says where to set one', async (t) => {
  const sqs = await sqsStandIn(t)
  const none = join(mkdtempSync(join(tmpdir(), 'fastify-aws-noregion-')), 'none')
  withEnv(t, { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_PROFILE: undefined, AWS_CONFIG_FILE: none, AWS_SHARED_CREDENTIALS_FILE: none, AWS_EC2_METADATA_DISABLED: 'true' })
  const client = createAwsClient(SQSClient, { credentials: creds, endpoint: sqs.endpoint }, 'poller')
  t.teardown(() => client.destroy())
  const err = (await client.send(new GetQueueUrlCommand({ QueueName: 'jobs' })).catch((e: unknown) => e)) as Error & { code?: string; cause?: Error }
  t.equal(err.code, 'FASTIFY_AWS_REGION_MISSING')
  t.equal(err.message, 'The AWS region is missing for SQS (poller): set AWS_REGION, pass --region to the command, or add "region:" to config/aws.yml.')
  t.equal(err.cause?.message, 'Region is missing', "the SDK's own error is the cause")
  t.equal(sqs.requests.length, 0)

  const given = createAwsClient(SQSClient, { credentials: creds, endpoint: sqs.endpoint, region: 'eu-west-1' }, 'poller')
  t.teardown(() => given.destroy())
  await given.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))
  t.equal(sqs.requests.length, 1, 'a client with a region is untouched')
})

t.test('clientConfig is passed through; explicit options win over it', async (t) => {
  const client = createAwsClient(SQSClient, { region: 'eu-central-1', clientConfig: { region: 'us-east-1', useQueueUrlAsEndpoint: false } })
  t.teardown(() => client.destroy())
  t.equal(await client.config.region(), 'eu-central-1')
  t.equal((client.config as { useQueueUrlAsEndpoint?: boolean }).useQueueUrlAsEndpoint, false)
})

t.test('clientOrCreate: a given client is not ours to close; a created one is', async (t) => {
  const given = new SQSClient({ region: 'us-east-1' })
  t.teardown(() => given.destroy())
  const a = clientOrCreate(given, SQSClient, { region: 'eu-west-1' }, 'queue')
  t.equal(a.client, given)
  t.equal(a.owned, false)
  const b = clientOrCreate(undefined, SQSClient, { region: 'eu-west-1' }, 'queue')
  t.teardown(() => b.client.destroy())
  t.not(b.client, given)
  t.equal(b.owned, true)
  t.type(b.client, SQSClient)
  t.equal(await b.client.config.region(), 'eu-west-1')
  const c = clientOrCreate(undefined, SQSClient, undefined, 'queue')
  t.teardown(() => c.client.destroy())
  t.equal(c.owned, true, 'no options: still created, and owned')
})

function configDir(t: Test, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fastify-aws-awsyml-'))
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true })
    writeFileSync(join(root, rel), text)
  }
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  return root
}

t.test('loadAwsClientOptions: config/aws.yml, per environment, ENV and code on top', async (t) => {
  const cwd = configDir(t, {
    'config/aws.yml': [
      'region: eu-west-1',
      'endpoint: http://127.0.0.1:4566',
      'access_key_id: AKIDYAML',
      'secret_access_key: ${AWS_TEST_SECRET:-dflt}',
      'session_token: tok',
      'sdk_log_level: warn',
      'max_attempts: 5',
    ].join('\n'),
    'config/aws/production.yml': 'region: us-east-2\n',
  })
  t.same(loadAwsClientOptions({}, { cwd, env: {} }), {
    logLevel: 'warn',
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:4566',
    maxAttempts: 5,
    credentials: { accessKeyId: 'AKIDYAML', secretAccessKey: 'dflt', sessionToken: 'tok' },
  })
  t.same(loadAwsClientOptions({}, { cwd, env: { NODE_ENV: 'production' } }), { logLevel: 'info', region: 'us-east-2' }, 'the per-environment file replaces the base file')
  t.match(loadAwsClientOptions({}, { cwd, env: { FASTIFY_AWS_SDK_LOG_LEVEL: 'error', FASTIFY_AWS_MAX_ATTEMPTS: '2' } }), {
    logLevel: 'error',
    maxAttempts: 2,
  })
  t.match(loadAwsClientOptions({ region: 'code-region', maxAttempts: 9, endpoint: undefined }, { cwd, env: {} }), {
    region: 'code-region',
    maxAttempts: 9,
    endpoint: 'http://127.0.0.1:4566',
  }, 'code wins; undefined in code does not erase')
  t.same(loadAwsClientOptions({}, { cwd: configDir(t, {}), env: {} }), { logLevel: 'info' }, 'nothing configured: only the log level')
})

t.test('loadAwsClientOptions: errors name the file, the key or the variable', async (t) => {
  const typo = configDir(t, { 'config/aws.yml': 'regoin: eu-west-1\n' })
  t.throws(() => loadAwsClientOptions({}, { cwd: typo, env: {} }), { message: /config\/aws\.yml: unknown key "regoin" \(did you mean "region"\?\)/ })
  const level = configDir(t, { 'config/aws.yml': 'sdk_log_level: verbose\n' })
  t.throws(() => loadAwsClientOptions({}, { cwd: level, env: {} }), { message: /key "sdk_log_level" \("verbose"\): expected one of trace, debug, info, warn, error, silent/ })
  t.throws(() => loadAwsClientOptions({}, { cwd: configDir(t, {}), env: { FASTIFY_AWS_MAX_ATTEMPTS: '0' } }), {
    message: /FASTIFY_AWS_MAX_ATTEMPTS="0": expected an integer from 1 to 20/,
  })
  const half = configDir(t, { 'config/aws.yml': 'access_key_id: AKIDONLY\n' })
  t.throws(() => loadAwsClientOptions({}, { cwd: half, env: {} }), {
    code: 'FASTIFY_AWS_CONFIG',
    message: /config\/aws\.yml: secret_access_key is missing/,
  }, 'half a key pair is an error, not a silent fall back to another identity')
  const token = configDir(t, { 'config/aws.yml': 'session_token: t\n' })
  t.throws(() => loadAwsClientOptions({}, { cwd: token, env: {} }), { message: /access_key_id is missing/ })
})

t.test('VERSION is the package version', async (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  t.equal(VERSION, pkg.version)
  t.match(VERSION, /^\d+\.\d+\.\d+/)
})
