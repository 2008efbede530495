/**
 * fastify-aws: the Elastic Beanstalk worker tier, an SQS job queue, DynamoDB sessions and SES mail for Fastify.
 *
 * The root export carries the core (jobs, worker tier, errors); each part also has its own subpath
 * (`fastify-aws/jobs`, `/queue`, `/sessions`, …: the README's "Subpath exports" lists them all).
 * @module
 */
export * from './jobs/index.js'
export * from './worker/index.js'
export * as errors from './errors.js'
