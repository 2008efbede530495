/**
 * The SQS job queue: `useSqsQueue()` makes `Job.performLater` send to SQS (sync or async, FIFO group and
 * deduplication ids, delays of any length, batches of 10), configured like Rails' aws-activejob-sqs.
 * @module
 */
export { useSqsQueue } from './use.js'
export { fastifyAwsQueue, sqsQueuePlugin, type FastifyAwsQueueOptions, type SqsQueuePluginOptions } from './plugin.js'
export { SqsQueue, type SqsQueueOptions, type EnqueueResult, type AsyncErrorHandler } from './sqs-queue.js'
export {
  loadQueueConfig,
  queueOptions,
  queueConfigSource,
  queueEnvName,
  isFifoUrl,
  SQS_MAX_MESSAGE_BYTES,
  type QueueConfig,
  type QueueSettings,
  type QueueConfigInput,
  type LoadQueueConfigOptions,
} from './config.js'
export { type QueueEntry } from './queue-entry.js'
export {
  buildMessage,
  JOB_CLASS_ATTRIBUTE,
  JOB_VERSION_ATTRIBUTE,
  type OutgoingMessage,
} from './message.js'
export { deduplicationId, messageGroupIdFor } from './fifo.js'
export { sendBatches, type SendOutcome, type BatchSendOptions } from './batch-send.js'
// Kept here too for code written before the shared SQS layer (fastify-aws/sqs) existed.
export { isRetryableSqsError, createSqsClient, remainingDelaySeconds, MAX_DELAY_SECONDS } from '../sqs/index.js'
