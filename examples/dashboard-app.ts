import Fastify from 'fastify'
import { fastifyAwsDashboard } from 'fastify-aws/dashboard'
import { Job, defaultRegistry } from 'fastify-aws/jobs'
import { useSqsQueue } from 'fastify-aws/queue'
import { fastifyAwsWorker } from 'fastify-aws/worker'

class ReportJob extends Job {
  static override readonly jobName = 'ReportJob'
  async perform(period: string): Promise<void> {
    this.context.log.info({ period }, 'report built')
  }
}
defaultRegistry.register(ReportJob)

const app = Fastify({ logger: true })
// performLater, and the dashboard's enqueue form, send to the queues of config/aws_active_job_sqs.yml.
const queue = useSqsQueue({ logger: app.log })
app.addHook('onClose', () => queue.close())
await app.register(fastifyAwsWorker, { enabled: true })
// Under /_jobs: those queues with their dead-letter queues, this process's runs, cron.yaml, an enqueue form.
// Basic auth comes from FASTIFY_AWS_DASHBOARD_USERNAME / _PASSWORD; without it, only 127.0.0.1 may listen.
await app.register(fastifyAwsDashboard)
await app.listen({ port: Number(process.env.PORT ?? 8080), host: process.env.HOST ?? '0.0.0.0' })
