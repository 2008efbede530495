import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs'
import { createAwsClient, loadAwsClientOptions } from 'fastify-aws/aws'

// The Rails app's keys: config/credentials.yml.enc (or config/credentials/<NODE_ENV>.yml.enc) opened with
// config/master.key or RAILS_MASTER_KEY. They beat AWS_ACCESS_KEY_ID, profiles and the instance role; keys given in
// code or config/aws.yml beat them. Every part of fastify-aws (queue, poller, sessions, mail) loads its clients so.
const sqs = createAwsClient(SQSClient, loadAwsClientOptions(), 'example')

const { accessKeyId } = await sqs.config.credentials()
console.log(`signing as ${accessKeyId}`) // an access key id is not a secret; never print the secret key
const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}))
console.log(`${QueueUrls.length} queues`)
sqs.destroy()
