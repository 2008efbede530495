// `fastify-aws doctor`: checks an app's deployment files before they are zipped.
import { formatFindings, runDoctor } from '../../deploy/doctor.js'
import type { AwsClientOptions } from '../../aws/index.js'
import { parseFlags } from '../args.js'
import type { Command } from '../command.js'

const help = `Usage: fastify-aws doctor [--jobs FILE] [--endpoint URL] [--region REGION]

Checks the app's deployment, one line per finding with the fix: sqsd options within EB's ranges, HttpConnections
not above the worker's threads, nginx timeouts and VisibilityTimeout at least InactivityTimeout, HttpPath equal to
the worker's path, the worker flag set, the Procfile's target built, every cron.yaml task naming a registered and
allowed job (with --jobs), and the configured queues reachable when AWS credentials are present (said when skipped).
Exits 1 when a check fails.

Options:
  --jobs FILE       the built module registering the app's jobs (default: package.json "fastify-aws".jobs)
  --endpoint URL    SQS endpoint for the reachability check (emulators)
  --region REGION   AWS region
`

const command: Command = {
  summary: 'check an app\'s deployment (sqsd options, timeouts, worker flag, cron.yaml, Procfile, queues)',
  help,
  async run(io) {
    const { values } = parseFlags(io.argv, { jobs: { type: 'string' }, endpoint: { type: 'string' }, region: { type: 'string' } }, false)
    const aws: AwsClientOptions = {}
    if (values.endpoint !== undefined) aws.endpoint = values.endpoint
    if (values.region !== undefined) aws.region = values.region
    const findings = await runDoctor({ root: io.cwd, jobs: values.jobs, env: io.env, aws })
    io.stdout.write(formatFindings(findings))
    const errors = findings.filter((f) => f.level === 'error').length
    io.stdout.write(errors === 0 ? 'fastify-aws doctor: no problems found.\n' : `fastify-aws doctor: ${errors} problem(s) to fix before deploying.\n`)
    return errors === 0 ? 0 : 1
  },
}

export default command
