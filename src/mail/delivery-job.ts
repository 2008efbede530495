// deliverLater's job: the web tier enqueues the checked message, a worker (sqsd, poller, Lambda) sends it.
import { Job, defaultRegistry, type EnqueuedJob, type JobRegistry } from '../jobs/index.js'
import { findMailer } from './directory.js'
import { fromJsonMessage, type JsonMailMessage } from './json-message.js'

/**
 * Sends one mail through the live mailer of the given name. Failures are left to the queue (visibility timeout,
 * redrive policy, dead-letter queue): an unsent mail is never dropped. Set `SesDeliveryJob.retry` for a policy.
 */
export class SesDeliveryJob extends Job {
  static override readonly jobName = 'FastifyAws::SesDeliveryJob'

  /** Sends `message` with mailer `mailerName`; resolves to the SES MessageId. */
  async perform(mailerName: string, message: JsonMailMessage): Promise<string> {
    // No abort on shutdown: a send takes a moment, and cutting the request after SES accepted the mail would
    // report a failure and send it a second time on redelivery.
    const sent = await findMailer(mailerName).send(fromJsonMessage(message))
    return sent.messageId
  }
}

/** Registers {@link SesDeliveryJob} (idempotent), so workers can run delivery jobs. */
export function registerDeliveryJob(registry: JobRegistry = defaultRegistry): void {
  registry.register(SesDeliveryJob)
}

/** Enqueues a checked JSON message for `mailerName` on `queue`. */
export function enqueueDelivery(mailerName: string, message: JsonMailMessage, queue: string): Promise<EnqueuedJob> {
  return SesDeliveryJob.set({ queue }).performLater(mailerName, message)
}
