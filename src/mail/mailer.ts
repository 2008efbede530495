// A mailer: one SES client, one API, the mailer-wide defaults, and the in-flight sends close() waits for.
import type { SESClient } from '@aws-sdk/client-ses'
import type { SESv2Client } from '@aws-sdk/client-sesv2'
import type { AwsClientOptions } from '../aws/index.js'
import type { EnqueuedJob, JobLogger } from '../jobs/index.js'
import { MailerClosedError, MailerError } from '../errors.js'
import { loadMailConfig, mailConfigSource, type MailConfig } from './config.js'
import { deliveryFailure } from './delivery-error.js'
import { enqueueDelivery, registerDeliveryJob } from './delivery-job.js'
import { publishMailer, withdrawMailer } from './directory.js'
import { toJsonMessage } from './json-message.js'
import type { MailAddress, MailMessage, SentMail, SesApi } from './message.js'
import { parseMailbox } from './addresses.js'
import { prepareMail, type MessageDefaults, type PreparedMail } from './prepare.js'
import { resolveSesOptions } from './send-options.js'
import { sesClientFor, type SesClientLike } from './ses-client.js'
import { sendV1 } from './ses-v1.js'
import { sendV2 } from './ses-v2.js'
import { CONFIG_OPTION_RENAMED, deprecatedOption } from '../deprecations.js'

/** Options of {@link createMailer} (and of the Fastify plugin). Unset values come from ENV, YAML, then defaults. */
export interface MailerOptions {
  /** `default`, or a name for an extra mailer (config then comes from `config/mail-<name>.yml`, `FASTIFY_AWS_MAIL_<NAME>_*`). */
  name?: string
  /** `v2` (default): SESv2 SendEmail with raw content. `v1`: SES SendRawEmail. */
  api?: SesApi
  /** Sender for messages without `from`. */
  from?: MailAddress
  /** Configuration set for every message. */
  configurationSet?: string
  /** Tags for every message. */
  tags?: Readonly<Record<string, string>>
  /** SES region (else `config/aws.yml`, else the SDK chain). */
  region?: string
  /** SES endpoint URL (e.g. aws-ses-v2-local). */
  endpoint?: string
  /** Queue for `deliverLater` (default `default`). */
  queue?: string
  /** An existing client (SESv2Client for v2, SESClient for v1); it is never destroyed by the mailer. */
  client?: SesClientLike
  /** Options for the client the mailer creates (and destroys on close). Ignored when `client` is given. */
  clientOptions?: AwsClientOptions
  /** Where "mail sent" lines go (Fastify passes its logger). */
  logger?: JobLogger
  /** Where configuration is read from: ENV, the directory holding `config/`, NODE_ENV (defaults: the process's). */
  configLoad?: { env?: NodeJS.ProcessEnv; cwd?: string; nodeEnv?: string }
  /** @deprecated Renamed {@link MailerOptions.configLoad}; warns once (FASTIFY_AWS_DEP006). */
  config?: { env?: NodeJS.ProcessEnv; cwd?: string; nodeEnv?: string }
}

/** Per-send options. */
export interface SendOptions {
  /** Aborts the SES call (the mail then counts as not sent). */
  signal?: AbortSignal
}

/** Options of {@link Mailer.deliverLater}. */
export interface DeliverLaterOptions {
  /** Queue name (default: the mailer's `queue` setting). */
  queue?: string
}

/** A built message, for previews and tests: the exact bytes and envelope `send` would use. */
export interface ComposedMail {
  readonly raw: Buffer
  readonly envelope: { readonly from: string; readonly to: readonly string[] }
}

/**
 * Sends mail through SES. Every message is checked and built before the call; a bad one throws
 * `FASTIFY_AWS_MAIL_MESSAGE` / `FASTIFY_AWS_MAIL_TOO_LARGE` and costs no request. An SES failure throws
 * `FASTIFY_AWS_MAIL_DELIVERY` with `sesCode`: the mail was not sent.
 */
export class Mailer {
  /** `default` or the mailer's name. */
  readonly name: string
  /** The SES API in use. */
  readonly api: SesApi
  /** The SES client (yours if you passed one). */
  readonly client: SesClientLike
  /** The resolved settings. */
  readonly config: Readonly<MailConfig>
  readonly #owned: boolean
  readonly #defaults: MessageDefaults
  readonly #log: JobLogger | undefined
  readonly #inFlight = new Set<Promise<unknown>>()
  #closed = false

  /** Use {@link createMailer}, which resolves configuration first. */
  constructor(config: MailConfig, options: Pick<MailerOptions, 'name' | 'from' | 'client' | 'clientOptions' | 'logger'> & { awsLoad?: MailerOptions['config'] }) {
    this.name = options.name ?? 'default'
    this.api = config.api
    this.config = Object.freeze({ ...config })
    this.#defaults = {
      ...(options.from !== undefined ? { from: options.from } : config.from !== undefined ? { from: config.from } : {}),
      ...(config.configurationSet !== undefined ? { configurationSet: config.configurationSet } : {}),
      ...(config.tags !== undefined ? { tags: config.tags } : {}),
    }
    checkDefaults(this.name, this.#defaults)
    this.#log = options.logger?.child({ mailer: this.name })
    const { client, owned } = sesClientFor({
      api: this.api,
      mailerName: this.name,
      given: options.client,
      region: config.region,
      endpoint: config.endpoint,
      logger: options.logger,
      clientOptions: options.clientOptions,
      load: options.awsLoad ?? {},
    })
    this.client = client
    this.#owned = owned
    registerDeliveryJob()
    publishMailer(this)
  }

