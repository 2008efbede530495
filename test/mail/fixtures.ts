// Shared setup for mail tests: a mailer pointed at the recorded emulator, isolated from the real ENV and config/.
import type { Test } from 'tap'
import { Writable } from 'node:stream'
import pino from 'pino'
import { createMailer, type Mailer, type MailerOptions } from '../../src/mail/index.js'
import { testAws } from '../helpers/emulators.js'
import type { SesUnderTest } from './ses-recorder.js'

/** A mailer on the test emulator, closed at the end of the test. ENV is empty and config/ is a fresh directory. */
export function mailerFor(t: Test, ses: SesUnderTest, options: MailerOptions = {}): Mailer {
  const mailer = createMailer({
    endpoint: ses.endpoint,
    region: testAws.region,
    clientOptions: { credentials: testAws.credentials, maxAttempts: 1 },
    configLoad: { env: {}, cwd: t.testdir({}) },
    ...options,
  })
  t.teardown(() => mailer.close())
  return mailer
}

/** A pino logger writing JSON lines into `lines`. */
export function capturingLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  return { logger: pino({ level: 'trace' }, stream), lines }
}
