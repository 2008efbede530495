// Real AWS stand-ins for tests: each starts on 127.0.0.1 with a random port and is stopped by the test.
import type { AddressInfo } from 'node:net'
import type { IncomingMessage, Server } from 'node:http'

/** Credentials and region every test client uses against an emulator. */
export const testAws = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
} as const

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT` */
  endpoint: string
  port: number
  close(): Promise<void>
}

/** SQS: fauxqs 1.9.2 in-process (quiet, loopback only). `onRequest` sees every request as it arrives (headers, URL). */
export async function startSqs(options: { onRequest?: (request: IncomingMessage) => void } = {}): Promise<RunningEmulator> {
  const { buildApp } = await import('fauxqs')
  const app = buildApp({ logger: false })
  const onRequest = options.onRequest
  if (onRequest) app.addHook('onRequest', async (request) => onRequest(request.raw))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as AddressInfo).port
  return { endpoint: `http://127.0.0.1:${port}`, port, close: () => app.close() }
}

/** DynamoDB: dynalite in-process, in memory, with instant table state changes. */
export async function startDynalite(): Promise<RunningEmulator> {
  const { default: dynalite } = (await import('dynalite')) as unknown as {
    default: (opts: Record<string, unknown>) => Server
  }
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** SES v2: aws-ses-v2-local in-process. Sent mail is readable at `${endpoint}/store`. */
export async function startSes(): Promise<RunningEmulator> {
  type Start = (c: { host: string; port: number }) => Promise<Server>
  // A CommonJS module with `exports.default`: one loader hands us that function, another the exports object.
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: Start | { default: Start } }
  const sesServer = typeof mod.default === 'function' ? mod.default : mod.default.default
  // The library takes a fixed port; ask the OS for a free one first.
  const port = await freePort()
  const server = await sesServer({ host: '127.0.0.1', port })
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.()
        server.close(() => resolve())
      }),
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net')
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo
      srv.close(() => resolve(port))
    })
  })
}
