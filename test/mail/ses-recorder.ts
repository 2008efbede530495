// Test helper: aws-ses-v2-local behind a recording proxy on 127.0.0.1, so tests see every SES request exactly
// as it went over the wire (the emulator stores parsed mail, not the raw MIME or the request parameters).
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startSes, type RunningEmulator } from '../helpers/emulators.js'

/** One request that reached SES. */
export interface RecordedCall {
  /** `SendEmail` (v2) or `SendRawEmail` (v1), else the path. */
  operation: string
  /** The v2 JSON body, or the v1 form fields. */
  params: Record<string, unknown>
  /** The raw MIME carried by the request, decoded. */
  raw: string
}

/** An email as aws-ses-v2-local stores it (`GET /store`). */
export interface StoredEmail {
  messageId: string
  from: string
  replyTo: string[]
  destination: { to: string[]; cc: string[]; bcc: string[] }
  subject: string
  body: { text?: string; html?: string }
  attachments: { filename?: string; contentType: string; content: string; size: number }[]
  at: number
}

/** The emulator, its proxy and what went through. */
export interface SesUnderTest {
  /** Proxy endpoint: give this to the mailer. */
  endpoint: string
  /** The emulator itself (for /store). */
  emulator: RunningEmulator
  calls: RecordedCall[]
  store(): Promise<StoredEmail[]>
  clear(): Promise<void>
  close(): Promise<void>
}

/** Starts aws-ses-v2-local and a recording proxy in front of it. */
export async function startRecordedSes(): Promise<SesUnderTest> {
  const emulator = await startSes()
  const calls: RecordedCall[] = []
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      calls.push(record(req.url ?? '/', req.headers, body))
      const upstream = httpRequest(
        { host: '127.0.0.1', port: emulator.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers)
          up.pipe(res)
        },
      )
      upstream.on('error', () => res.destroy())
      upstream.end(body)
    })
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()))
  const port = (proxy.address() as AddressInfo).port
  return {
    endpoint: `http://127.0.0.1:${port}`,
    emulator,
    calls,
    async store() {
      const r = await fetch(`${emulator.endpoint}/store`)
      return ((await r.json()) as { emails: StoredEmail[] }).emails
    },
    async clear() {
      calls.length = 0
      await fetch(`${emulator.endpoint}/clear-store`, { method: 'POST' })
    },
    async close() {
      proxy.closeAllConnections()
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
      await emulator.close()
    },
  }
}

function record(path: string, headers: IncomingHttpHeaders, body: Buffer): RecordedCall {
  const type = String(headers['content-type'] ?? '')
  if (type.includes('json')) {
    const params = JSON.parse(body.toString('utf8')) as Record<string, unknown>
    const data = (params.Content as { Raw?: { Data?: string } } | undefined)?.Raw?.Data
    return { operation: path.includes('outbound-emails') ? 'SendEmail' : path, params, raw: data ? Buffer.from(data, 'base64').toString('utf8') : '' }
  }
  const params = Object.fromEntries(new URLSearchParams(body.toString('utf8')))
  const data = params['RawMessage.Data']
  return { operation: String(params.Action ?? path), params, raw: data ? Buffer.from(data, 'base64').toString('utf8') : '' }
}

/** The header block of a raw message, unfolded, as `[name, value]` pairs. */
export function headerLines(raw: string): [string, string][] {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? ''
  return head
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .map((line) => {
      const i = line.indexOf(':')
      return [line.slice(0, i), line.slice(i + 1).trim()] as [string, string]
    })
}
