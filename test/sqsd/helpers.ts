// Test helpers for the dev daemon: an app stand-in that records every request, and a polling wait.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { SQSClient } from '@aws-sdk/client-sqs'
import pino from 'pino'
import { testAws } from '../helpers/emulators.js'

/** One request the stand-in app received. */
export interface Captured {
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** Header names exactly as sent. */
  rawNames: string[]
  body: string
}

/** How the stand-in answers: a status, or a promise of one (to hold the request open). */
export type Responder = (req: Captured) => number | Promise<number>

/** An HTTP server on 127.0.0.1 recording every request and answering with `respond`. */
export async function startCaptureApp(respond: Responder = () => 200) {
  const requests: Captured[] = []
  let inFlight = 0
  let maxInFlight = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const captured: Captured = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawNames: req.rawHeaders.filter((_, i) => i % 2 === 0),
        body: Buffer.concat(chunks).toString('utf8'),
      }
      requests.push(captured)
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      void Promise.resolve(respond(captured)).then((status) => {
        inFlight--
        res.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`)
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    get inFlight() {
      return inFlight
    },
    get maxInFlight() {
      return maxInFlight
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** An SQS client for the emulator at `endpoint`. */
export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ ...testAws, endpoint })
}

/** A logger that keeps every line (objects) for assertions. */
export function memoryLogger() {
  const lines: Record<string, unknown>[] = []
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  )
  return { logger, lines }
}

/** Polls `check` until it returns true; fails after `deadlineMs` (a deadline against hangs, not a speed test). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}
