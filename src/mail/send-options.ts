// One set of SES options per send, from three places: the mailer's defaults, X-SES-* headers, the message.
import { MailMessageError } from '../errors.js'
import { CONFIGURATION_SET_PATTERN, TAG_PATTERN } from './limits.js'
import type { ListManagementOptions, SesSendOptions } from './message.js'
import type { SesHeaderValues } from './ses-headers.js'

/** Checked options for one send. */
export interface ResolvedSesOptions {
  configurationSet?: string
  /** Name → value, merged. Empty when none. */
  tags: Record<string, string>
  fromArn?: string
  sourceArn?: string
  returnPathArn?: string
  listManagement?: ListManagementOptions
}

/** Mailer-wide defaults that a message may override. */
export interface SesDefaults {
  readonly configurationSet?: string
  readonly tags?: Readonly<Record<string, string>>
}

// A plausible ARN: SES checks it for real; we only catch values that cannot be one (a name, an address).
const ARN = /^arn:aws[a-zA-Z-]*:ses:[a-z0-9-]*:\d{12}:identity\/\S+$/

/**
 * Merges the sources (message > header > mailer default; tags merged by name in the same order) and checks
 * every value against SES's rules, so a bad tag or name fails here with the field named, not at SES.
 */
export function resolveSesOptions(message: SesSendOptions, headers: SesHeaderValues, defaults: SesDefaults): ResolvedSesOptions {
  const out: ResolvedSesOptions = { tags: {} }
  const configurationSet = message.configurationSet ?? headers.configurationSet ?? defaults.configurationSet
  if (configurationSet !== undefined) {
    if (typeof configurationSet !== 'string' || !CONFIGURATION_SET_PATTERN.test(configurationSet)) {
      throw new MailMessageError(
        `configurationSet ${JSON.stringify(configurationSet)} is not a valid name (ASCII letters, digits, _ and -, at most 64).`,
      )
    }
    out.configurationSet = configurationSet
  }
  out.tags = mergeTags(defaults.tags, headers.tags, message.tags)
  for (const key of ['fromArn', 'sourceArn', 'returnPathArn'] as const) {
    const arn = message[key] ?? headers[key]
    if (arn === undefined) continue
    if (typeof arn !== 'string' || !ARN.test(arn)) {
      throw new MailMessageError(`${key} ${JSON.stringify(arn)} is not an SES identity ARN (arn:aws:ses:<region>:<account>:identity/<identity>).`)
    }
    out[key] = arn
  }
  const list = message.listManagement ?? headers.listManagement
  if (list !== undefined) out.listManagement = checkedList(list)
  return out
}

function mergeTags(...sources: (Readonly<Record<string, string>> | undefined)[]): Record<string, string> {
  const merged: Record<string, string> = Object.create(null) as Record<string, string>
  for (const source of sources) {
    if (source === undefined) continue
    if (source === null || typeof source !== 'object' || Array.isArray(source)) {
      throw new MailMessageError('tags must be an object of tag name to value.')
    }
    for (const [name, value] of Object.entries(source)) {
      if (!TAG_PATTERN.test(name)) {
        throw new MailMessageError(`tag name ${JSON.stringify(name)} is not valid (ASCII letters, digits, _ and -, under 256).`)
      }
      if (typeof value !== 'string' || !TAG_PATTERN.test(value)) {
        throw new MailMessageError(
          `tag ${name} has value ${JSON.stringify(value)}, which is not valid (ASCII letters, digits, _ and -, under 256).`,
        )
      }
      merged[name] = value
    }
  }
  return merged
}

function checkedList(list: ListManagementOptions): ListManagementOptions {
  if (list === null || typeof list !== 'object' || typeof list.contactListName !== 'string' || list.contactListName.trim() === '') {
    throw new MailMessageError('listManagement needs a non-empty contactListName.')
  }
  if (list.topicName !== undefined && (typeof list.topicName !== 'string' || list.topicName.trim() === '')) {
    throw new MailMessageError('listManagement.topicName must be a non-empty string when given.')
  }
  return list.topicName === undefined
    ? { contactListName: list.contactListName }
    : { contactListName: list.contactListName, topicName: list.topicName }
}
