import diagnosticsChannel from 'node:diagnostics_channel'
import { GetQueueUrlCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs'
import { instrumentSdkOperations, type AwsSdkOperationEvent } from 'fastify-aws/aws'

instrumentSdkOperations() // once, at start-up: every SDK client in the process publishes its operations

// Every operation of every service, once each, successes and failures alike:
diagnosticsChannel.subscribe('tracing:aws-sdk:operation:asyncEnd', (message) => {
  const { name, duration, requestId, error } = message as AwsSdkOperationEvent
  const outcome = error === undefined ? 'ok' : `failed (${(error as Error).name})`
  console.log(`${name} ${outcome} in ${duration?.toFixed(1)} ms, request id ${requestId}`)
})
// One operation of one service (aws-sdk-rails' "list_queues.SQS.aws"):
diagnosticsChannel.subscribe('ListQueues.SQS.aws', (message) => {
  console.log(`queues listed by request ${(message as AwsSdkOperationEvent).requestId}`)
})

const sqs = new SQSClient({}) // your own client: region, endpoint, credentials from the SDK's chain
await sqs.send(new ListQueuesCommand({}))
await sqs.send(new GetQueueUrlCommand({ QueueName: 'no-such-queue' })).catch(() => {})
sqs.destroy()
