// `.fastify-aws/dev.json`: where a running `fastify-aws dev` says which queue it uses, so that `enqueue` and
// `cron run` in another terminal find it without flags.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** Default location, relative to the project directory (git-ignored). */
export const DEV_STATE_FILE = join('.fastify-aws', 'dev.json')

/** What a running dev stack publishes. */
export interface DevState {
  /** Process id of `fastify-aws dev`; the file is stale once it is gone. */
  pid: number
  /** SQS endpoint to use (the embedded emulator's), when not AWS's own. */
  endpoint: string | undefined
  region: string
  /** True when the embedded emulator runs: clients use dummy credentials. */
  embedded: boolean
  queueUrl: string
  queueName: string
  deadLetterQueueUrl: string | undefined
  /** The service's base URL. */
  appUrl: string
  /** Jobs the service registered (enqueue warns about others). */
  jobs: string[]
  /** cron.yaml the daemon schedules, if any. */
  cronFile: string | undefined
  startedAt: string
}

/** Writes the state file (creating its directory). */
export function writeDevState(path: string, state: DevState): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`)
}

/** Removes the state file, if this process wrote it (another dev run may have replaced it). */
export function removeDevState(path: string, pid = process.pid): void {
  const state = readState(path)
  if (state === undefined || state.pid === pid) rmSync(path, { force: true })
}

/**
 * The state of a running dev stack, or undefined when there is no file, it is unreadable, or its process
 * has ended (a dev run killed with SIGKILL leaves a stale file behind).
 */
export function readDevState(path: string): DevState | undefined {
  const state = readState(path)
  if (state === undefined || !processAlive(state.pid)) return undefined
  return state
}

function readState(path: string): DevState | undefined {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    return undefined
  }
  if (data === null || typeof data !== 'object') return undefined
  const s = data as Partial<DevState>
  if (typeof s.pid !== 'number' || typeof s.queueUrl !== 'string' || typeof s.region !== 'string') return undefined
  return s as DevState
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
