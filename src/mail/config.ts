// Mailer settings from code > ENV (FASTIFY_AWS_MAIL_*) > config/mail.yml > defaults; a named mailer reads its own
// file and prefix (config/mail-<name>.yml, FASTIFY_AWS_MAIL_<NAME>_*), so two mailers never share a setting by accident.
import { defineOptions, loadConfig, option, type ConfigSource, type LoadConfigOptions } from '../config/index.js'
import { MailerError } from '../errors.js'
import { TAG_PATTERN } from './limits.js'

/** Options of `config/mail.yml` (YAML keys; ENV names are `FASTIFY_AWS_MAIL_` + the key upper-cased). */
export const mailConfigOptions = defineOptions({
  api: option.enum({
    description: 'SES API: v2 (SendEmail, raw content, 40 MB) or v1 (SendRawEmail, 10 MB)',
    values: ['v2', 'v1'] as const,
    default: 'v2',
  }),
  from: option.string({ description: 'Sender used when a message has no from, e.g. "App <noreply@example.com>"' }),
  configuration_set: option.string({ description: 'SES configuration set for every message (a message may override it)' }),
  tags: option.map({
    description: 'Message tags added to every message (a message may override one by name)',
    entry: 'a tag value (ASCII letters, digits, _ and -)',
    parseEntry: (raw, key) => {
      if (!TAG_PATTERN.test(key)) throw new Error('tag names use ASCII letters, digits, _ and -')
      if (typeof raw !== 'string' || !TAG_PATTERN.test(raw)) throw new Error('tag values use ASCII letters, digits, _ and -')
      return raw
    },
  }),
  region: option.string({ description: 'SES region, when it differs from the other services (SES is often in another region)' }),
  endpoint: option.string({ description: 'SES endpoint URL, e.g. a local emulator' }),
  queue: option.string({ description: 'Queue that deliverLater sends delivery jobs to', default: 'default' }),
})

/** Resolved mailer settings. */
export interface MailConfig {
  api: 'v2' | 'v1'
  from: string | undefined
  configurationSet: string | undefined
  tags: Readonly<Record<string, string>> | undefined
  region: string | undefined
  endpoint: string | undefined
  queue: string
}

/** What code may set; the same names in camelCase. */
export type MailConfigInput = Partial<Omit<MailConfig, 'api'>> & { api?: 'v2' | 'v1' }

/** Where a mailer's configuration lives: `mail` for the default mailer, `mail-<name>` for a named one. */
export function mailConfigSource(name: string): ConfigSource {
  if (name === 'default') return { names: ['mail'], envPrefix: 'FASTIFY_AWS_MAIL_' }
  return { names: [`mail-${name}`], envPrefix: `FASTIFY_AWS_MAIL_${name.toUpperCase().replace(/-/g, '_')}_` }
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/

/** Checks a mailer name: lower-case letters, digits and dashes (it becomes a file name and an ENV prefix). */
export function checkMailerName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new MailerError(`Mailer name ${JSON.stringify(name)} is not valid: use lower-case letters, digits and dashes, starting with a letter.`)
  }
  return name
}

/** Resolves one mailer's settings with the project's precedence rule. */
export function loadMailConfig(
  name: string,
  code: MailConfigInput = {},
  load: Omit<LoadConfigOptions<typeof mailConfigOptions>, 'code'> = {},
): MailConfig {
  const { values } = loadConfig(mailConfigSource(checkMailerName(name)), mailConfigOptions, {
    ...load,
    code: {
      api: code.api,
      from: code.from,
      configuration_set: code.configurationSet,
      tags: code.tags,
      region: code.region,
      endpoint: code.endpoint,
      queue: code.queue,
    },
  })
  return {
    api: values.api,
    from: values.from,
    configurationSet: values.configuration_set,
    tags: values.tags,
    region: values.region,
    endpoint: values.endpoint,
    queue: values.queue,
  }
}
