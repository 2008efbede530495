// The SES client of a mailer: the caller's (checked against the API, never destroyed by us) or our own.
import { SESClient } from '@aws-sdk/client-ses'
import { SESv2Client } from '@aws-sdk/client-sesv2'
import { clientOrCreate, loadAwsClientOptions, type AwsClientOptions } from '../aws/index.js'
import type { JobLogger } from '../jobs/index.js'
import type { LoadConfigOptions } from '../config/index.js'
import { MailerError } from '../errors.js'
import type { SesApi } from './message.js'
import { redactRawMessageInLogs } from './redact-log.js'

/** Either SES client; it must match the mailer's `api`. */
export type SesClientLike = SESv2Client | SESClient

/** What decides a mailer's client. */
export interface SesClientRequest {
  api: SesApi
  mailerName: string
  given: SesClientLike | undefined
  region: string | undefined
  endpoint: string | undefined
  logger: JobLogger | undefined
  clientOptions: AwsClientOptions | undefined
  /** Where config/aws.yml and ENV are read from. */
  load: Omit<LoadConfigOptions<never>, 'code'>
}

/**
 * The given client, or a new one from config/aws.yml + the mailer's region/endpoint + `clientOptions`.
 * `owned` is true only for a client made here: only that one is destroyed on close.
 */
export function sesClientFor(request: SesClientRequest): { client: SesClientLike; owned: boolean } {
  if (request.given !== undefined) {
    checkClientMatchesApi(request.given, request.api, request.mailerName)
    return { client: request.given, owned: false }
  }
  const options = loadAwsClientOptions(
    {
      ...(request.region !== undefined ? { region: request.region } : {}),
      ...(request.endpoint !== undefined ? { endpoint: request.endpoint } : {}),
      ...(request.logger !== undefined ? { logger: request.logger } : {}),
      ...request.clientOptions,
    },
    request.load,
  )
  const made =
    request.api === 'v2'
      ? clientOrCreate<SesClientLike, object>(undefined, SESv2Client, options, 'mail')
      : clientOrCreate<SesClientLike, object>(undefined, SESClient, options, 'mail')
  // Our client may log through pino: keep message bodies (and their attachments) out of those lines.
  redactRawMessageInLogs(made.client)
  return made
}

function checkClientMatchesApi(client: SesClientLike, api: SesApi, name: string): void {
  const serviceId = (client as { config?: { serviceId?: unknown } }).config?.serviceId
  const expected = api === 'v2' ? 'SESv2' : 'SES'
  if (typeof serviceId === 'string' && serviceId !== expected) {
    throw new MailerError(
      `Mailer ${name} uses api ${api} but was given a ${serviceId} client: pass ${api === 'v2' ? 'an SESv2Client' : 'an SESClient'}, or set api to ${api === 'v2' ? 'v1' : 'v2'}.`,
    )
  }
}
