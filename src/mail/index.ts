/**
 * SES mail for the web tier: a Fastify plugin (`fastify.mailer`, `fastify.mailers`) and a framework-free
 * {@link createMailer}, sending MIME built by nodemailer's MailComposer through SES v2 SendEmail (or SES v1
 * SendRawEmail), with X-SES-* headers mapped to request parameters and `deliverLater` through the job queue.
 * @module
 */
export { fastifyAwsMail, fastifyAwsMail as default, type FastifyAwsMailOptions } from './plugin.js'
export {
  Mailer,
  createMailer,
  type MailerOptions,
  type SendOptions,
  type DeliverLaterOptions,
  type ComposedMail,
} from './mailer.js'
export type { SesClientLike } from './ses-client.js'
export type {
  MailMessage,
  MailAddress,
  MailAddresses,
  MailAttachment,
  MailHeaders,
  MailEnvelope,
  SesSendOptions,
  ListManagementOptions,
  SentMail,
  SesApi,
} from './message.js'
export type { MailDeliveryFailure } from './delivery-error.js'
export { SesDeliveryJob, registerDeliveryJob } from './delivery-job.js'
export { toJsonMessage, fromJsonMessage, type JsonMailMessage, type JsonAttachment, type JsonAddress } from './json-message.js'
export { mailConfigOptions, mailConfigSource, loadMailConfig, type MailConfig, type MailConfigInput } from './config.js'
export { MAX_MESSAGE_BYTES, MAX_RECIPIENTS } from './limits.js'
export { MailMessageError, MailTooLargeError, MailDeliveryError, MailerError, MailerClosedError, MailerNotFoundError } from '../errors.js'
