/**
 * The SQS poller: runs jobs from SQS queues with continuous bounded concurrency, batched deletes, backoff
 * through visibility changes, visibility heartbeats, FIFO group order and graceful shutdown.
 * Run it with `fastify-aws poll`, or embed a {@link Poller}.
 * @module
 */
export { Poller, type PollerStats } from './poller.js'
export { type PollerOptions, type PermanentFailureHandler, type PermanentFailureAction } from './options.js'
export { type PollerEvents, type FailedEvent, type DelayedEvent } from './events.js'
export { type ReceivedMessage, deliveryOf } from './received.js'
export { stopOnSignals } from './signals.js'
export { FAILURE_ATTRIBUTE, readQueueInfo, type QueueInfo } from '../sqs/index.js'
