import { Job, JobRegistry } from 'fastify-aws/jobs'
import { createLambdaHandler } from 'fastify-aws/lambda'
import { pino } from 'pino'

class ResizeImageJob extends Job {
  static override readonly jobName = 'ResizeImageJob'
  static override retry = { attempts: 5, backoff: { type: 'exponential' as const, delay: 10 } }

  async perform(key: string, width: number): Promise<void> {
    this.context.log.info({ key, width, message_id: this.context.delivery.messageId }, 'resizing')
  }
}

// Only the jobs registered here can run. Enable ReportBatchItemFailures on the SQS trigger: the handler
// answers { batchItemFailures } and Lambda deletes every other record of the batch.
export const handler = createLambdaHandler({
  registry: new JobRegistry().register(ResizeImageJob),
  // Lambda sends stdout to CloudWatch Logs. Write synchronously: the environment may freeze as soon as the handler
  // returns, and pino's default asynchronous stdout could hold lines back until the next invocation (or lose them).
  logger: pino(pino.destination({ sync: true })),
})
