// `npm run bench -- mail`: what the mailer costs on top of a bare SES call, and next to nodemailer's SES
// transport. Everything runs against aws-ses-v2-local on 127.0.0.1 in this process; ratios are against the
// bare SDK SendEmail measured in the same run, so the emulator's own cost cancels out.
import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2'
import MailComposer, { type MailComposerOptions } from 'nodemailer/lib/mail-composer'
import nodemailer, { type SendMailOptions } from 'nodemailer'
import type { MailMessage } from '../src/mail/index.js'
import { built } from './built.js'

const { createMailer } = await built<typeof import('../src/mail/index.js')>('mail/index.js')

const ROUNDS = 6
const SENDS_PER_ROUND = 25
const CONCURRENCY = 8
const COMPOSES_PER_ROUND = 100

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' }
const region = 'us-east-1'

// One literal, typed for each library below (their option types differ only in readonly-ness).
const fields = {
  from: 'Bench <bench@example.com>',
  to: ['ann@example.com', 'Bob <bob@example.com>'],
  cc: 'carol@example.com',
  bcc: 'audit@example.com',
  subject: 'Monthly report — ünïcödé',
  text: 'Hello,\n\nthe report is attached.\n'.repeat(20),
  html: `<p>${'Hello, the report is attached. '.repeat(40)}</p>`,
  attachments: [{ filename: 'report.csv', content: 'month,total\n'.repeat(200) }],
}
const message: MailMessage = { ...fields, headers: { 'X-SES-CONFIGURATION-SET': 'bench', 'X-SES-MESSAGE-TAGS': 'kind=report' } }
const nodemailerMessage: SendMailOptions = {
  ...fields,
  ses: { ConfigurationSetName: 'bench', EmailTags: [{ Name: 'kind', Value: 'report' }] },
} as SendMailOptions
const composerOptions: MailComposerOptions = { ...fields, newline: 'windows' }

/** Runs `n` calls of `fn` with `concurrency` in flight; returns calls per second. */
async function rate(n: number, concurrency: number, fn: () => Promise<unknown>): Promise<number> {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) await fn()
    }),
  )
  return (n / (performance.now() - started)) * 1000
}

async function startEmulator(): Promise<{ endpoint: string; clear(): Promise<void>; close(): Promise<void> }> {
  // CommonJS default export; loaded with require so its shape is the same under any loader.
  const mod = createRequire(import.meta.url)('aws-ses-v2-local') as { default: (c: { host: string; port: number }) => Promise<Server> }
  const { createServer } = await import('node:net')
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port
      s.close(() => resolve(p))
    })
  })
  const server = await mod.default({ host: '127.0.0.1', port })
  const endpoint = `http://127.0.0.1:${port}`
  return {
    endpoint,
    clear: async () => void (await fetch(`${endpoint}/clear-store`, { method: 'POST' })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const ses = await startEmulator()
const client = new SESv2Client({ endpoint: ses.endpoint, region, credentials, maxAttempts: 1 })
const mailer = createMailer({ client, from: 'bench@example.com', configLoad: { env: {}, cwd: '/nonexistent-config-dir' } })
const transport = nodemailer.createTransport({ SES: { sesClient: client, SendEmailCommand } })
const raw = (await mailer.compose(message)).raw
const prebuilt = new SendEmailCommand({
  Content: { Raw: { Data: raw } },
  Destination: { ToAddresses: ['ann@example.com', 'bob@example.com', 'carol@example.com', 'audit@example.com'] },
  ConfigurationSetName: 'bench',
  EmailTags: [{ Name: 'kind', Value: 'report' }],
})

// Warm up every path (JIT, sockets).
for (let i = 0; i < 20; i++) {
  await client.send(prebuilt)
  await mailer.send(message)
  await transport.sendMail(nodemailerMessage)
}
await ses.clear()

/**
 * Measures each path in ROUNDS short rounds, in rotating order, and adds up the time: the machine is shared,
 * and interleaving gives every path the same share of whatever else is running.
 */
async function compare(paths: [string, () => Promise<unknown>][], perRound: number, concurrency: number): Promise<number[]> {
  const ms = paths.map(() => 0)
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < paths.length; k++) {
      const i = (round + k) % paths.length
      const perSecond = await rate(perRound, concurrency, paths[i]![1])
      ms[i]! += (perRound / perSecond) * 1000
      await ses.clear()
    }
  }
  return ms.map((total) => ((perRound * ROUNDS) / total) * 1000)
}

function report(title: string, unit: string, names: string[], rates: number[]): void {
  console.log(`\n${title}`)
  names.forEach((name, i) => {
    const ratio = rates[i]! / rates[0]!
    console.log(`  ${name.padEnd(36)} ${rates[i]!.toFixed(0).padStart(6)} ${unit}   ${ratio.toFixed(2)}x${i === 0 ? '  (baseline)' : ''}`)
  })
}

console.log(`message: ${raw.length} bytes raw MIME, 4 recipients, 1 attachment; ${ROUNDS * SENDS_PER_ROUND} sends per path`)
const sendPaths: [string, () => Promise<unknown>][] = [
  ['bare SDK SendEmail (prebuilt MIME)', () => client.send(prebuilt)],
  ['fastify-aws mailer.send', () => mailer.send(message)],
  ['nodemailer SES transport', () => transport.sendMail(nodemailerMessage)],
]
for (const concurrency of [1, CONCURRENCY]) {
  const rates = await compare(sendPaths, SENDS_PER_ROUND, concurrency)
  report(`send, concurrency ${concurrency}`, 'sends/s', sendPaths.map(([n]) => n), rates)
}

// Without the network: what the checks cost on top of building the MIME.
const buildPaths: [string, () => Promise<unknown>][] = [
  ['MailComposer alone', () => new MailComposer(composerOptions).compile().build()],
  ['mailer.compose (checks + build)', () => mailer.compose(message)],
]
const buildRates = await compare(buildPaths, COMPOSES_PER_ROUND, 1)
report(`build only (${ROUNDS * COMPOSES_PER_ROUND} messages per path, no SES call)`, 'msgs/s ', buildPaths.map(([n]) => n), buildRates)

await mailer.close()
transport.close()
client.destroy()
await ses.close()
