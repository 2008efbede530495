// The ready-made handler (dist/lambda/default.handler): jobs from the module FASTIFY_AWS_LAMBDA_JOBS_MODULE names,
// invoked as Lambda's runtime does, and a clear error when that module is unset, missing, or registers nothing.
import t from 'tap'
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Message } from '@aws-sdk/client-sqs'
import { buildEnvelope } from '../../src/jobs/index.js'
import { createDefaultLambdaHandler } from '../../src/lambda/default.js'
import type { SqsEvent } from '../../src/lambda/index.js'
import { lambdaRecord } from '../helpers/lambda-event.js'

const jobsIndex = pathToFileURL(fileURLToPath(new URL('../../src/jobs/index.ts', import.meta.url))).href
const ARN = 'arn:aws:sqs:us-east-1:000000000000:default'

/** An SQS event with one record per job, as the trigger hands it over. */
function eventOf(...jobs: Array<[string, unknown[]]>): SqsEvent {
  return {
    Records: jobs.map(([jobClass, args]) => {
      const message: Message = {
        MessageId: randomUUID(),
        ReceiptHandle: randomUUID(),
        Body: JSON.stringify(buildEnvelope({ jobClass, queueName: 'default', args })),
        Attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
      }
      return lambdaRecord(message, ARN)
    }),
  }
}

/** A jobs module whose job records what it ran in globalThis[`ran_${tag}`]. */
function jobsModule(tag: string, how: 'registerJobs' | 'default' | 'on-import'): string {
  const job = `class EchoJob_${tag} extends Job {
  static jobName = 'Echo${tag}Job'
  async perform(word) {
    if (word === 'fail') throw new Error('asked to fail')
    ;(globalThis.ran_${tag} ??= []).push(word)
  }
}`
  if (how === 'on-import') return `import { Job, defaultRegistry } from '${jobsIndex}'\n${job}\ndefaultRegistry.register(EchoJob_${tag})\n`
  const fn = how === 'default' ? 'export default function' : 'export function registerJobs'
  return `import { Job } from '${jobsIndex}'\n${job}\n${fn} (registry) { registry.register(EchoJob_${tag}) }\n`
}

const ran = (tag: string): unknown[] => ((globalThis as Record<string, unknown>)[`ran_${tag}`] as unknown[] | undefined) ?? []

t.test('runs the jobs of the module named by FASTIFY_AWS_LAMBDA_JOBS_MODULE, relative to the task root', async (t) => {
  for (const how of ['registerJobs', 'default', 'on-import'] as const) {
    const tag = how.replace('-', '')
    // A module file per case: ESM caches a module by its URL.
    const root = t.testdir({ [tag]: { dist: { 'jobs.mjs': jobsModule(tag, how) } } }) + `/${tag}`
    const handler = createDefaultLambdaHandler({ env: { FASTIFY_AWS_LAMBDA_JOBS_MODULE: 'dist/jobs.mjs', FASTIFY_AWS_LAMBDA_LOG_LEVEL: 'silent', LAMBDA_TASK_ROOT: root } })
    const event = eventOf([`Echo${tag}Job`, ['one']], [`Echo${tag}Job`, ['fail']], ['NoSuchJob', []])
    const answer = await handler(event)
    t.same(ran(tag), ['one'], `${how}: the job ran`)
    t.same(
      answer.batchItemFailures.map((f) => f.itemIdentifier).sort(),
      [event.Records[1]!.messageId, event.Records[2]!.messageId].sort(),
      `${how}: the failed and the unknown record come back`,
    )
  }
})

t.test('a missing setting, a module that cannot be imported or that registers nothing fails every invocation, naming it', async (t) => {
  const root = t.testdir({ 'empty.mjs': 'export const x = 1\n', 'none.mjs': 'export function registerJobs() {}\n', 'broken.mjs': 'throw new Error("boom at import")\n' })
  const cases: Array<[Record<string, string>, RegExp, string]> = [
    [{}, /^FASTIFY_AWS_LAMBDA_JOBS_MODULE is not set: .*ENV FASTIFY_AWS_LAMBDA_JOBS_MODULE=dist\/jobs\.js/, 'FASTIFY_AWS_CONFIG'],
    [{ FASTIFY_AWS_LAMBDA_JOBS_MODULE: './missing.mjs' }, /^FASTIFY_AWS_LAMBDA_JOBS_MODULE=\.\/missing\.mjs: cannot import it \(/, 'FASTIFY_AWS_JOBS_MODULE'],
    [{ FASTIFY_AWS_LAMBDA_JOBS_MODULE: 'broken.mjs' }, /^FASTIFY_AWS_LAMBDA_JOBS_MODULE=broken\.mjs: cannot import it \(boom at import\)/, 'FASTIFY_AWS_JOBS_MODULE'],
    [{ FASTIFY_AWS_LAMBDA_JOBS_MODULE: 'empty.mjs' }, /^FASTIFY_AWS_LAMBDA_JOBS_MODULE=empty\.mjs: the module has no default export, registerJobs or registerServiceJobs function \(found: x\) and registered no job on import/, 'FASTIFY_AWS_JOBS_MODULE'],
    [{ FASTIFY_AWS_LAMBDA_JOBS_MODULE: 'none.mjs' }, /^FASTIFY_AWS_LAMBDA_JOBS_MODULE=none\.mjs: its registerJobs export registered no job/, 'FASTIFY_AWS_JOBS_MODULE'],
    [{ FASTIFY_AWS_LAMBDA_JOBS_MODULE: 'empty.mjs', FASTIFY_AWS_LAMBDA_LOG_LEVEL: 'loud' }, /FASTIFY_AWS_LAMBDA_LOG_LEVEL="loud": expected one of fatal/, 'FASTIFY_AWS_CONFIG'],
  ]
  for (const [env, message, code] of cases) {
    const handler = createDefaultLambdaHandler({ env, cwd: root })
    for (let i = 0; i < 2; i++) await t.rejects(handler(eventOf(['AnyJob', []])), { code, message }, `${JSON.stringify(env)} (invocation ${i + 1})`)
  }
})

t.test('as the Lambda runtime calls it: the module file imported by path, handler(event, context) awaited', async (t) => {
  const root = t.testdir({ dist: { 'jobs.mjs': jobsModule('child', 'registerJobs').replace("(globalThis.ran_child ??= []).push(word)", "console.log(JSON.stringify({ performed: word }))") } })
  const moduleUrl = pathToFileURL(fileURLToPath(new URL('../../src/lambda/default.ts', import.meta.url))).href
  const event = eventOf(['EchochildJob', ['from-runtime']])
  const script = `const { handler } = await import(${JSON.stringify(moduleUrl)}); console.log(JSON.stringify(await handler(JSON.parse(process.env.EVENT), {})))`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, EVENT: JSON.stringify(event), LAMBDA_TASK_ROOT: root, FASTIFY_AWS_LAMBDA_JOBS_MODULE: 'dist/jobs.mjs' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => (out += d))
  child.stderr.on('data', (d: Buffer) => (err += d))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  t.equal(code, 0, err)
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  t.same(lines.find((l) => 'performed' in l), { performed: 'from-runtime' })
  t.match(lines.find((l) => l.job_class === 'EchochildJob'), { outcome: 'succeeded' }, 'the run line, on stdout')
  t.same(lines.at(-1), { batchItemFailures: [] })
})
