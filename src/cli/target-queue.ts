// Which queue `enqueue` and `cron run` send to: a flag, else the running `fastify-aws dev`, else configuration.
import { SQSClient } from '@aws-sdk/client-sqs'
import { resolve } from 'node:path'
import { createAwsClient, loadAwsClientOptions, type AwsClientOptions } from '../aws/index.js'
import { DevQueueNotFoundError } from '../errors.js'
import { EMBEDDED_SQS_AWS } from '../dev/embedded-sqs.js'
import { DEV_STATE_FILE, readDevState, type DevState } from '../dev/state-file.js'

/** Inputs of {@link resolveTargetQueue}. */
export interface TargetQueueInput {
  /** `--queue-url`. */
  queueUrl?: string
  /** `--endpoint`: SQS endpoint (emulators). */
  endpoint?: string
  /** `--region`. */
  region?: string
  /** `--state-file`, relative to `cwd` (default `.fastify-aws/dev.json`). */
  statePath?: string
  cwd: string
  env: NodeJS.ProcessEnv
  /** The configured URL (queue config, sqsd config), asked only when neither a flag nor a dev run gives one. */
  configured?: () => string | undefined
  /** How to configure one, for the error message. */
  configureHint: string
}

/** The queue to send to and a client for it. */
export interface TargetQueue {
  queueUrl: string
  /** Where the URL came from. */
  source: 'flag' | 'dev' | 'config'
  /** The running dev stack, when that is the source. */
  dev: DevState | undefined
  client: SQSClient
}

/**
 * Picks the queue: `--queue-url` first; then the queue of a `fastify-aws dev` running in this directory (its
 * endpoint and dummy credentials come with it); then configuration. None → {@link DevQueueNotFoundError}.
 */
export function resolveTargetQueue(input: TargetQueueInput): TargetQueue {
  const load = { env: input.env, cwd: input.cwd }
  const overrides: AwsClientOptions = {}
  if (input.endpoint !== undefined) overrides.endpoint = input.endpoint
  if (input.region !== undefined) overrides.region = input.region
  const client = (options: AwsClientOptions): SQSClient => createAwsClient(SQSClient, options, 'dev')

  if (input.queueUrl !== undefined) {
    return { queueUrl: input.queueUrl, source: 'flag', dev: undefined, client: client(loadAwsClientOptions(overrides, load)) }
  }
  const dev = readDevState(resolve(input.cwd, input.statePath ?? DEV_STATE_FILE))
  if (dev !== undefined) {
    const options: AwsClientOptions = dev.embedded
      ? { region: dev.region, credentials: { ...EMBEDDED_SQS_AWS.credentials } }
      : loadAwsClientOptions({ region: dev.region }, load)
    if (dev.endpoint !== undefined) options.endpoint = dev.endpoint
    return { queueUrl: dev.queueUrl, source: 'dev', dev, client: client({ ...options, ...overrides }) }
  }
  const configured = input.configured?.()
  if (configured !== undefined) {
    return { queueUrl: configured, source: 'config', dev: undefined, client: client(loadAwsClientOptions(overrides, load)) }
  }
  throw new DevQueueNotFoundError(
    `pass --queue-url URL, ${input.configureHint}, or start "npm run dev" (fastify-aws dev) in ${input.cwd} first.`,
  )
}
