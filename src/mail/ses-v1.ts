// SES v1: SendRawEmail (for accounts or regions still on the classic API; 10 MB limit).
import { SendRawEmailCommand, type SESClient, type SendRawEmailCommandInput } from '@aws-sdk/client-ses'
import type { PreparedMail } from './prepare.js'

/**
 * The SendRawEmail request for a prepared mail: Source is the envelope sender (explicit, else Sender, else
 * From), Destinations every envelope recipient. The three ARNs map one to one; list management stays in the
 * MIME as X-SES-LIST-MANAGEMENT-OPTIONS because SendRawEmail has no parameter for it.
 */
export function sendRawEmailInput(mail: PreparedMail): SendRawEmailCommandInput {
  const { options, envelope } = mail
  const input: SendRawEmailCommandInput = {
    RawMessage: { Data: mail.raw },
    Source: envelope.from,
    Destinations: [...envelope.to],
  }
  if (options.sourceArn !== undefined) input.SourceArn = options.sourceArn
  if (options.fromArn !== undefined) input.FromArn = options.fromArn
  if (options.returnPathArn !== undefined) input.ReturnPathArn = options.returnPathArn
  if (options.configurationSet !== undefined) input.ConfigurationSetName = options.configurationSet
  const tags = Object.entries(options.tags)
  if (tags.length) input.Tags = tags.map(([Name, Value]) => ({ Name, Value }))
  return input
}

/** Sends through SES v1; resolves to the SES MessageId. */
export async function sendV1(client: SESClient, mail: PreparedMail, abortSignal?: AbortSignal): Promise<string | undefined> {
  const out = await client.send(new SendRawEmailCommand(sendRawEmailInput(mail)), abortSignal ? { abortSignal } : {})
  return out.MessageId
}
