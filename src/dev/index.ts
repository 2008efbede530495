/**
 * `fastify-aws dev` as a library: the whole worker tier on one machine (embedded SQS, the worker queue and its
 * dead-letter queue, your app with its worker enabled, and the sqsd daemon with cron.yaml), for tests and scripts.
 * The daemon alone is `fastify-aws/sqsd`.
 * @module
 */
export { startDevStack, type DevStack, type DevStackOptions, type DevAppContext, type DevAppLogger } from './dev-stack.js'
export { type DevAppFactory } from './app-module.js'
export { DEV_STATE_FILE, readDevState, type DevState } from './state-file.js'
