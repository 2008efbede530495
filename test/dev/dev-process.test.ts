// `fastify-aws dev` as a real child process: it answers, runs an enqueued job, and one SIGTERM or SIGINT ends
// the process with nothing left behind (no process, no listening port, no state file).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t, { type Test } from 'tap'
import { waitFor } from '../sqsd/helpers.js'

const repo = join(import.meta.dirname, '..', '..')
const cliEntry = join(repo, 'src', 'cli', 'index.ts')
const env = {
  ...process.env,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  NODE_OPTIONS: '',
  // The daemon's HttpConnections follows the worker's threads in dev.
  AWS_PROCESS_BEANSTALK_WORKER_THREADS: '3',
}

interface Running {
  child: ChildProcess
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

// tsx by path, so the CLI can also run in a project directory without node_modules.
const tsx = pathToFileURL(join(repo, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href

function run(args: string[], cwd = repo): Running {
  const child = spawn(process.execPath, ['--import', tsx, cliEntry, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  return { child, output: () => out, exited }
}

/** Starts `fastify-aws dev` (killed by teardown if still running) and waits until its state file says it is up. */
async function startDev<S>(t: Test, args: string[], stateFile: string, cwd = repo): Promise<{ dev: Running; state: S }> {
  const dev = run(['dev', '--port', '0', '--wait-time', '1', ...args], cwd)
  t.teardown(() => {
    if (dev.child.exitCode === null) dev.child.kill('SIGKILL')
  })
  await waitFor('the state file', () => existsSync(stateFile) || dev.child.exitCode !== null, 60_000)
  t.equal(dev.child.exitCode, null, `dev is running (output: ${dev.output().slice(-500)})`)
  return { dev, state: JSON.parse(readFileSync(stateFile, 'utf8')) as S }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`dev answers, runs a job, and one ${signal} stops all of it`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-devproc-'))
    const stateFile = join(dir, 'dev.json')
    // What `npm run dev` runs in this repository: the reference service as the app.
    const { dev, state } = await startDev<{ appUrl: string; endpoint: string; pid: number }>(
      t,
      ['--app', 'service/app.ts', '--state-file', stateFile],
      stateFile,
    )
    t.equal(state.pid, dev.child.pid)

    t.match(dev.output(), /"httpConnections":3,/, 'HttpConnections = the worker threads, so the daemon never meets a 429')
    const res = await fetch(`${state.appUrl}/`)
    t.equal(res.status, 200, 'the service answers')
    t.match(await res.json(), { service: 'fastify-aws', worker: true })
    t.match(dev.output(), `  jobs dashboard: ${state.appUrl}/_jobs/\n`, 'the banner gives the dashboard URL')
    t.equal((await fetch(`${state.appUrl}/_jobs/`)).status, 200, 'the dashboard answers')

    if (signal === 'SIGTERM') {
      // The README's second terminal: enqueue finds the running dev's queue from the state file.
      const enqueue = run(['enqueue', 'HelloJob', '["world"]', '--state-file', stateFile])
      t.equal((await enqueue.exited).code, 0, enqueue.output())
      await waitFor('the job run', () => dev.output().includes('Hello, world!'), 60_000)
      await waitFor('the delivery line', () => /"job":"HelloJob","status":200,"durationMs":\d+/.test(dev.output()), 60_000)
    }

    const appPort = Number(new URL(state.appUrl).port)
    const sqsPort = Number(new URL(state.endpoint).port)
    dev.child.kill(signal)
    const { code } = await dev.exited
    t.equal(code, 0, 'exits by itself with 0 after one signal')
    t.notOk(alive(state.pid), 'no process left')
    t.notOk(await portOpen(appPort), 'the service port is closed')
    t.notOk(await portOpen(sqsPort), 'the embedded SQS port is closed')
    t.notOk(existsSync(stateFile), 'the state file is removed')
    t.match(dev.output(), /sqsd stopped/)
  })
}

t.test('dev --jobs runs your jobs in a bare app with the worker tier', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-devjobs-'))
  const stateFile = join(dir, '.fastify-aws', 'dev.json')
  const jobs = join(repo, 'test', 'dev', 'fixtures', 'own-jobs.ts')
  const { dev, state } = await startDev<{ appUrl: string; jobs: string[] }>(t, ['--jobs', jobs], stateFile, dir)
  t.same(state.jobs, ['OwnJob'])
  const enqueue = run(['enqueue', 'OwnJob', '["jobs-only"]'], dir)
  t.equal((await enqueue.exited).code, 0, enqueue.output())
  await waitFor('the job run', () => dev.output().includes('own job ran with jobs-only'), 60_000)
  dev.child.kill('SIGTERM')
  t.equal((await dev.exited).code, 0)
})

t.test('npm run dev: Ctrl-C at a terminal (SIGINT to the whole process group) ends it with exit code 0', async (t) => {
  const stateFile = join(mkdtempSync(join(tmpdir(), 'fastify-aws-npmdev-')), 'dev.json')
  // detached: a process group of its own, as a terminal gives the command it runs; the terminal's Ctrl-C goes to
  // every process in it (npm, the script's shell, node).
  const npm = spawn('npm', ['run', 'dev', '--', '--port', '0', '--state-file', stateFile, '--wait-time', '1'], {
    cwd: repo,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  npm.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  npm.stderr!.on('data', (c: Buffer) => (out += c.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    npm.once('exit', (code, signal) => resolve({ code, signal })),
  )
  t.teardown(() => {
    if (npm.exitCode === null && npm.signalCode === null) process.kill(-npm.pid!, 'SIGKILL')
  })
  await waitFor('the state file', () => existsSync(stateFile) || npm.exitCode !== null, 60_000)
  t.equal(npm.exitCode, null, `npm run dev is running (output: ${out.slice(-500)})`)
  process.kill(-npm.pid!, 'SIGINT')
  // npm relays the Ctrl-C to dev as well, late when it is busy: a copy after dev's clean stop must not kill it.
  const result = await exited
  t.same(result, { code: 0, signal: null }, `npm itself exits 0, not 130 or by the signal (output: ${result.code === 0 ? 'not shown' : out.slice(-1500)})`)
  t.match(out, /"signal":"SIGINT","msg":"dev stopping"/)
  t.notOk(existsSync(stateFile), 'dev stopped cleanly (the state file is removed) before npm returned')
})

// util-linux's `script` runs a command on a pseudo-terminal, as when a person runs it; Debian has it in every install.
const script = ['/usr/bin/script', '/bin/script'].find((p) => existsSync(p))

t.test('dev on a terminal: pretty lines; an unknown job logs one line per receive, not a stack', { skip: script ? false : 'no script(1) for a pseudo-terminal' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-devtty-'))
  const stateFile = join(dir, 'dev.json')
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`
  const command = [process.execPath, '--import', tsx, cliEntry, 'dev', '--app', 'service/app.ts', '--port', '0', '--state-file', stateFile, '--wait-time', '1', '--error-visibility-timeout', '0', '--max-retries', '2']
  // As a person's terminal has it: tap sets NO_COLOR=1 and FORCE_COLOR=0 for its test processes.
  const terminalEnv: NodeJS.ProcessEnv = { ...env }
  delete terminalEnv.NO_COLOR
  delete terminalEnv.FORCE_COLOR
  const child = spawn(script!, ['-qfec', command.map(quote).join(' '), '/dev/null'], { cwd: repo, env: terminalEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  await waitFor('the state file', () => existsSync(stateFile) || child.exitCode !== null, 60_000)
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { pid: number }
  const enqueue = run(['enqueue', 'NoSuchJob', '[]', '--force', '--state-file', stateFile])
  t.equal((await enqueue.exited).code, 0, enqueue.output())
  await waitFor('two receives', () => out.includes('receive 2 of MaxRetries 2'), 60_000)
  process.kill(state.pid, 'SIGINT')
  t.equal(await exited, 0)

  // eslint-disable-next-line no-control-regex -- strips the colours' ANSI escapes
  const lines = out.replaceAll('\r', '').replaceAll(/\u001b\[\d+m/g, '').split('\n')
  t.ok(out.includes('\u001b['), 'coloured')
  t.notOk(lines.some((l) => l.startsWith('{"level"')), 'no JSON lines')
  t.ok(lines.some((l) => /^\[[\d:.]+\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+$/.test(l)), "the service's own lines too")
  const unknown = lines.filter((l) => l.includes('Unknown job "NoSuchJob"') && l.includes('ERROR'))
  t.equal(unknown.length, 2, `the worker: one line per receive (${unknown.join(' | ')})`)
  for (const l of unknown) t.match(l, /^\[[\d:.]+\] ERROR: Unknown job "NoSuchJob": no job is registered under that name \(or it is not in the allowlist\)\. \{.*"receiveCount":"[12]"\}$/)
  t.equal(lines.filter((l) => /^\[[\d:.]+\] WARN: sqsd: NoSuchJob → 500 in \d+ ms/.test(l)).length, 2, "the daemon's delivery line per receive")
  t.notOk(lines.some((l) => /^\s+at /.test(l)), 'no stack trace')
})

t.test('dev --app runs your own app', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-devapp-'))
  const stateFile = join(dir, '.fastify-aws', 'dev.json')
  // A project directory of its own (its cron.yaml, none here, is what the worker validates).
  const app = join(repo, 'test', 'dev', 'fixtures', 'own-app.ts')
  const { dev, state } = await startDev<{ appUrl: string; jobs: string[] }>(t, ['--app', app], stateFile, dir)
  t.same(state.jobs, ['OwnJob'])
  t.same(await (await fetch(`${state.appUrl}/`)).json(), { own: true })
  t.match(dev.output(), /try: npx fastify-aws enqueue OwnJob '\[\]'/, 'the banner suggests a job the app has')
  const enqueue = run(['enqueue', 'OwnJob', '["hi"]'], dir)
  t.equal((await enqueue.exited).code, 0, enqueue.output())
  await waitFor('the job run', () => dev.output().includes('own job ran with hi'), 60_000)
  dev.child.kill('SIGTERM')
  t.equal((await dev.exited).code, 0)
  t.notOk(existsSync(stateFile), 'the state file in the project directory is removed')
})
