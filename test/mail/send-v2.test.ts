// SES v2 SendEmail with raw content, against aws-ses-v2-local behind a recording proxy.
import t from 'tap'
import { startRecordedSes, headerLines } from './ses-recorder.js'
import { capturingLogger, mailerFor } from './fixtures.js'

const ses = await startRecordedSes()
t.teardown(() => ses.close())
t.beforeEach(() => ses.clear())

const ARN = 'arn:aws:ses:us-east-1:123456789012:identity/example.com'

t.test('a text mail: the SES MessageId comes back and the mail is in the store', async (t) => {
  const mailer = mailerFor(t, ses, { from: 'App <app@example.com>' })
  const sent = await mailer.send({ to: 'Ann <ann@example.com>', subject: 'Héllo wörld', text: 'Plain body' })
  t.match(sent, { api: 'v2', messageId: /^ses-/, envelope: { from: 'app@example.com', to: ['ann@example.com'] } })
  t.ok(sent.size > 0)
  const [stored] = await ses.store()
  t.equal(stored?.messageId, sent.messageId)
  t.equal(stored?.subject, 'Héllo wörld', 'non-ASCII subject encoded by MailComposer and decoded by SES')
  t.equal(stored?.body.text?.trim(), 'Plain body')
  t.equal(stored?.from, '"App" <app@example.com>')
  t.equal(ses.calls.length, 1)
  t.equal(ses.calls[0]?.operation, 'SendEmail')
  t.notOk('FromEmailAddress' in ses.calls[0]!.params, 'no explicit envelope sender: SES uses the From header')
  t.match(ses.calls[0]!.raw, /\r\n\r\n/, 'CRLF line ends')
})

t.test('html + text become multipart/alternative', async (t) => {
  const mailer = mailerFor(t, ses)
  await mailer.send({ from: 'app@example.com', to: 'ann@example.com', subject: 'Both', text: 'text part', html: '<p>html part</p>' })
  const [stored] = await ses.store()
  t.equal(stored?.body.text?.trim(), 'text part')
  t.equal(stored?.body.html?.trim(), '<p>html part</p>')
  t.match(ses.calls[0]!.raw, /Content-Type: multipart\/alternative/)
})

t.test('attachments: text, bytes and base64 text arrive intact with their names and types', async (t) => {
  const mailer = mailerFor(t, ses)
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255])
  await mailer.send({
    from: 'app@example.com',
    to: 'ann@example.com',
    subject: 'Files',
    text: 'see attached',
    attachments: [
      { filename: 'report.csv', content: 'a,b\n1,2\n' },
      { filename: 'pixel.png', content: png },
      { filename: 'data.bin', content: Buffer.from('binary!').toString('base64'), encoding: 'base64', contentType: 'application/octet-stream' },
    ],
  })
  const [stored] = await ses.store()
  const byName = new Map(stored!.attachments.map((a) => [a.filename, a]))
  t.equal(Buffer.from(byName.get('report.csv')!.content, 'base64').toString(), 'a,b\n1,2\n')
  t.equal(byName.get('report.csv')!.contentType, 'text/csv')
  t.same(Buffer.from(byName.get('pixel.png')!.content, 'base64'), png)
  t.equal(byName.get('pixel.png')!.contentType, 'image/png')
  t.equal(Buffer.from(byName.get('data.bin')!.content, 'base64').toString(), 'binary!')
})

t.test('cc is in the headers; bcc is delivered (Destination) but never in the raw MIME', async (t) => {
  const mailer = mailerFor(t, ses)
  const sent = await mailer.send({
    from: 'app@example.com',
    to: ['ann@example.com', 'Bob <bob@example.com>'],
    cc: 'carol@example.com',
    bcc: ['secret@example.com', 'Hidden Person <hidden@example.com>'],
    subject: 'Team',
    text: 'hi',
  })
  const call = ses.calls[0]!
  t.same((call.params.Destination as { ToAddresses: string[] }).ToAddresses, [
    'ann@example.com',
    'bob@example.com',
    'carol@example.com',
    'secret@example.com',
    'hidden@example.com',
  ])
  t.same(sent.envelope.to, (call.params.Destination as { ToAddresses: string[] }).ToAddresses)
  const names = headerLines(call.raw).map(([n]) => n.toLowerCase())
  t.notOk(names.includes('bcc'), 'no Bcc header')
  t.notMatch(call.raw, /secret@example\.com|hidden@example\.com|Hidden Person/, 'bcc addresses appear nowhere in the MIME')
  t.match(call.raw, /\r\nCc: carol@example\.com\r\n/)
  const [stored] = await ses.store()
  t.same(stored?.destination.bcc, [], 'SES parsed no Bcc from the message')
  t.same(stored?.destination.cc, ['carol@example.com'])
  const eml = (await (await fetch(`${ses.emulator.endpoint}/get-emlContent?messageId=${sent.messageId}`)).json()) as {
    body: { data: number[] }
  }
  t.notMatch(Buffer.from(eml.body.data).toString(), /secret@example\.com/, '/get-emlContent shows no bcc either')
})

