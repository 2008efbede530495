// SES v1 SendRawEmail, against aws-ses-v2-local (its dist/v1 handles SendRawEmail) behind a recording proxy.
import t from 'tap'
import { SESClient } from '@aws-sdk/client-ses'
import { startRecordedSes, headerLines } from './ses-recorder.js'
import { mailerFor } from './fixtures.js'
import { testAws } from '../helpers/emulators.js'

const ses = await startRecordedSes()
t.teardown(() => ses.close())
t.beforeEach(() => ses.clear())

const SOURCE_ARN = 'arn:aws:ses:us-east-1:111111111111:identity/source.example.com'
const FROM_ARN = 'arn:aws:ses:us-east-1:222222222222:identity/from.example.com'
const RETURN_ARN = 'arn:aws:ses:us-east-1:333333333333:identity/return.example.com'

function destinations(params: Record<string, unknown>): string[] {
  return Object.keys(params)
    .filter((k) => k.startsWith('Destinations.member.'))
    .sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()))
    .map((k) => String(params[k]))
}

t.test('text + html + attachment through SendRawEmail; Source is the From address', async (t) => {
  const mailer = mailerFor(t, ses, { api: 'v1', from: 'App <app@example.com>' })
  const sent = await mailer.send({
    to: 'ann@example.com',
    subject: 'Classic',
    text: 'text',
    html: '<i>html</i>',
    attachments: [{ filename: 'notes.txt', content: 'hello file' }],
  })
  t.match(sent, { api: 'v1', messageId: /^ses-/ })
  t.equal(ses.calls[0]?.operation, 'SendRawEmail')
  t.equal(ses.calls[0]?.params.Source, 'app@example.com')
  t.same(destinations(ses.calls[0]!.params), ['ann@example.com'])
  const [stored] = await ses.store()
  t.equal(stored?.messageId, sent.messageId)
  t.equal(stored?.body.text?.trim(), 'text')
  t.equal(stored?.body.html?.trim(), '<i>html</i>')
  t.equal(Buffer.from(stored!.attachments[0]!.content, 'base64').toString(), 'hello file')
})

t.test('cc/bcc: every recipient in Destinations, bcc never in the MIME', async (t) => {
  const mailer = mailerFor(t, ses, { api: 'v1' })
  await mailer.send({ from: 'app@example.com', to: 'a@example.com', cc: 'c@example.com', bcc: 'hidden@example.com', text: 'x' })
  t.same(destinations(ses.calls[0]!.params), ['a@example.com', 'c@example.com', 'hidden@example.com'])
  t.notMatch(ses.calls[0]!.raw, /hidden@example\.com/)
  const [stored] = await ses.store()
  t.same(stored?.destination.bcc, [])
})

t.test('X-SES-* headers map one to one to SendRawEmail parameters and leave the MIME', async (t) => {
  const mailer = mailerFor(t, ses, { api: 'v1' })
  await mailer.send({
    from: 'app@example.com',
    to: 'a@example.com',
    text: 'x',
    headers: {
      'X-SES-SOURCE-ARN': SOURCE_ARN,
      'X-SES-FROM-ARN': FROM_ARN,
      'X-SES-RETURN-PATH-ARN': RETURN_ARN,
      'X-SES-CONFIGURATION-SET': 'transactional',
      'X-SES-MESSAGE-TAGS': 'kind=receipt',
    },
  })
  const { params, raw } = ses.calls[0]!
  t.equal(params.SourceArn, SOURCE_ARN)
  t.equal(params.FromArn, FROM_ARN)
  t.equal(params.ReturnPathArn, RETURN_ARN)
  t.equal(params.ConfigurationSetName, 'transactional')
  t.equal(params['Tags.member.1.Name'], 'kind')
  t.equal(params['Tags.member.1.Value'], 'receipt')
  t.notOk(headerLines(raw).some(([n]) => n.toLowerCase().startsWith('x-ses-')))
})

t.test('list management has no SendRawEmail parameter: it travels in the MIME header SES reads', async (t) => {
  const mailer = mailerFor(t, ses, { api: 'v1' })
  await mailer.send({ from: 'app@example.com', to: 'a@example.com', text: 'x', listManagement: { contactListName: 'news', topicName: 'weekly' } })
  const headers = headerLines(ses.calls[0]!.raw)
  t.same(
    headers.filter(([n]) => n.toLowerCase() === 'x-ses-list-management-options').map(([, v]) => v),
    ['news; topic=weekly'],
  )
})

t.test('explicit envelope: Source and Destinations come from it', async (t) => {
  const mailer = mailerFor(t, ses, { api: 'v1' })
  await mailer.send({
    from: 'app@example.com',
    to: 'header-only@example.com',
    text: 'x',
    envelope: { from: 'bounce@example.com', to: 'real@example.com' },
  })
  t.equal(ses.calls[0]!.params.Source, 'bounce@example.com')
  t.same(destinations(ses.calls[0]!.params), ['real@example.com'])
})

t.test('an existing SESClient is used as given', async (t) => {
  const client = new SESClient({ endpoint: ses.endpoint, region: testAws.region, credentials: testAws.credentials, maxAttempts: 1 })
  t.teardown(() => client.destroy())
  const mailer = mailerFor(t, ses, { api: 'v1', client })
  t.equal(mailer.client, client)
  await mailer.send({ from: 'app@example.com', to: 'a@example.com', text: 'x' })
  t.equal(ses.calls.length, 1)
})
