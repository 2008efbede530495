// Runs the fastify-aws CLI in process with captured output, as the binary would with these argv/env/cwd.
import { PassThrough } from 'node:stream'
import { main } from '../../src/cli/main.js'

/** What one CLI run printed and returned. */
export interface CliResult {
  code: number
  out: string
  err: string
}

/** Runs `fastify-aws <argv...>` in this process. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): Promise<CliResult> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c: Buffer) => (out += c.toString()))
  stderr.on('data', (c: Buffer) => (err += c.toString()))
  const code = await main({ argv, env, cwd, stdout, stderr })
  return { code, out, err }
}
