// useSqsQueue(): makes Job.performLater send to SQS (ActiveJob's `queue_adapter = :sqs`).
import { getQueueAdapter, setQueueAdapter } from '../jobs/index.js'
import { SqsQueue, type SqsQueueOptions } from './sqs-queue.js'

/**
 * Creates an {@link SqsQueue} and makes it the process-wide queue of `performLater`. Its `close()` also
 * unsets it (if it is still the current queue).
 *
 * @example
 * const queue = useSqsQueue({ logger: app.log })
 * await HelloJob.performLater('world')
 * app.addHook('onClose', () => queue.close())
 */
export function useSqsQueue(options: SqsQueueOptions = {}): SqsQueue {
  const queue = new SqsQueue(options)
  const close = queue.close.bind(queue)
  queue.close = async () => {
    await close()
    if (getQueueAdapter() === queue) setQueueAdapter(undefined)
  }
  setQueueAdapter(queue)
  return queue
}