t.test('X-SES-* headers become SendEmail parameters and leave the MIME; other headers stay', async (t) => {
  const mailer = mailerFor(t, ses)
  await mailer.send({
    from: 'app@example.com',
    to: 'ann@example.com',
    subject: 'Mapped',
    text: 'x',
    headers: {
      'X-SES-CONFIGURATION-SET': 'marketing',
      'x-ses-message-tags': 'campaign=spring, variant=b',
      'X-SES-FROM-ARN': ARN,
      'X-SES-RETURN-PATH-ARN': ARN,
      'X-SES-LIST-MANAGEMENT-OPTIONS': 'newsletter; topic=weekly',
      'X-Custom': 'kept',
      'List-Unsubscribe': '<https://example.com/u>',
    },
  })
  const { params, raw } = ses.calls[0]!
  t.equal(params.ConfigurationSetName, 'marketing')
  t.same(params.EmailTags, [
    { Name: 'campaign', Value: 'spring' },
    { Name: 'variant', Value: 'b' },
  ])
  t.equal(params.FromEmailAddressIdentityArn, ARN)
  t.equal(params.FeedbackForwardingEmailAddressIdentityArn, ARN)
  t.same(params.ListManagementOptions, { ContactListName: 'newsletter', TopicName: 'weekly' })
  const names = headerLines(raw).map(([n]) => n.toLowerCase())
  t.notOk(names.some((n) => n.startsWith('x-ses-')), 'no X-SES-* header left in the MIME')
  t.ok(names.includes('x-custom'))
  t.ok(names.includes('list-unsubscribe'))
})

t.test('X-SES-SOURCE-ARN maps to FromEmailAddressIdentityArn (SES v2 has one identity ARN)', async (t) => {
  const mailer = mailerFor(t, ses)
  await mailer.send({ from: 'app@example.com', to: 'ann@example.com', text: 'x', headers: { 'X-SES-SOURCE-ARN': ARN } })
  t.equal(ses.calls[0]!.params.FromEmailAddressIdentityArn, ARN)
  t.notMatch(ses.calls[0]!.raw, /X-SES-SOURCE-ARN/i)
})

t.test('the same settings as plain options; options beat headers; tags merge mailer < header < message', async (t) => {
  const mailer = mailerFor(t, ses, { configurationSet: 'default-set', tags: { app: 'web', variant: 'a' } })
  await mailer.send({
    from: 'app@example.com',
    to: 'ann@example.com',
    text: 'x',
    headers: { 'X-SES-CONFIGURATION-SET': 'from-header', 'X-SES-MESSAGE-TAGS': 'variant=b, source=header' },
    configurationSet: 'from-option',
    tags: { source: 'option' },
    listManagement: { contactListName: 'news' },
  })
  const { params } = ses.calls[0]!
  t.equal(params.ConfigurationSetName, 'from-option')
  t.same(params.EmailTags, [
    { Name: 'app', Value: 'web' },
    { Name: 'variant', Value: 'b' },
    { Name: 'source', Value: 'option' },
  ])
  t.same(params.ListManagementOptions, { ContactListName: 'news' })
  await mailer.send({ from: 'app@example.com', to: 'ann@example.com', text: 'x' })
  t.equal(ses.calls[1]!.params.ConfigurationSetName, 'default-set', 'the mailer default applies when nothing overrides it')
})

