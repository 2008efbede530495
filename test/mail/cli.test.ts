// `fastify-aws mail send|preview` through the CLI dispatcher, with configuration from the directory it runs in.
import t, { type Test } from 'tap'

import { runCli } from '../helpers/cli.js'
import { startRecordedSes, headerLines } from './ses-recorder.js'

const ses = await startRecordedSes()
t.teardown(() => ses.close())
t.beforeEach(() => ses.clear())

async function run(t: Test, argv: string[], files: Record<string, unknown> = {}): Promise<{ code: number; out: string; err: string }> {
  const cwd = t.testdir({
    config: {
      'aws.yml': 'region: us-east-1\naccess_key_id: test\nsecret_access_key: test\nmax_attempts: 1\n',
      'mail.yml': `from: App <app@example.com>\nendpoint: ${ses.endpoint}\nconfiguration_set: cli-set\n`,
    },
    ...files,
  })
  return runCli(['mail', ...argv], {}, cwd)
}

t.test('send: uses config/mail.yml and config/aws.yml, prints the MessageId', async (t) => {
  const { code, out, err } = await run(t, ['send', '--to', 'ops@example.com', '--attach', 'note.txt', '--header', 'X-SES-MESSAGE-TAGS: source=cli'], {
    'note.txt': 'attached note',
  })
  t.equal(code, 0, err)
  const [stored] = await ses.store()
  t.equal(out.trim(), stored?.messageId)
  t.equal(stored?.from, '"App" <app@example.com>')
  t.equal(stored?.subject, 'fastify-aws test mail')
  t.equal(Buffer.from(stored!.attachments[0]!.content, 'base64').toString(), 'attached note')
  t.equal(ses.calls[0]?.params.ConfigurationSetName, 'cli-set')
  t.same(ses.calls[0]?.params.EmailTags, [{ Name: 'source', Value: 'cli' }])
})

t.test('preview: prints the MIME and the envelope, sends nothing', async (t) => {
  const { code, out, err } = await run(t, ['preview', '--to', 'a@example.com', '--bcc', 'b@example.com', '--subject', 'Look'])
  t.equal(code, 0)
  t.ok(headerLines(out).some(([n, v]) => n === 'Subject' && v === 'Look'))
  // Not as an address (the random Message-ID may end in ...b@example.com).
  t.notMatch(out, /(^|[\s<,:])b@example\.com/m, 'the Bcc recipient is not in the message')
  t.equal(err, 'envelope from app@example.com to a@example.com, b@example.com\n')
  t.equal(ses.calls.length, 0)
})

t.test('usage and message errors are one line with the code; exit 2 for usage', async (t) => {
  const noAction = await run(t, ['--to', 'a@example.com'])
  t.equal(noAction.code, 2)
  t.match(noAction.err, /fastify-aws mail: Say what to do: fastify-aws mail send/)
  const badHeader = await run(t, ['send', '--to', 'a@example.com', '--header', 'no colon'])
  t.equal(badHeader.code, 2)
  t.match(badHeader.err, /--header takes "Name: value"/)
  const noRecipient = await run(t, ['send'])
  t.equal(noRecipient.code, 1)
  t.match(noRecipient.err, /no recipient: set to, cc or bcc\. \[FASTIFY_AWS_MAIL_MESSAGE\]\n$/)
  const missingFile = await run(t, ['send', '--to', 'a@example.com', '--attach', 'nope.pdf'])
  t.match(missingFile.err, /--attach nope\.pdf: ENOENT/)
  t.equal(ses.calls.length, 0)
})
