// Small job classes for the queue tests.
import { Job, JobRegistry } from '../../src/jobs/index.js'

/** A job on the `default` queue. */
export class GreetJob extends Job {
  static override readonly jobName = 'GreetJob'
  async perform(_name: string): Promise<void> {}
}

/** A job for the FIFO `orders` queue with its own group and dedup keys. */
export class OrderJob extends Job {
  static override readonly jobName = 'OrderJob'
  static override queueName = 'orders'
  static override messageGroupId: string | undefined = 'order-group'
  async perform(_orderId: number): Promise<void> {}
}

/** OrderJob deduplicated on arguments only. */
export class DedupOrderJob extends Job {
  static override readonly jobName = 'DedupOrderJob'
  static override queueName = 'orders'
  static override deduplicateWithout = ['enqueued_at']
  async perform(_orderId: number): Promise<void> {}
}

/** A registry holding the jobs above. */
export function jobsRegistry(): JobRegistry {
  return new JobRegistry().register(GreetJob, OrderJob, DedupOrderJob)
}
