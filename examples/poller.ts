import { Job, JobRegistry } from 'fastify-aws/jobs'
import { Poller, stopOnSignals } from 'fastify-aws/poller'
import { pino } from 'pino'

class HelloJob extends Job {
  static override readonly jobName = 'HelloJob'
  async perform(name: string): Promise<void> {
    this.context.log.info(`Hello, ${name}!`)
  }
}

const logger = pino()
// Polls every configured queue (AWS_ACTIVE_JOB_SQS_<QUEUE>_URL, config/aws_active_job_sqs.yml) with the
// SDK's region, endpoint and credentials: what `fastify-aws poll --concurrency 10` does.
const poller = new Poller({ registry: new JobRegistry().register(HelloJob), concurrency: 10, logger })

poller.on('completed', (run, message) => logger.info({ job_id: run.jobId, message_id: message.messageId }, 'job completed'))
poller.on('failed', ({ error, message, permanent, action }) =>
  logger.error({ err: error, message_id: message.messageId, permanent, action }, 'job failed'),
)

await poller.start()
stopOnSignals(poller, logger) // SIGINT/SIGTERM → stop gracefully; a second signal → stop now
await poller.closed()
logger.info(poller.stats, 'poller stopped')
