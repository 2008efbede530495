// The SQS that `fastify-aws dev` embeds when no queue or endpoint is configured: fauxqs, in this process.
import type { AddressInfo } from 'node:net'
import { DevPortInUseError, DevSqsEmulatorMissingError } from '../errors.js'

/**
 * The fauxqs release dev is tested with (2.x needs Node 22.5). fauxqs is an optional peer dependency: only `dev`'s
 * embedded SQS needs it, so library users and deployments do not install an emulator.
 */
export const FAUXQS_VERSION = '1.9.2'

/** Region and dummy credentials of every client of the embedded SQS (it checks no signature). */
export const EMBEDDED_SQS_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'fastify-aws-dev', secretAccessKey: 'fastify-aws-dev' },
} as const

/** A running in-process SQS emulator. */
export interface EmbeddedSqs {
  /** `http://127.0.0.1:PORT`: set it as the SQS client's `endpoint` (fauxqs queue URLs have a host that does not resolve). */
  endpoint: string
  port: number
  /** The region queue ARNs and URLs are made in. */
  region: string
  close(): Promise<void>
}

/**
 * Starts fauxqs on 127.0.0.1 (loopback only, quiet); `port` 0 picks a free one. In-memory: queues and
 * messages end with the process.
 */
export async function startEmbeddedSqs(port = 0, region: string = EMBEDDED_SQS_AWS.region): Promise<EmbeddedSqs> {
  const { buildApp } = await loadFauxqs()
  const app = buildApp({ logger: false, defaultRegion: region })
  try {
    await app.listen({ port, host: '127.0.0.1' })
  } catch (err) {
    await app.close()
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE') {
      throw new DevPortInUseError(`--sqs-port ${port} is in use on 127.0.0.1; pick another port, or 0 for any free one.`)
    }
    throw err
  }
  const actual = (app.server.address() as AddressInfo).port
  return { endpoint: `http://127.0.0.1:${actual}`, port: actual, region, close: () => app.close() }
}

/**
 * Imports fauxqs (only here, so the library never pulls the emulator in unless `dev` runs); a missing package is a
 * {@link DevSqsEmulatorMissingError} naming the install command. `importer` is for tests.
 */
export async function loadFauxqs(importer: () => Promise<typeof import('fauxqs')> = () => import('fauxqs')): Promise<typeof import('fauxqs')> {
  return importer().catch((err: unknown) => {
    throw isMissingPackage(err, 'fauxqs')
      ? new DevSqsEmulatorMissingError(`npm i -D fauxqs@${FAUXQS_VERSION} (or give dev an SQS to use: --endpoint URL, or --queue-url URL).`)
      : err
  })
}

/** True when `err` says that package `name` itself cannot be found (not a package it imports). */
function isMissingPackage(err: unknown, name: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | null
  return (
    typeof e === 'object' &&
    e !== null &&
    (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') &&
    typeof e.message === 'string' &&
    e.message.includes(`'${name}'`) &&
    !e.message.includes(`/node_modules/${name}/`)
  )
}
