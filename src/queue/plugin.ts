// Fastify plugin: the SQS queue for performLater, opened with the app and flushed/closed with it.
import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import { getQueueAdapter, setQueueAdapter } from '../jobs/index.js'
import { SqsQueue, type SqsQueueOptions } from './sqs-queue.js'
import { SQS_QUEUE_PLUGIN_RENAMED, warnFirst } from '../deprecations.js'

/** Options of {@link fastifyAwsQueue}: those of `SqsQueue`, plus whether `performLater` should use it. */
export interface FastifyAwsQueueOptions extends SqsQueueOptions {
  /** Make it the queue of `Job.performLater` (default true). */
  setAdapter?: boolean
}

/** @deprecated Renamed {@link FastifyAwsQueueOptions}. */
export type SqsQueuePluginOptions = FastifyAwsQueueOptions

declare module 'fastify' {
  interface FastifyInstance {
    /** The SQS job queue (enqueue, enqueueAll, flush). */
    jobQueue: SqsQueue
  }
}

const plugin: FastifyPluginAsync<FastifyAwsQueueOptions> = async (fastify, options) => {
  const { setAdapter = true, ...queueOptions } = options
  const queue = new SqsQueue({ logger: fastify.log, ...queueOptions })
  fastify.decorate('jobQueue', queue)
  if (setAdapter) setQueueAdapter(queue)
  fastify.addHook('onClose', async () => {
    // close() waits for background sends; it destroys the SQS client only if the queue created it.
    await queue.close()
    if (getQueueAdapter() === queue) setQueueAdapter(undefined)
  })
}

/**
 * Registers an {@link SqsQueue} as `fastify.jobQueue` and (by default) as the queue of `performLater`.
 * On close it waits for async sends and closes only what it created (a given `client` stays open).
 *
 * @example
 * await app.register(fastifyAwsQueue, { async: true })
 * app.post('/signup', async (req) => { await WelcomeJob.performLater(req.body.email); return { ok: true } })
 */
export const fastifyAwsQueue = fp(plugin, { name: 'fastify-aws-queue', fastify: '5.x' })

/** @deprecated Renamed {@link fastifyAwsQueue} (same options and decorator); warns once (FASTIFY_AWS_DEP002). */
export const sqsQueuePlugin = fp(warnFirst(plugin, SQS_QUEUE_PLUGIN_RENAMED), { name: 'fastify-aws-queue', fastify: '5.x' })
