/**
 * Local stand-in for Elastic Beanstalk's worker daemon (aws-sqsd) with cron.yaml, and the `fastify-aws dev`
 * stack: embedded SQS, worker and dead-letter queues, the app with its worker enabled, and the daemon.
 * @module
 */
export { SqsdDaemon, type SqsdDaemonOptions, type SqsdStats } from './daemon.js'
export {
  sqsdOptions,
  sqsdConfigSource,
  loadSqsdSettings,
  defaultSqsdSettings,
  parseHttpUrl,
  type SqsdSettings,
  type LoadedSqsdSettings,
} from './options.js'
export {
  sqsdRequest,
  scheduledTask,
  queueNameOf,
  isoSeconds,
  SQSD_USER_AGENT,
  SCHEDULED_ATTRIBUTES,
  SCHEDULED_BODY,
  type SqsdRequest,
} from './headers.js'
export { postToApp, createSqsdAgent, type PostOutcome, type PostTarget } from './http-post.js'
export { CronScheduler, type CronSchedulerOptions } from './cron-scheduler.js'
export { systemClock, type Clock, type TimerHandle } from './clock.js'
export { scheduledTaskMessage, sendScheduledTask } from './scheduled-message.js'
export { createWorkerQueues, type WorkerQueues, type WorkerQueueOptions } from './queues.js'
export { checkWorkerQueue, type QueueCheck } from './queue-check.js'
export { DeleteBatcher } from './delete-batcher.js'
export { startEmbeddedSqs, EMBEDDED_SQS_AWS, type EmbeddedSqs } from './embedded-sqs.js'
export { startDevStack, type DevStack, type DevStackOptions, type DevAppContext } from './dev-stack.js'
export { loadAppModule, type DevAppFactory } from './app-module.js'
export { devOptions, devConfigSource, loadDevOptions } from './dev-options.js'
export { DEV_STATE_FILE, readDevState, writeDevState, removeDevState, type DevState } from './state-file.js'
export { resolveTargetQueue, type TargetQueue, type TargetQueueInput } from './target-queue.js'
export { listenForStop, REPEATED_SIGNAL_WINDOW_MS, type StopListener } from './signals.js'
