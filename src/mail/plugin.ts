// The Fastify plugin: `fastify.mailer` for the default mailer, `fastify.mailers.get(name)` for named ones.
import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import { MailerError } from '../errors.js'
import { checkMailerName } from './config.js'
import { createMailer, type Mailer, type MailerOptions } from './mailer.js'

/** Plugin options: a mailer's options, plus `namespace` to register another mailer beside the default one. */
export interface FastifyAwsMailOptions extends Omit<MailerOptions, 'name'> {
  /**
   * Registers a named mailer (`fastify.mailers.get(namespace)`), configured from `config/mail-<namespace>.yml`
   * and `FASTIFY_AWS_MAIL_<NAMESPACE>_*`. Unset: the default mailer, `fastify.mailer`.
   */
  namespace?: string
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The default mailer (registered without `namespace`). */
    mailer: Mailer
    /** Every mailer of this instance by name; the default one is `default`. */
    mailers: ReadonlyMap<string, Mailer>
  }
}

const mailPlugin: FastifyPluginAsync<FastifyAwsMailOptions> = async (fastify, options) => {
  const { namespace, ...mailerOptions } = options
  const name = namespace === undefined ? 'default' : checkMailerName(namespace)
  if (!fastify.hasDecorator('mailers')) fastify.decorate('mailers', new Map<string, Mailer>())
  const mailers = fastify.mailers as Map<string, Mailer>
  if (mailers.has(name)) {
    throw new MailerError(
      name === 'default'
        ? 'The default mailer is already registered: give the second registration a namespace.'
        : `A mailer with namespace ${JSON.stringify(name)} is already registered.`,
    )
  }
  if (name === 'default' && fastify.hasDecorator('mailer')) {
    throw new MailerError('fastify.mailer is already decorated by something else.')
  }
  const mailer = createMailer({ ...mailerOptions, name, logger: mailerOptions.logger ?? fastify.log })
  mailers.set(name, mailer)
  if (name === 'default') fastify.decorate('mailer', mailer)
  fastify.addHook('onClose', async () => {
    mailers.delete(name)
    await mailer.close()
  })
}

/**
 * Sends mail through SES v2 (or v1) from Fastify. Register once for `fastify.mailer`, again with a `namespace`
 * for more mailers. Clients the plugin creates are destroyed on close; a client you pass is left alone.
 *
 * @example
 * await app.register(fastifyAwsMail, { from: 'App <noreply@example.com>' })
 * app.post('/signup', async (req) => {
 *   await app.mailer.deliverLater({ to: req.body.email, subject: 'Welcome', text: 'Hello!' })
 * })
 */
export const fastifyAwsMail = fp(mailPlugin, { name: 'fastify-aws-mail', fastify: '5.x' })
