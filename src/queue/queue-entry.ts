// One entry of `queues:`: a URL (the legacy `name: url` form) or a mapping of per-queue settings.
import { option } from '../config/index.js'

/** A queue's own settings as written in YAML or code; unset fields fall back to the global options. */
export interface QueueEntry {
  url?: string
  max_messages?: number
  visibility_timeout?: number
  message_group_id?: string
  excluded_deduplication_keys?: readonly string[]
}

/** How each per-queue key is parsed (the same rules as the global options of the same name). */
export const queueEntryOptions = {
  url: option.string({ description: 'Queue URL' }),
  max_messages: option.integer({ description: 'Messages per ReceiveMessage call', min: 1, max: 10 }),
  visibility_timeout: option.integer({ description: 'Visibility timeout in seconds', min: 0, max: 43_200 }),
  message_group_id: option.string({ description: 'FIFO MessageGroupId default for this queue' }),
  excluded_deduplication_keys: option.list({ description: 'Envelope keys left out of the deduplication hash' }),
} as const

/** Parses one `queues:` entry; throws a message saying what was expected (the loader adds file and key). */
export function parseQueueEntry(raw: unknown, name: string): QueueEntry {
  if (typeof raw === 'string') return { url: checkUrl(raw, name) }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`a queue URL or a mapping with "url" for queue "${name}"`)
  }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw)) {
    const spec = (queueEntryOptions as Record<string, { parse(v: unknown): unknown; expected: string }>)[key]
    if (!spec) {
      throw new Error(`known per-queue keys (${Object.keys(queueEntryOptions).join(', ')}), found "${key}"`)
    }
    if (value === null || value === undefined) continue
    try {
      out[key] = spec.parse(value)
    } catch {
      throw new Error(`"${key}" to be ${spec.expected}, got ${JSON.stringify(value)}`)
    }
  }
  if (typeof out.url === 'string') out.url = checkUrl(out.url, name)
  return out as QueueEntry
}

function checkUrl(url: string, name: string): string {
  const trimmed = url.trim()
  let parsed: URL
  try {
    parsed = new URL(trimmed)
  } catch {
    throw new Error(`an http(s) URL for queue "${name}", got ${JSON.stringify(url)}`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`an http(s) URL for queue "${name}", got ${JSON.stringify(url)}`)
  }
  return trimmed
}
