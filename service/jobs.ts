// The reference service's jobs: the README's examples, and what `npm run dev` runs.
import { Job, type JobRegistry } from 'fastify-aws/jobs'

/** Logs its arguments. `npx fastify-aws enqueue HelloJob '["world"]'` runs it. */
export class HelloJob extends Job {
  static override readonly jobName = 'HelloJob'
  static override queueName = 'default'

  async perform(...args: unknown[]): Promise<void> {
    const [name] = args
    this.context.log.info({ args, attempt: this.context.attempt }, `Hello, ${typeof name === 'string' ? name : 'world'}!`)
  }
}

/** A periodic task declared in cron.yaml: logs that the worker is alive and when it was scheduled. */
export class HeartbeatJob extends Job {
  static override readonly jobName = 'HeartbeatJob'
  static override queueName = 'default'

  async perform(): Promise<void> {
    const { delivery } = this.context
    this.context.log.info({ task: delivery.taskName, scheduled_at: delivery.scheduledAt }, 'Heartbeat')
  }
}

/** Registers the service's jobs; `fastify-aws poll --jobs` modules export a function of this shape. */
export function registerServiceJobs(registry: JobRegistry): JobRegistry {
  return registry.register(HelloJob, HeartbeatJob)
}
