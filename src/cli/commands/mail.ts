// `fastify-aws mail send|preview`: checks a deployment's SES setup with the app's own mail configuration.
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { CliUsageError } from '../../errors.js'
import { createMailer, type MailMessage, type MailerOptions } from '../../mail/index.js'
import { parseFlags } from '../args.js'
import type { Command } from '../command.js'

const help = `Usage: fastify-aws mail <send|preview> --to ADDRESS [options]

Sends one mail (send) or prints its raw MIME without sending (preview), with the mailer configuration of
this directory (config/mail.yml, FASTIFY_AWS_MAIL_*, config/aws.yml), so a deployment's SES setup can be checked.

Options:
  --to ADDRESS          recipient (repeat for more)
  --cc ADDRESS          copy recipient (repeatable)
  --bcc ADDRESS         blind copy recipient (repeatable)
  --from ADDRESS        sender (default: the mailer's from)
  --subject TEXT        subject ("fastify-aws test mail")
  --text TEXT           plain-text body ("Sent by fastify-aws mail send.")
  --html-file FILE      HTML body read from FILE
  --attach FILE         attach FILE (repeatable)
  --header "Name: value"  extra header, e.g. "X-SES-CONFIGURATION-SET: tracking" (repeatable)
  --namespace NAME      use the named mailer's configuration (config/mail-NAME.yml, FASTIFY_AWS_MAIL_NAME_*)
  --api v2|v1           SES API (default: configuration, else v2)
  --region REGION       SES region
  --endpoint URL        SES endpoint (emulators)

send prints the SES MessageId; preview prints the message and writes the envelope to stderr.
`

const command: Command = {
  summary: 'Send a test mail through SES with this app\'s mail configuration, or preview its MIME',
  help,
  async run(io) {
    const { values, positionals } = parseFlags(io.argv, {
      to: { type: 'string', multiple: true },
      cc: { type: 'string', multiple: true },
      bcc: { type: 'string', multiple: true },
      from: { type: 'string' },
      subject: { type: 'string' },
      text: { type: 'string' },
      'html-file': { type: 'string' },
      attach: { type: 'string', multiple: true },
      header: { type: 'string', multiple: true },
      namespace: { type: 'string' },
      api: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
    })
    const [action, ...extra] = positionals
    if (action !== 'send' && action !== 'preview') {
      throw new CliUsageError(`Say what to do: fastify-aws mail send --to you@example.com (or preview), got ${JSON.stringify(action ?? '')}.`)
    }
    if (extra.length) throw new CliUsageError(`Unexpected argument ${JSON.stringify(extra[0])}: every value goes with a flag.`)
    if (values.api !== undefined && values.api !== 'v2' && values.api !== 'v1') {
      throw new CliUsageError(`--api takes v2 or v1, got "${values.api}".`)
    }
    const options: MailerOptions = {
      configLoad: { env: io.env, cwd: io.cwd },
      ...(values.namespace !== undefined ? { name: values.namespace } : {}),
      ...(values.api !== undefined ? { api: values.api } : {}),
      ...(values.region !== undefined ? { region: values.region } : {}),
      ...(values.endpoint !== undefined ? { endpoint: values.endpoint } : {}),
    }
    const message: MailMessage = {
      ...(values.from !== undefined ? { from: values.from } : {}),
      ...(values.to ? { to: values.to } : {}),
      ...(values.cc ? { cc: values.cc } : {}),
      ...(values.bcc ? { bcc: values.bcc } : {}),
      subject: values.subject ?? 'fastify-aws test mail',
      text: values.text ?? 'Sent by fastify-aws mail send.',
      ...(values['html-file'] !== undefined ? { html: await readText(io.cwd, values['html-file'], '--html-file') } : {}),
      ...(values.attach ? { attachments: await Promise.all(values.attach.map((f) => attachment(io.cwd, f))) } : {}),
      ...(values.header ? { headers: values.header.map(header) } : {}),
    }
    const mailer = createMailer(options)
    try {
      if (action === 'preview') {
        const { raw, envelope } = await mailer.compose(message)
        io.stdout.write(raw.toString('utf8'))
        io.stderr.write(`envelope from ${envelope.from} to ${envelope.to.join(', ')}\n`)
        return 0
      }
      const sent = await mailer.send(message)
      io.stdout.write(`${sent.messageId}\n`)
      return 0
    } finally {
      await mailer.close()
    }
  },
}

function header(text: string): { key: string; value: string } {
  const colon = text.indexOf(':')
  if (colon <= 0) throw new CliUsageError(`--header takes "Name: value", got ${JSON.stringify(text)}.`)
  return { key: text.slice(0, colon).trim(), value: text.slice(colon + 1).trim() }
}

async function readText(cwd: string, file: string, flag: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), 'utf8')
  } catch (err) {
    throw new CliUsageError(`${flag} ${file}: ${(err as Error).message}`)
  }
}

async function attachment(cwd: string, file: string): Promise<{ filename: string; content: Buffer }> {
  try {
    return { filename: file.split(/[\\/]/).pop()!, content: await readFile(resolve(cwd, file)) }
  } catch (err) {
    throw new CliUsageError(`--attach ${file}: ${(err as Error).message}`)
  }
}

export default command
