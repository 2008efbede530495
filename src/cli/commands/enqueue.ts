// `fastify-aws enqueue <JobName> [JSON args]`: pushes one job by hand, to the dev queue or a real SQS queue.
import { targetQueueFlags, targetQueueInput } from '../target-queue-flags.js'
import { Job, jobRequest, type JobClass } from '../../jobs/index.js'
import { loadQueueConfig, SqsQueue } from '../../queue/index.js'
import { resolveTargetQueue } from '../target-queue.js'
import { CliUsageError } from '../../errors.js'
import { intFlag, parseFlags } from '../args.js'
import type { Command } from '../command.js'

const help = `Usage: fastify-aws enqueue <JobName> [JSON args] [options]

Sends one job message (the ActiveJob envelope the worker runs) to a queue.
  JobName            the registered job name, e.g. HelloJob or Admin::ReportJob
  JSON args          the arguments of perform, as a JSON array, e.g. '["world", 2]' (default [])

Options:
  --queue NAME       the job's queue name (queue_name in the envelope) (default)
  --delay S          seconds before the job may run, 0-900 (SQS DelaySeconds) (0)
  --queue-url URL    send to this queue
  --endpoint URL     SQS endpoint (emulators)
  --region REGION    AWS region
  --state-file FILE  state file of a running "fastify-aws dev" (.fastify-aws/dev.json)
  --force            send even if the running dev service has no job of that name

Which queue: --queue-url; else the queue of "fastify-aws dev" running in this directory; else the URL
configured for --queue (config/aws_active_job_sqs.yml "queues:", AWS_ACTIVE_JOB_SQS_<QUEUE>_URL).
`

/** Ruby-constant-shaped names, as the job registry accepts them. */
const JOB_NAME = /^[A-Z][A-Za-z0-9_]*(::[A-Z][A-Za-z0-9_]*)*$/
/** SQS's longest DelaySeconds; the worker tier runs a message as soon as it is delivered. */
const MAX_DELAY = 900

/** The arguments given as JSON text, or a usage error saying what is wrong and how to write them. */
export function parseJobArguments(text: string | undefined): unknown[] {
  if (text === undefined) return []
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new CliUsageError(
      `JSON args ${JSON.stringify(text)} are not valid JSON (${(err as Error).message}). ` +
        `Write a JSON array in single quotes, e.g. '["world", 2]'.`,
    )
  }
  if (!Array.isArray(value)) {
    throw new CliUsageError(
      `JSON args must be an array of the arguments of perform, got ${value === null ? 'null' : typeof value}: ${text}. ` +
        `Wrap one argument in brackets, e.g. '[${text}]'.`,
    )
  }
  return value
}

/** A job class standing for `name`: the CLI sends jobs it has no code for; only the name and queue matter. */
export function jobNamed(name: string): JobClass {
  const job = class extends Job {
    perform(): void {}
  }
  Object.defineProperty(job, 'jobName', { value: name })
  return job as unknown as JobClass
}

const command: Command = {
  summary: 'Send one job to a queue (the running dev queue, or SQS from config)',
  help,
  async run(io) {
    const { values, positionals } = parseFlags(io.argv, {
      queue: { type: 'string' },
      delay: { type: 'string' },
      ...targetQueueFlags,
      force: { type: 'boolean' },
    })
    const [name, argsText, ...extra] = positionals
    if (name === undefined) throw new CliUsageError(`Give the job name, e.g. fastify-aws enqueue HelloJob '["world"]'.`)
    if (!JOB_NAME.test(name)) {
      throw new CliUsageError(`"${name}" is not a job name: it must look like HelloJob or Admin::ReportJob (a capital first letter).`)
    }
    if (extra.length > 0) {
      throw new CliUsageError(`Give the arguments as one JSON array (in quotes), e.g. '["a", 1]'; got extra words: ${extra.join(' ')}.`)
    }
    const args = parseJobArguments(argsText)
    const delay = intFlag('delay', values.delay, 0)
    if (delay !== undefined && delay > MAX_DELAY) {
      throw new CliUsageError(`--delay takes 0 to ${MAX_DELAY} seconds (SQS DelaySeconds), got "${values.delay}".`)
    }
    const queueName = values.queue ?? 'default'
    const load = { env: io.env, cwd: io.cwd }

    const target = resolveTargetQueue({
      ...load,
      ...targetQueueInput(values),
      configured: () => loadQueueConfig(load).queues.get(queueName)?.url,
      configureHint: `configure queue "${queueName}" (config/aws_active_job_sqs.yml "queues:", or AWS_ACTIVE_JOB_SQS_${queueName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL)`,
    })
    try {
      const known = target.dev?.jobs
      if (known && known.length > 0 && !known.includes(name) && !values.force) {
        throw new CliUsageError(
          `The running dev service has no job "${name}" (it has ${known.join(', ')}); the worker would answer 500 until the ` +
            `message goes to the dead-letter queue. Fix the name (it is case-sensitive), or pass --force.`,
        )
      }
      // The queue adapter builds the message (envelope, job attributes, DelaySeconds) exactly as performLater does.
      const queue = new SqsQueue({
        client: target.client,
        configLoad: { ...load, code: { queues: { [queueName]: target.queueUrl } } },
        async: false,
      })
      const request = jobRequest(jobNamed(name), args, { queue: queueName, ...(delay ? { wait: delay } : {}) })
      const sent = await queue.enqueue(request)
      await queue.close()
      io.stdout.write(
        `Enqueued ${name} ${JSON.stringify(args)} (job_id ${sent.jobId}, message ${sent.providerJobId ?? '?'}) ` +
          `to ${target.queueUrl}${target.source === 'dev' ? ' (fastify-aws dev)' : ''}${delay ? `, runs in ${delay} s` : ''}\n`,
      )
      return 0
    } finally {
      target.client.destroy()
    }
  },
}

export default command
