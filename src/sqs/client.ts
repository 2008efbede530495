// The SQS client this library makes when the app gives none.
import { SQSClient } from '@aws-sdk/client-sqs'
import { awsConfigOptions, createAwsClient, loadAwsClientOptions, type AwsClientOptions } from '../aws/index.js'
import type { LoadConfigOptions } from '../config/index.js'

/**
 * An SQS client from config/aws.yml + `aws`, tagged with `component`. It sends every call to the resolved
 * endpoint rather than the queue URL's host (`useQueueUrlAsEndpoint: false`), so an endpoint given by
 * `AWS_ENDPOINT_URL_SQS` or config/aws.yml reaches emulators whose queue URLs name an unresolvable host
 * (fauxqs, LocalStack); on AWS the two hosts are the same.
 */
export function createSqsClient(
  aws: AwsClientOptions = {},
  component = 'queue',
  load: Omit<LoadConfigOptions<typeof awsConfigOptions>, 'code'> = {},
): SQSClient {
  const options = loadAwsClientOptions(aws, load)
  return createAwsClient(SQSClient, { ...options, clientConfig: { useQueueUrlAsEndpoint: false, ...options.clientConfig } }, component)
}