  /** Checks and builds a message without sending it: the raw MIME and the envelope. */
  async compose(message: MailMessage): Promise<ComposedMail> {
    const mail = await prepareMail(message, this.#defaults, this.api)
    return { raw: mail.raw, envelope: { from: mail.envelope.from, to: mail.envelope.to } }
  }

  /** Sends one message now; resolves once SES accepted it, with its SES MessageId. */
  send(message: MailMessage, options: SendOptions = {}): Promise<SentMail> {
    return this.#track(() => this.#send(message, options))
  }

  /** Runs `work` unless closed, and lets close() wait for it. */
  async #track<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new MailerClosedError(this.name)
    const running = work()
    this.#inFlight.add(running)
    try {
      return await running
    } finally {
      this.#inFlight.delete(running)
    }
  }

  async #send(message: MailMessage, options: SendOptions): Promise<SentMail> {
    const mail = await prepareMail(message, this.#defaults, this.api)
    let messageId: string | undefined
    try {
      messageId = await this.#call(mail, options.signal)
    } catch (err) {
      throw deliveryFailure(this.api, err)
    }
    if (!messageId) throw deliveryFailure(this.api, Object.assign(new Error('SES answered without a MessageId'), { code: 'NoMessageId' }))
    const sent: SentMail = {
      messageId,
      api: this.api,
      envelope: { from: mail.envelope.from, to: mail.envelope.to },
      size: mail.raw.length,
    }
    this.#log?.info({ messageId, recipients: mail.envelope.to.length, bytes: sent.size }, 'mail sent')
    return sent
  }

  #call(mail: PreparedMail, signal: AbortSignal | undefined): Promise<string | undefined> {
    return this.api === 'v2' ? sendV2(this.client as SESv2Client, mail, signal) : sendV1(this.client as SESClient, mail, signal)
  }

  /**
   * Checks and builds the message now (so a bad one fails in the caller, not in a worker), then enqueues an
   * `SesDeliveryJob` that a worker runs with the mailer of the same name. Needs a queue adapter
   * (`useSqsQueue()` from fastify-aws/queue). Resolves once the job is enqueued.
   */
  deliverLater(message: MailMessage, options: DeliverLaterOptions = {}): Promise<EnqueuedJob> {
    return this.#track(async () => {
      await prepareMail(message, this.#defaults, this.api)
      return enqueueDelivery(this.name, toJsonMessage(message, this.#defaults), options.queue ?? this.config.queue)
    })
  }

  /** Stops accepting sends, waits for those in flight, and destroys the client if the mailer created it. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    withdrawMailer(this)
    await Promise.allSettled([...this.#inFlight])
    if (this.#owned) this.client.destroy()
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed
  }
}

/**
 * Creates a mailer from options, ENV (`FASTIFY_AWS_MAIL_*`) and `config/mail.yml`, in that order of precedence.
 *
 * @example
 * const mailer = createMailer({ from: 'App <noreply@example.com>' })
 * const { messageId } = await mailer.send({ to: 'ann@example.com', subject: 'Hi', text: 'Hello' })
 */
export function createMailer(options: MailerOptions = {}): Mailer {
  const name = options.name ?? 'default'
  const load = options.configLoad ?? deprecatedOption(options.config, CONFIG_OPTION_RENAMED, 'createMailer') ?? {}
  const config = loadMailConfig(
    name,
    {
      ...(options.api !== undefined ? { api: options.api } : {}),
      ...(typeof options.from === 'string' ? { from: options.from } : {}),
      ...(options.configurationSet !== undefined ? { configurationSet: options.configurationSet } : {}),
      ...(options.tags !== undefined ? { tags: options.tags } : {}),
      ...(options.region !== undefined ? { region: options.region } : {}),
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.queue !== undefined ? { queue: options.queue } : {}),
    },
    {
      ...(load.env ? { env: load.env } : {}),
      ...(load.cwd ? { cwd: load.cwd } : {}),
      ...(load.nodeEnv ? { nodeEnv: load.nodeEnv } : {}),
    },
  )
  return new Mailer(config, {
    name,
    ...(options.from !== undefined && typeof options.from !== 'string' ? { from: options.from } : {}),
    ...(options.client !== undefined ? { client: options.client } : {}),
    ...(options.clientOptions !== undefined ? { clientOptions: options.clientOptions } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    awsLoad: load,
  })
}

/** Mailer-wide defaults are checked once, at creation, so a bad `from` or tag fails at start-up, not per send. */
function checkDefaults(name: string, defaults: MessageDefaults): void {
  try {
    if (defaults.from !== undefined) parseMailbox(defaults.from, 'from')
    resolveSesOptions({}, {}, defaults)
  } catch (err) {
    const source = mailConfigSource(name)
    const reason = (err as Error).message.replace(/^Cannot send this mail: /, '')
    throw new MailerError(
      `Mailer ${name}: ${reason} This is a mailer default: fix the option in code, ${source.envPrefix}* or config/${source.names[0]}.yml.`,
    )
  }
}
