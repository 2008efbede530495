// A message SES would refuse fails before any request, with an error naming the field; SES failures surface
// with their code and the mail is never reported as sent.
import t from 'tap'
import { MessageRejected } from '@aws-sdk/client-sesv2'
import { MAX_MESSAGE_BYTES, MAX_RECIPIENTS, type MailMessage } from '../../src/mail/index.js'
import { freePort } from '../helpers/emulators.js'
import { startRecordedSes } from './ses-recorder.js'
import { capturingLogger, mailerFor } from './fixtures.js'

const ses = await startRecordedSes()
t.teardown(() => ses.close())
t.beforeEach(() => ses.clear())

const ok: MailMessage = { from: 'app@example.com', to: 'ann@example.com', subject: 's', text: 'x' }

const cases: [string, MailMessage, RegExp][] = [
  ['no sender', { to: 'ann@example.com', text: 'x' }, /no sender: set message\.from or the mailer's from/],
  ['no recipient', { from: 'app@example.com', text: 'x' }, /no recipient: set to, cc or bcc/],
  ['empty recipient list', { ...ok, to: [] }, /no recipient/],
  ['an explicit envelope with no recipient', { ...ok, envelope: { to: [] } }, /envelope\.to has no recipient/],
  ['a bare word as address', { ...ok, to: 'ann' }, /to is not a valid email address: "ann"/],
  ['a missing domain', { ...ok, cc: ['ok@example.com', 'bob@'] }, /cc\[1\] is not a valid email address: "bob@"/],
  ['a domain without a dot', { ...ok, bcc: 'root@localhost' }, /bcc is not a valid email address/],
  ['a non-ASCII local part (SES has no SMTPUTF8)', { ...ok, to: 'jörg@example.com' }, /local part must be ASCII/],
  ['CR/LF smuggling another address', { ...ok, to: 'a@example.com\r\nBcc: evil@example.com' }, /control character/],
  ['an invalid from', { ...ok, from: 'not an address' }, /from is not a valid email address/],
  ['two from addresses', { ...ok, from: 'a@example.com, b@example.com' }, /from must be one address/],
  ['an invalid reply-to', { ...ok, replyTo: { name: 'x', address: 'nope' } }, /replyTo is not a valid email address/],
  ['too many recipients', { ...ok, to: Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => `u${i}@example.com`) }, /51 recipients; SES accepts at most 50/],
  ['an address header in headers', { ...ok, headers: { Bcc: 'x@example.com' } }, /set message\.bcc instead of a Bcc header/],
  ['a MIME header in headers', { ...ok, headers: { 'Content-Type': 'text/html' } }, /Content-Type is set by the MIME composer/],
  ['an unknown X-SES header (typo)', { ...ok, headers: { 'X-SES-CONFIGURATION_SET': 'x' } }, /unknown SES header X-SES-CONFIGURATION_SET/],
  ['a repeated X-SES header', { ...ok, headers: [{ key: 'X-SES-CONFIGURATION-SET', value: 'a' }, { key: 'x-ses-configuration-set', value: 'b' }] }, /given more than once/],
  ['a malformed tags header', { ...ok, headers: { 'X-SES-MESSAGE-TAGS': 'just-a-word' } }, /must read "name=value, name2=value2"/],
  ['a tag value SES refuses', { ...ok, tags: { campaign: 'spring sale!' } }, /tag campaign has value "spring sale!"/],
  ['a configuration set name SES refuses', { ...ok, configurationSet: 'has space' }, /configurationSet "has space" is not a valid name/],
  ['an ARN that is not one', { ...ok, fromArn: 'example.com' }, /fromArn "example\.com" is not an SES identity ARN/],
  ['two different identity ARNs on v2', { ...ok, fromArn: 'arn:aws:ses:us-east-1:123456789012:identity/a.com', sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/b.com' }, /SES v2 takes one identity ARN/],
  ['a malformed list-management header', { ...ok, headers: { 'X-SES-LIST-MANAGEMENT-OPTIONS': 'news; weekly' } }, /contactListName; topic=topicName/],
  ['an attachment by path', { ...ok, attachments: [{ path: '/etc/passwd' } as never] }, /attachments\[0\]: give the bytes in content/],
  ['attachment content of the wrong type', { ...ok, attachments: [{ content: 42 as never }] }, /attachments\[0\]\.content must be a string or bytes/],
  ['invalid base64 attachment content', { ...ok, attachments: [{ content: 'not base64!', encoding: 'base64' }] }, /not valid base64/],
  ['a non-string subject', { ...ok, subject: 42 as never }, /subject must be a string/],
  ['a header name with a space', { ...ok, headers: { 'X Bad': 'v' } }, /header name "X Bad" is not valid/],
]

for (const [what, message, error] of cases) {
  t.test(`${what}: FASTIFY_AWS_MAIL_MESSAGE, no SES call`, async (t) => {
    const mailer = mailerFor(t, ses)
    await t.rejects(mailer.send(message), { code: 'FASTIFY_AWS_MAIL_MESSAGE', statusCode: 400, message: error })
    t.equal(ses.calls.length, 0, 'no request reached SES')
  })
}

t.test('over the v2 size limit (40 MB): FASTIFY_AWS_MAIL_TOO_LARGE with the sizes, no SES call', async (t) => {
  const mailer = mailerFor(t, ses)
  const big = Buffer.alloc(Math.ceil(MAX_MESSAGE_BYTES.v2 * 0.76)) // base64 in the MIME grows it by a third
  await t.rejects(mailer.send({ ...ok, attachments: [{ filename: 'big.bin', content: big }] }), {
    code: 'FASTIFY_AWS_MAIL_TOO_LARGE',
    message: new RegExp(`over the SES v2 limit of ${MAX_MESSAGE_BYTES.v2} bytes`),
  })
  t.equal(ses.calls.length, 0)
})

t.test('v1 has a 10 MB limit: a 9 MB attachment is refused on v1, before any call', async (t) => {
  const mailer = mailerFor(t, ses, { api: 'v1' })
  const nine = Buffer.alloc(9 * 1024 * 1024)
  await t.rejects(mailer.send({ ...ok, attachments: [{ filename: 'nine.bin', content: nine }] }), {
    code: 'FASTIFY_AWS_MAIL_TOO_LARGE',
    message: /SES v1 SendRawEmail limit of 10485760 bytes/,
  })
  t.equal(ses.calls.length, 0)
})

t.test('an SES error surfaces with its code; nothing is logged or returned as sent', async (t) => {
  const { logger, lines } = capturingLogger()
  const mailer = mailerFor(t, ses, { logger })
  // aws-ses-v2-local never rejects a valid message: inject the MessageRejected that real SES sends.
  mailer.client.middlewareStack.add(
    () => async () => {
      throw new MessageRejected({ message: 'Email address is not verified.', $metadata: { httpStatusCode: 400 } })
    },
    { step: 'finalizeRequest', name: 'injectMessageRejected' },
  )
  const err = await mailer.send(ok).then(
    () => undefined,
    (e: unknown) => e as Record<string, unknown>,
  )
  t.match(err, {
    code: 'FASTIFY_AWS_MAIL_DELIVERY',
    statusCode: 502,
    sesCode: 'MessageRejected',
    retryable: false,
    httpStatusCode: 400,
    message: 'SES v2 SendEmail did not send the mail: MessageRejected: Email address is not verified.',
  })
  t.type(err?.cause, MessageRejected)
  t.notOk(lines.some((l) => l.msg === 'mail sent'))
  t.same(await ses.store(), [])
})

t.test('an emulator error (HTTP 400) is a delivery failure too', async (t) => {
  const mailer = mailerFor(t, ses, { api: 'v1' })
  // SendRawEmail on the v2 REST path is not an operation the emulator knows: it answers 404.
  mailer.client.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { path: string }
      req.path = '/v2/no-such-operation'
      return next(args)
    },
    { step: 'finalizeRequest', name: 'wrongPath' },
  )
  await t.rejects(mailer.send(ok), { code: 'FASTIFY_AWS_MAIL_DELIVERY', sesCode: String, retryable: Boolean })
  t.same(await ses.store(), [])
})

t.test('SES unreachable: a retryable delivery failure with the network code', async (t) => {
  const port = await freePort()
  const mailer = mailerFor(t, ses, { endpoint: `http://127.0.0.1:${port}` })
  await t.rejects(mailer.send(ok), { code: 'FASTIFY_AWS_MAIL_DELIVERY', sesCode: 'ECONNREFUSED', retryable: true })
})

t.test('a closed mailer refuses to send', async (t) => {
  const mailer = mailerFor(t, ses)
  await mailer.close()
  await t.rejects(mailer.send(ok), { code: 'FASTIFY_AWS_MAILER_CLOSED', message: /closed/ })
  t.equal(ses.calls.length, 0)
})

t.test('an aborted send is a delivery failure and nothing is stored', async (t) => {
  const mailer = mailerFor(t, ses)
  const controller = new AbortController()
  controller.abort()
  await t.rejects(mailer.send(ok, { signal: controller.signal }), { code: 'FASTIFY_AWS_MAIL_DELIVERY', sesCode: 'AbortError' })
  t.same(await ses.store(), [])
})
