// The keys in the encrypted file are the ones requests are signed with: fauxqs sees them in the Authorization header.
import type { IncomingHttpHeaders } from 'node:http'
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs'
import t, { type Test } from 'tap'
import { Job } from '../../src/jobs/index.js'
import { useSqsQueue } from '../../src/queue/index.js'
import { createSqsClient } from '../../src/sqs/index.js'
import { startSqs, testAws } from '../helpers/emulators.js'
import { fixture, project, projectWithFixture, writeProjectFile } from './helpers.js'

const seen: IncomingHttpHeaders[] = []
const sqs = await startSqs({ onRequest: (request) => seen.push(request.headers) })
t.teardown(() => sqs.close())

const admin = new SQSClient({ ...testAws, endpoint: sqs.endpoint })
t.teardown(() => admin.destroy())
const queueUrl = (await admin.send(new CreateQueueCommand({ QueueName: 'credentials' }))).QueueUrl!

/** The access key id the last request was signed with (SigV4: `Credential=<id>/<date>/<region>/sqs/aws4_request`). */
function lastSigner(): string | undefined {
  return /Credential=([^/]+)\//.exec(String(seen.at(-1)?.authorization ?? ''))?.[1]
}

/** The SDK's default chain reads the process environment: give it keys of its own, as EB or a shell would. */
function chainKeys(t: Test): void {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, token: process.env.AWS_SESSION_TOKEN }
  process.env.AWS_ACCESS_KEY_ID = 'AKIDFROMENVIRONMENT'
  process.env.AWS_SECRET_ACCESS_KEY = 'environment-secret'
  delete process.env.AWS_SESSION_TOKEN
  t.teardown(() => {
    for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret], ['AWS_SESSION_TOKEN', saved.token]] as const) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })
}

/** config/aws.yml pointing at fauxqs, plus `extra` lines. */
function awsYaml(cwd: string, extra = ''): void {
  writeProjectFile(cwd, 'config/aws.yml', `region: us-east-1\nendpoint: ${sqs.endpoint}\n${extra}`)
}

async function signerOf(cwd: string, env: NodeJS.ProcessEnv = {}, aws: Parameters<typeof createSqsClient>[0] = {}): Promise<string | undefined> {
  const client = createSqsClient(aws, 'test', { cwd, env })
  try {
    await client.send(new ListQueuesCommand({}))
  } finally {
    client.destroy()
  }
  return lastSigner()
}

class CredentialsJob extends Job {
  static override readonly jobName = 'CredentialsJob'
  async perform(): Promise<void> {}
}

t.test('performLater: the SendMessage that reaches SQS is signed with the access key id from the encrypted file', async (t) => {
  chainKeys(t)
  const cwd = projectWithFixture(t)
  awsYaml(cwd)
  const queue = useSqsQueue({ configLoad: { cwd, env: {}, code: { queues: { default: queueUrl } } } })
  t.teardown(() => queue.close())
  const before = seen.length
  await CredentialsJob.performLater()
  const sends = seen.slice(before).filter((h) => h['x-amz-target'] === 'AmazonSQS.SendMessage')
  t.equal(sends.length, 1, 'one SendMessage reached fauxqs')
  t.match(sends[0]!.authorization, new RegExp(`^AWS4-HMAC-SHA256 Credential=${fixture.accessKeyId}/\\d{8}/us-east-1/sqs/aws4_request`))
  t.notMatch(JSON.stringify(seen.slice(before)), fixture.secretAccessKey, 'the secret itself never travels')
})

t.test('precedence: code > config/aws.yml keys > encrypted credentials > the SDK chain (AWS_ACCESS_KEY_ID)', async (t) => {
  chainKeys(t)
  const cwd = projectWithFixture(t)
  awsYaml(cwd)
  t.equal(await signerOf(cwd), fixture.accessKeyId, 'the encrypted file beats AWS_ACCESS_KEY_ID, as the seed says')
  t.equal(await signerOf(cwd, {}, { credentials: { accessKeyId: 'AKIDFROMCODE', secretAccessKey: 'c' } }), 'AKIDFROMCODE', 'code beats the file')
  t.equal(await signerOf(cwd, { FASTIFY_AWS_RAILS_CREDENTIALS: 'false' }), 'AKIDFROMENVIRONMENT', 'switched off: the chain')
  awsYaml(cwd, 'access_key_id: AKIDFROMYAML\nsecret_access_key: y\n')
  t.equal(await signerOf(cwd), 'AKIDFROMYAML', 'config/aws.yml keys beat the file')

  const bare = project(t)
  awsYaml(bare)
  t.equal(await signerOf(bare), 'AKIDFROMENVIRONMENT', 'no encrypted file: the chain')
})

t.test('a file that cannot be read never falls back to other credentials', async (t) => {
  chainKeys(t)
  const cwd = projectWithFixture(t)
  awsYaml(cwd)
  const before = seen.length
  t.throws(() => createSqsClient({}, 'test', { cwd, env: { RAILS_MASTER_KEY: '0'.repeat(32) } }), { code: 'FASTIFY_AWS_CREDENTIALS_DECRYPT' })
  t.equal(seen.length, before, 'no request was sent with the environment keys')
})
