// SES v2: SendEmail with the raw MIME (the default API).
import { SendEmailCommand, type SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2'
import type { PreparedMail } from './prepare.js'

/**
 * The SendEmail request for a prepared mail. Destination carries every envelope recipient (Bcc included, which
 * is not in the headers). FromEmailAddress is set only for an explicit envelope sender, so that otherwise SES
 * uses the From header with its display name, as the Ruby gem does. Both X-SES-SOURCE-ARN and X-SES-FROM-ARN
 * map to FromEmailAddressIdentityArn, the single sending-authorization ARN of SES v2.
 */
export function sendEmailInput(mail: PreparedMail): SendEmailCommandInput {
  const { options, envelope } = mail
  const input: SendEmailCommandInput = {
    Content: { Raw: { Data: mail.raw } },
    Destination: { ToAddresses: [...envelope.to] },
  }
  if (envelope.explicitFrom) input.FromEmailAddress = envelope.from
  const identityArn = options.fromArn ?? options.sourceArn
  if (identityArn !== undefined) input.FromEmailAddressIdentityArn = identityArn
  if (options.returnPathArn !== undefined) input.FeedbackForwardingEmailAddressIdentityArn = options.returnPathArn
  if (options.configurationSet !== undefined) input.ConfigurationSetName = options.configurationSet
  const tags = Object.entries(options.tags)
  if (tags.length) input.EmailTags = tags.map(([Name, Value]) => ({ Name, Value }))
  if (options.listManagement) {
    input.ListManagementOptions = {
      ContactListName: options.listManagement.contactListName,
      ...(options.listManagement.topicName !== undefined ? { TopicName: options.listManagement.topicName } : {}),
    }
  }
  return input
}

/** Sends through SES v2; resolves to the SES MessageId. */
export async function sendV2(client: SESv2Client, mail: PreparedMail, abortSignal?: AbortSignal): Promise<string | undefined> {
  const out = await client.send(new SendEmailCommand(sendEmailInput(mail)), abortSignal ? { abortSignal } : {})
  return out.MessageId
}
