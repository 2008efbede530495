// fastify-aws/mail: the mailer and its Fastify plugin.
import Fastify from 'fastify'
import { describe, expect, test } from 'tstyche'
import { createMailer, fastifyAwsMail, type Mailer, type SentMail } from 'fastify-aws/mail'

describe('mailer', () => {
  test('createMailer sends a message', () => {
    const mailer = createMailer({ from: 'app@example.com', region: 'eu-west-1' })
    expect(mailer).type.toBe<Mailer>()
    expect(mailer.send({ to: 'you@example.com', subject: 'Hi', text: 'Hello' })).type.toBe<Promise<SentMail>>()
    expect(mailer.send).type.not.toBeCallableWith({ to: 42, subject: 'Hi' })
    expect(mailer.close()).type.toBe<Promise<void>>()
  })

  test('the plugin decorates the instance with the default and the named mailers', () => {
    const app = Fastify()
    expect(app.register(fastifyAwsMail, { from: 'app@example.com' })).type.not.toRaiseError()
    expect(app.register(fastifyAwsMail, { namespace: 'marketing' })).type.not.toRaiseError()
    expect(app.mailer).type.toBe<Mailer>()
    expect(app.mailers).type.toBe<ReadonlyMap<string, Mailer>>()
  })

  test('configuration is read from configLoad (config still compiles, deprecated)', () => {
    expect(createMailer({ configLoad: { cwd: '/srv/app', env: process.env, nodeEnv: 'production' } })).type.toBe<Mailer>()
    expect(createMailer).type.not.toBeCallableWith({ configLoad: { cwd: 1 } })
    expect(createMailer({ config: { cwd: '/srv/app' } })).type.toBe<Mailer>()
  })
})
