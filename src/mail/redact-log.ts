// The SDK logs each operation's input at info (and on error). For a mail that input is the whole message, with
// attachments and personal data: keep the raw bytes out of the logs, leave every other field.
import type { SesClientLike } from './ses-client.js'

type Filter = (input: unknown) => unknown

interface HandlerContext {
  inputFilterSensitiveLog?: Filter
}

/** Adds a middleware that replaces `Content.Raw.Data` / `RawMessage.Data` with `[N bytes]` in SDK log lines. */
export function redactRawMessageInLogs(client: SesClientLike): void {
  client.middlewareStack.add(
    (next, context) => (args) => {
      const ctx = context as HandlerContext
      const original = ctx.inputFilterSensitiveLog ?? ((input: unknown) => input)
      ctx.inputFilterSensitiveLog = (input) => original(redact(input))
      return next(args)
    },
    { step: 'initialize', name: 'fastifyAwsMailRedactRawMessage', override: true, priority: 'high' },
  )
}

function redact(input: unknown): unknown {
  if (input === null || typeof input !== 'object') return input
  const i = input as { Content?: { Raw?: { Data?: unknown } }; RawMessage?: { Data?: unknown } }
  if (i.Content?.Raw?.Data !== undefined) {
    return { ...i, Content: { ...i.Content, Raw: { ...i.Content.Raw, Data: size(i.Content.Raw.Data) } } }
  }
  if (i.RawMessage?.Data !== undefined) return { ...i, RawMessage: { ...i.RawMessage, Data: size(i.RawMessage.Data) } }
  return input
}

function size(data: unknown): string {
  const n = data instanceof Uint8Array ? data.byteLength : typeof data === 'string' ? Buffer.byteLength(data) : 0
  return `[${n} bytes]`
}
