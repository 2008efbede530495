import { Job, defaultRegistry } from 'fastify-aws/jobs'

class ReportJob extends Job {
  // The name in every message; use the Rails class name to share a queue with Rails.
  static override readonly jobName = 'ReportJob'
  static override queueName = 'reports'
  static override retry = { attempts: 5, backoff: { type: 'exponential' as const, delay: 10 } }
  static override discardOn = ['ValidationError']

  async perform(period: string, options: { region: string }): Promise<void> {
    const { attempt, delivery, signal, log } = this.context
    log.info({ period, region: options.region, attempt, transport: delivery.transport }, 'building report')
    if (signal.aborted) return // the process is shutting down: stop early, the message comes back
  }
}

defaultRegistry.register(ReportJob)
