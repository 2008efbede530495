// fauxqs in a child process of its own, for benchmarks: the emulator never shares an event loop (or CPU time
// measured with process.cpuUsage) with the producer or consumer being measured.
import { spawn } from 'node:child_process'
import { SQSClient } from '@aws-sdk/client-sqs'

/** A running fauxqs process. */
export interface FauxqsProcess {
  endpoint: string
  /** A new SQS client for it (the caller destroys it). */
  client(): SQSClient
  /** Ends the process (also done when this process exits). */
  stop(): void
}

/** Starts fauxqs on 127.0.0.1 on a free port, in its own process. */
export async function startFauxqsProcess(): Promise<FauxqsProcess> {
  const server = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "const { buildApp } = await import('fauxqs'); const app = buildApp({ logger: false }); await app.listen({ port: 0, host: '127.0.0.1' }); console.log(app.server.address().port)",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() },
  )
  // However this process ends, the emulator ends with it.
  process.once('exit', () => server.kill('SIGTERM'))
  const port = await new Promise<number>((resolve, reject) => {
    server.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())))
    server.once('exit', (code) => reject(new Error(`fauxqs exited with ${code}`)))
  })
  const endpoint = `http://127.0.0.1:${port}`
  return {
    endpoint,
    client: () => new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 3 }),
    stop: () => void server.kill('SIGTERM'),
  }
}
