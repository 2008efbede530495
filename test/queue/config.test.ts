import t from 'tap'
import { loadQueueConfig, queueEnvName } from '../../src/queue/index.js'

const URL_A = 'https://sqs.eu-west-1.amazonaws.com/123456789012/default'
const URL_F = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo'

t.test('YAML: legacy name: url form and the mapping form, with per-queue overrides', async (t) => {
  const cwd = t.testdir({
    config: {
      'aws_active_job_sqs.yml': [
        'queues:',
        `  default: ${URL_A}`,
        '  orders:',
        `    url: ${URL_F}`,
        '    max_messages: 5',
        '    message_group_id: 12345',
        '    excluded_deduplication_keys: [enqueued_at]',
        "message_group_id: '007'",
        'excluded_deduplication_keys: [arguments]',
        'threads: 7',
        'visibility_timeout: 60',
      ].join('\n'),
    },
  })
  const c = loadQueueConfig({ cwd, env: {} })
  const d = c.queue('default')
  t.equal(d.url, URL_A)
  t.equal(d.fifo, false)
  t.equal(d.maxMessages, 10)
  t.equal(d.visibilityTimeout, 60)
  t.equal(d.messageGroupId, '007', 'a quoted group id keeps its leading zeros')
  t.same(d.excludedDeduplicationKeys, ['arguments', 'job_id'], 'YAML keys always get job_id')
  const o = c.queue('orders')
  t.equal(o.fifo, true)
  t.equal(o.maxMessages, 5)
  t.equal(o.messageGroupId, '12345', 'numeric per-queue group id stays a string')
  t.same(o.excludedDeduplicationKeys, ['enqueued_at', 'job_id'])
  t.equal(c.concurrency, 7, 'threads (Ruby name) sets the concurrency')
  t.match(c.file, /aws_active_job_sqs\.yml$/)
})

t.test('per-environment file wins over the base file', async (t) => {
  const cwd = t.testdir({
    config: {
      'aws_active_job_sqs.yml': `queues:\n  default: ${URL_A}\n`,
      aws_active_job_sqs: { 'production.yml': `queues:\n  default: ${URL_F}\n` },
    },
  })
  t.equal(loadQueueConfig({ cwd, env: {}, nodeEnv: 'production' }).queue('default').url, URL_F)
  t.equal(loadQueueConfig({ cwd, env: {}, nodeEnv: 'test' }).queue('default').url, URL_A)
})

t.test('ENV: queues only in ENV, per-queue keys over YAML, code over ENV', async (t) => {
  const cwd = t.testdir({ config: { 'aws_active_job_sqs.yml': `queues:\n  default:\n    url: ${URL_A}\n    max_messages: 3\n` } })
  const env = {
    AWS_ACTIVE_JOB_SQS_REPORTS_URL: URL_F,
    AWS_ACTIVE_JOB_SQS_DEFAULT_MAX_MESSAGES: '4',
    AWS_ACTIVE_JOB_SQS_CONCURRENCY: '9',
    AWS_ACTIVE_JOB_SQS_MESSAGE_GROUP_ID: '42',
  }
  const c = loadQueueConfig({ cwd, env })
  t.equal(c.queue('reports').url, URL_F, 'AWS_ACTIVE_JOB_SQS_REPORTS_URL defines queue "reports"')
  t.equal(c.queue('default').maxMessages, 4, 'ENV beats YAML per queue')
  t.equal(c.concurrency, 9)
  t.equal(c.messageGroupId, '42', 'ENV group id stays a string')
  const coded = loadQueueConfig({ cwd, env, code: { queues: { default: { max_messages: 2 } }, concurrency: 3 } })
  t.equal(coded.queue('default').maxMessages, 2, 'code beats ENV per queue')
  t.equal(coded.queue('default').url, URL_A, 'code fields merge over the YAML entry')
  t.equal(coded.concurrency, 3)
  t.equal(queueEnvName('my-queue', 'URL'), 'AWS_ACTIVE_JOB_SQS_MY_QUEUE_URL')
})

