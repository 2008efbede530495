/**
 * A stand-alone aws-sqsd, Elastic Beanstalk's worker daemon, for running the worker tier off EB (Docker, Kubernetes)
 * and in development: long-polls the worker queue, POSTs each message to the app with the real headers, deletes it
 * only on 200, and fires cron.yaml's periodic tasks. Run it with `fastify-aws sqsd`, or embed an {@link SqsdDaemon}.
 * @module
 */
export { SqsdDaemon, type SqsdDaemonOptions, type SqsdStats } from './daemon.js'
export {
  sqsdOptions,
  sqsdConfigSource,
  loadSqsdSettings,
  defaultSqsdSettings,
  type SqsdSettings,
  type LoadedSqsdSettings,
} from './options.js'
export { SQSD_USER_AGENT } from './headers.js'
export { type CronScheduler } from './cron-scheduler.js'
export { type Clock, type TimerHandle } from './clock.js'