t.test('an explicit envelope: only its recipients receive the mail; its sender is FromEmailAddress', async (t) => {
  const mailer = mailerFor(t, ses)
  const sent = await mailer.send({
    from: 'Newsletter <news@example.com>',
    to: 'list@example.com',
    bcc: 'ignored@example.com',
    text: 'x',
    envelope: { from: 'bounces@example.com', to: ['real1@example.com', 'real2@example.com'] },
  })
  const { params, raw } = ses.calls[0]!
  t.same((params.Destination as { ToAddresses: string[] }).ToAddresses, ['real1@example.com', 'real2@example.com'])
  t.equal(params.FromEmailAddress, 'bounces@example.com')
  t.match(raw, /(^|\r\n)From: Newsletter <news@example\.com>\r\n/)
  t.match(raw, /\r\nTo: list@example\.com\r\n/)
  t.same(sent.envelope, { from: 'bounces@example.com', to: ['real1@example.com', 'real2@example.com'] })
})

t.test('reply-to, sender, in-reply-to and references headers; internationalized domains are punycoded', async (t) => {
  const mailer = mailerFor(t, ses)
  const sent = await mailer.send({
    from: 'app@example.com',
    sender: 'robot@example.com',
    replyTo: 'Support <support@example.com>',
    to: 'joerg@bücher.de',
    inReplyTo: '<abc@example.com>',
    references: ['<abc@example.com>', '<def@example.com>'],
    text: 'x',
  })
  t.same(sent.envelope.to, ['joerg@xn--bcher-kva.de'])
  t.equal(sent.envelope.from, 'robot@example.com', 'Sender is the envelope sender when there is no explicit one')
  const headers = new Map(headerLines(ses.calls[0]!.raw).map(([k, v]) => [k.toLowerCase(), v]))
  t.equal(headers.get('reply-to'), 'Support <support@example.com>')
  t.equal(headers.get('sender'), 'robot@example.com')
  t.equal(headers.get('in-reply-to'), '<abc@example.com>')
  t.equal(headers.get('references'), '<abc@example.com> <def@example.com>')
  const [stored] = await ses.store()
  t.same(stored?.replyTo, ['"Support" <support@example.com>'])
})

t.test('one "mail sent" line per send, and SDK log lines never carry the message bytes', async (t) => {
  const { logger, lines } = capturingLogger()
  const mailer = mailerFor(t, ses, { logger })
  const sent = await mailer.send({ from: 'app@example.com', to: 'ann@example.com', subject: 'Secret', text: 'TOP-SECRET-BODY' })
  const mine = lines.filter((l) => l.msg === 'mail sent')
  t.equal(mine.length, 1)
  t.match(mine[0], { mailer: 'default', messageId: sent.messageId, recipients: 1, bytes: sent.size })
  const sdk = lines.filter((l) => l.aws === 'mail')
  t.ok(sdk.length >= 1, 'the SDK logged the operation')
  const text = JSON.stringify(lines)
  t.notMatch(text, /TOP-SECRET-BODY/)
  t.notMatch(text, new RegExp(Buffer.from('TOP-SECRET').toString('base64').slice(0, 12)))
  t.match(text, /\[\d+ bytes\]/, 'the raw data is shown as its size')
})

t.test('compose() gives the exact MIME and envelope without sending', async (t) => {
  const mailer = mailerFor(t, ses, { from: 'app@example.com' })
  const composed = await mailer.compose({ to: 'ann@example.com', bcc: 'b@example.com', subject: 'Preview', text: 'x' })
  t.same(composed.envelope, { from: 'app@example.com', to: ['ann@example.com', 'b@example.com'] })
  t.match(composed.raw.toString(), /Subject: Preview/)
  t.equal(ses.calls.length, 0)
})

t.test('close() waits for sends in flight, then refuses new ones', async (t) => {
  const mailer = mailerFor(t, ses, { from: 'app@example.com' })
  const sending = mailer.send({ to: 'ann@example.com', text: 'in flight' })
  const closing = mailer.close()
  const sent = await sending
  await closing
  t.equal((await ses.store())[0]?.messageId, sent.messageId, 'the send in flight completed')
  await t.rejects(mailer.send({ to: 'ann@example.com', text: 'late' }), { code: 'FASTIFY_AWS_MAILER_CLOSED' })
  await t.rejects(mailer.deliverLater({ to: 'ann@example.com', text: 'late' }), { code: 'FASTIFY_AWS_MAILER_CLOSED' })
})