t.test('THREADS from ENV beats concurrency from YAML; concurrency in code beats both', async (t) => {
  const cwd = t.testdir({ config: { 'aws_active_job_sqs.yml': 'concurrency: 5\n' } })
  t.equal(loadQueueConfig({ cwd, env: { AWS_ACTIVE_JOB_SQS_THREADS: '11' } }).concurrency, 11)
  t.equal(loadQueueConfig({ cwd, env: { AWS_ACTIVE_JOB_SQS_THREADS: '11' }, code: { concurrency: 2 } }).concurrency, 2)
})

t.test('an unknown queue names the queue and where to configure it', async (t) => {
  const c = loadQueueConfig({ cwd: t.testdir({}), env: {}, code: { queues: { default: URL_A } } })
  t.throws(() => c.queue('mailers'), {
    code: 'FASTIFY_AWS_UNKNOWN_QUEUE',
    message: /queue "mailers".*config\/aws_active_job_sqs\.yml.*AWS_ACTIVE_JOB_SQS_MAILERS_URL.*Configured queues: default/,
  })
})

t.test('bad input is a precise error', async (t) => {
  const bad = (yml: string) => loadQueueConfig({ cwd: t.testdir({ config: { 'aws_active_job_sqs.yml': yml } }), env: {} })
  t.throws(() => bad('queues:\n  default: not a url\n'), { code: 'FASTIFY_AWS_CONFIG', message: /queues.*default.*http\(s\) URL/ })
  t.throws(() => bad(`queues:\n  default:\n    url: ${URL_A}\n    max_mesages: 3\n`), { message: /max_mesages/ })
  t.throws(() => bad(`queues:\n  default:\n    url: ${URL_A}\n    max_messages: 11\n`), { message: /max_messages.*from 1 to 10/ })
  t.throws(() => bad('max_messages: 0\n'), { message: /max_messages.*from 1 to 10/ })
  t.throws(() => bad('concurrancy: 3\n'), { message: /did you mean "concurrency"/ })
  t.throws(() => loadQueueConfig({ cwd: t.testdir({}), env: { AWS_ACTIVE_JOB_SQS_DEFAULT_URL: 'ftp://x' } }), {
    message: /AWS_ACTIVE_JOB_SQS_DEFAULT_URL="ftp:\/\/x": expected an http\(s\) URL/,
  })
  t.throws(() => loadQueueConfig({ cwd: t.testdir({}), env: { AWS_ACTIVE_JOB_SQS_DEFAULT_URL: URL_A, AWS_ACTIVE_JOB_SQS_DEFAULT_MAX_MESSAGES: 'ten' } }), {
    message: /AWS_ACTIVE_JOB_SQS_DEFAULT_MAX_MESSAGES="ten"/,
  })
})

t.test('ENV for a queue whose YAML name has capitals or dashes overrides it instead of adding a second queue', async (t) => {
  const cwd = t.testdir({ config: { 'aws_active_job_sqs.yml': `queues:\n  Mail-Out: ${URL_A}\n` } })
  const c = loadQueueConfig({ cwd, env: { AWS_ACTIVE_JOB_SQS_MAIL_OUT_URL: URL_F } })
  t.same([...c.queues.keys()], ['Mail-Out'])
  t.equal(c.queue('Mail-Out').url, URL_F)
})

t.test("the seed's name config/aws_sqs_active_job.yml is read too (per environment first); both names at once is an error", async (t) => {
  const seed = t.testdir({
    config: {
      'aws_sqs_active_job.yml': `queues:\n  default: ${URL_A}\n`,
      aws_sqs_active_job: { 'production.yml': `queues:\n  default: ${URL_F}\n` },
    },
  })
  t.equal(loadQueueConfig({ cwd: seed, env: {}, nodeEnv: 'test' }).queue('default').url, URL_A)
  t.equal(loadQueueConfig({ cwd: seed, env: {}, nodeEnv: 'production' }).queue('default').url, URL_F)

  const both = t.testdir({
    config: { 'aws_active_job_sqs.yml': `queues:\n  default: ${URL_A}\n`, aws_sqs_active_job: { 'test.yml': `queues:\n  default: ${URL_F}\n` } },
  })
  t.throws(() => loadQueueConfig({ cwd: both, env: {}, nodeEnv: 'test' }), {
    code: 'FASTIFY_AWS_CONFIG',
    message: 'Both config/aws_active_job_sqs.yml and config/aws_sqs_active_job/test.yml exist: they are two names for the same settings. Keep one (merge the other into it).',
  })
})
