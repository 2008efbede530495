// The SQS client this library makes when the app gives none, with a time limit on every call.
import { SQSClient } from '@aws-sdk/client-sqs'
import { awsConfigOptions, createAwsClient, loadAwsClientOptions, type AwsClientOptions } from '../aws/index.js'
import type { LoadConfigOptions } from '../config/index.js'

/** Seconds an SQS call (other than a long poll) may take before it is given up and retried (the SDK's retries). */
export const DEFAULT_CALL_TIMEOUT_SECONDS = 10
/** Seconds to connect before a connection attempt is given up. */
const CONNECT_TIMEOUT_MS = 5_000

/** Clients made by {@link createSqsClient}: their handler turns a call's `requestTimeout` into an error. */
const timed = new WeakSet<SQSClient>()

/** Time limits of the clients {@link createSqsClient} makes. */
export interface SqsCallTimeouts {
  /** Seconds a call may take (default 10); a long poll passes its own limit per call (see {@link receiveTimeoutMs}). */
  callTimeoutSeconds?: number
}

/**
 * An SQS client from config/aws.yml + `aws`, tagged with `component`. It sends every call to the resolved
 * endpoint rather than the queue URL's host (`useQueueUrlAsEndpoint: false`), so an endpoint given by
 * `AWS_ENDPOINT_URL_SQS` or config/aws.yml reaches emulators whose queue URLs name an unresolvable host
 * (fauxqs, LocalStack); on AWS the two hosts are the same.
 *
 * Every call has a time limit (`callTimeoutSeconds`, connecting 5 s): behind a connection that stops answering (a
 * lost NAT mapping, a half-open socket) the SDK's default is to wait for ever, so a consumer would log nothing and
 * consume nothing. A call over its limit fails with a retryable TimeoutError and its socket is destroyed, so the
 * retry opens a new connection. A `requestHandler` given in `aws.clientConfig` replaces these limits.
 */
export function createSqsClient(
  aws: AwsClientOptions = {},
  component = 'queue',
  load: Omit<LoadConfigOptions<typeof awsConfigOptions>, 'code'> = {},
  timeouts: SqsCallTimeouts = {},
): SQSClient {
  const options = loadAwsClientOptions(aws, load)
  const requestHandler = {
    connectionTimeout: CONNECT_TIMEOUT_MS,
    requestTimeout: (timeouts.callTimeoutSeconds ?? DEFAULT_CALL_TIMEOUT_SECONDS) * 1000,
    throwOnRequestTimeout: true,
  }
  const own = options.clientConfig?.requestHandler === undefined
  const client = createAwsClient(
    SQSClient,
    { ...options, clientConfig: { useQueueUrlAsEndpoint: false, ...(own ? { requestHandler } : {}), ...options.clientConfig } },
    component,
  )
  if (own) timed.add(client)
  return client
}

/**
 * The per-call limit of a long poll waiting `waitTimeSeconds` (its wait plus the call timeout), for clients that
 * honour one; undefined for other clients (a caller's own SQSClient), whose handler would only warn.
 */
export function receiveTimeoutMs(client: SQSClient, waitTimeSeconds: number, callTimeoutSeconds = DEFAULT_CALL_TIMEOUT_SECONDS): number | undefined {
  return timed.has(client) ? (waitTimeSeconds + callTimeoutSeconds) * 1000 : undefined
}
