/**
 * The SQS layer every producer and consumer stands on: the client, which failures are worth another try, the delay
 * limit and re-sends of early jobs, dead-letter moves with the attribute copy, the one concurrency limit, batched
 * deletes and visibility changes, and what a queue's attributes say about it.
 * @module
 */
export { createSqsClient, receiveTimeoutMs, DEFAULT_CALL_TIMEOUT_SECONDS, type SqsCallTimeouts } from './client.js'
export { isRetryableSqsError } from './retryable.js'
export { sqsFailure } from './failure.js'
export { MAX_DELAY_SECONDS, remainingDelaySeconds } from './delay.js'
export { FAILURE_ATTRIBUTE, copyAttributes, sendBackToWait, moveToDeadLetter, type AnyMessageAttribute, type MessageCopy } from './copy.js'
export { Slots } from './slots.js'
export { EntryBatcher, type BatchCall, type BatchCallResult, type EntryBatcherOptions, type EntryOutcome, type EntryCallback } from './entry-batcher.js'
export { QueueWrites } from './queue-writes.js'
export { readQueueInfo, failedOperation, type QueueInfo } from './queue-info.js'
export { SCHEDULED_ATTRIBUTES, SCHEDULED_BODY, scheduledTaskMessage, sendScheduledTask } from './periodic-task.js'
