/**
 * fastify-aws: the Elastic Beanstalk worker tier, an SQS job queue, DynamoDB sessions and SES mail for Fastify.
 *
 * The root export carries the core (jobs, worker tier, errors); each other part has its own subpath:
 * `fastify-aws/queue`, `/sqs`, `/poller`, `/lambda`, `/sqsd`, `/dev`, `/sessions`, `/record`, `/mail`, `/dashboard`,
 * `/aws`, `/config`.
 * @module
 */
export * from './jobs/index.js'
export * from './worker/index.js'
export * as errors from './errors.js'
