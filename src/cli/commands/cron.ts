// `fastify-aws cron run <name>` / `cron list`: a cron.yaml task by hand, as EB's leader would enqueue it.
import { targetQueueFlags, targetQueueInput } from '../target-queue-flags.js'
import { resolve } from 'node:path'
import { scheduledTaskMessage } from '../../sqs/index.js'
import { loadSqsdSettings } from '../../sqsd/options.js'
import { resolveTargetQueue } from '../target-queue.js'
import { readDevState, DEV_STATE_FILE } from '../../dev/state-file.js'
import { CliUsageError } from '../../errors.js'
import { loadCronYaml, nextFireTime } from '../../config/index.js'
import { SendMessageCommand } from '@aws-sdk/client-sqs'
import { parseFlags } from '../args.js'
import type { Command } from '../command.js'

const help = `Usage: fastify-aws cron run <name> [options]
       fastify-aws cron list [--cron FILE]

run:  sends the periodic-task message of cron.yaml entry <name> now (body "elasticbeanstalk scheduled job",
      beanstalk.sqsd.* attributes), as EB's leader does at the scheduled time; the daemon then POSTs to
      the entry's url with X-Aws-Sqsd-Taskname and X-Aws-Sqsd-Scheduled-At.
list: prints each entry with its next time (UTC).

Options:
  --cron FILE        cron.yaml (default: the running dev's, else ./cron.yaml)
  --queue-url URL    the worker queue (else the running "fastify-aws dev", else FASTIFY_AWS_SQSD_QUEUE_URL
                     or queue_url in config/sqsd.yml)
  --endpoint URL     SQS endpoint (emulators)
  --region REGION    AWS region
  --state-file FILE  state file of a running "fastify-aws dev" (.fastify-aws/dev.json)
`

const command: Command = {
  summary: 'Run a cron.yaml periodic task now (enqueue its message), or list the tasks',
  help,
  async run(io) {
    const { values, positionals } = parseFlags(io.argv, {
      cron: { type: 'string' },
      ...targetQueueFlags,
    })
    const [action, name, ...extra] = positionals
    if (action !== 'run' && action !== 'list') {
      throw new CliUsageError(`Say what to do: "fastify-aws cron run <name>" or "fastify-aws cron list"${action ? ` (got "${action}")` : ''}.`)
    }
    if (extra.length > 0 || (action === 'list' && name !== undefined)) {
      throw new CliUsageError(`Unexpected argument "${action === 'list' ? name : extra[0]}".`)
    }
    const statePath = values['state-file'] ?? DEV_STATE_FILE
    const dev = readDevState(resolve(io.cwd, statePath))
    const file = resolve(io.cwd, values.cron ?? dev?.cronFile ?? 'cron.yaml')
    const entries = loadCronYaml(file)

    if (action === 'list') {
      const now = new Date()
      for (const e of entries) {
        io.stdout.write(`${e.name.padEnd(24)} ${e.schedule.padEnd(16)} ${e.url.padEnd(12)} next ${nextFireTime(e.schedule, now).toISOString()}\n`)
      }
      return 0
    }
    if (name === undefined) throw new CliUsageError(`Give the task name: fastify-aws cron run <name> (tasks in ${file}: ${names(entries)}).`)
    const entry = entries.find((e) => e.name === name)
    if (entry === undefined) {
      throw new CliUsageError(`${file} has no task "${name}"; its tasks are: ${names(entries)} (names are case-sensitive).`)
    }

    const load = { env: io.env, cwd: io.cwd }
    const target = resolveTargetQueue({
      ...load,
      ...targetQueueInput(values),
      statePath,
      configured: () => loadSqsdSettings(load).queueUrl,
      configureHint: 'set FASTIFY_AWS_SQSD_QUEUE_URL (or queue_url in config/sqsd.yml)',
    })
    try {
      const scheduledAt = new Date()
      const out = await target.client.send(new SendMessageCommand(scheduledTaskMessage(target.queueUrl, entry, scheduledAt)))
      io.stdout.write(
        `Enqueued periodic task ${entry.name} (POST ${entry.url}, scheduled at ${scheduledAt.toISOString()}, message ${out.MessageId ?? '?'}) ` +
          `to ${target.queueUrl}${target.source === 'dev' ? ' (fastify-aws dev)' : ''}\n`,
      )
      return 0
    } finally {
      target.client.destroy()
    }
  },
}

function names(entries: readonly { name: string }[]): string {
  return entries.length ? entries.map((e) => e.name).join(', ') : '(none)'
}

export default command
