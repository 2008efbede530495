// The README's "Deploy your own app", end to end: an app made from the README's worker example, with fastify-aws
// installed from the `npm pack` tarball (not linked), then `fastify-aws init`, `fastify-aws bundle`, the zip unpacked
// and installed as EB does (`npm ci --omit=dev`), and the Procfile's command started: an sqsd POST runs a job and a
// periodic task runs.
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { request } from 'undici'

const run = promisify(execFile)
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const unzip = ['/usr/bin/unzip', '/bin/unzip', '/usr/local/bin/unzip'].find((p) => existsSync(p))
const built = existsSync(join(repo, 'dist/deploy/bundle.js'))

t.setTimeout(600_000)

t.test('init → bundle → unzip → npm ci --omit=dev → the Procfile command runs jobs and periodic tasks', {
  skip: !built ? 'dist/ is not built (npm ci or npm run build builds it)' : unzip === undefined ? 'unzip is not installed' : false,
}, async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'fastify-aws-own-app-'))
  t.teardown(() => rmSync(base, { recursive: true, force: true }))
  const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 64 * 1024 * 1024 })

  // The package as published (its dist/ is what `npm ci` built).
  mkdirSync(join(base, 'pack'))
  await npm(['pack', '--ignore-scripts', '--pack-destination', join(base, 'pack')], repo)
  const tarball = readdirSync(join(base, 'pack')).find((f) => f.endsWith('.tgz'))!
  const ownPkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }

  // The app: the README's worker example, as built JavaScript, with fastify-aws from the tarball.
  const app = join(base, 'app')
  mkdirSync(join(app, 'src'), { recursive: true })
  writeFileSync(join(app, 'src/server.ts'), '// (the sources; dist/ is the build)\n')
  mkdirSync(join(app, 'dist'))
  const readme = readFileSync(join(repo, 'README.md'), 'utf8')
  const example = /<!-- example:worker-app -->\n```ts\n([\s\S]*?)```/.exec(readme)![1]!
  const js = example
    .replace(/static override readonly jobName/g, 'static jobName')
    .replace(/\(name: string\): Promise<void>/g, '(name)')
    .replace(/async perform\(name\)/, "async perform(name) {\n    console.log(JSON.stringify({ ran: 'HelloJob', name: name ?? null }))\n  }\n  async unused(name)")
  writeFileSync(join(app, 'dist/server.js'), js)
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'my-worker',
      private: true,
      type: 'module',
      engines: { node: '>=20.19' },
      scripts: { build: 'tsc', start: 'node dist/server.js' },
      dependencies: { 'fastify-aws': `file:../pack/${tarball}`, fastify: ownPkg.devDependencies.fastify },
    }, null, 2),
  )
  await npm(['install', '--prefer-offline'], app)
  const bin = join(app, 'node_modules/.bin/fastify-aws')

  // init, a periodic task, bundle.
  const init = await run(process.execPath, [bin, 'init'], { cwd: app })
  t.match(init.stdout, /my-worker starts with node dist\/server\.js on port 8080/)
  writeFileSync(join(app, 'cron.yaml'), 'version: 1\ncron:\n  - name: "HelloJob"\n    url: "/"\n    schedule: "*/5 * * * *"\n')
  const bundled = await run(process.execPath, [bin, 'bundle', '--out', join(base, 'app.zip')], { cwd: app })
  t.match(bundled.stdout, /fastify-aws bundle: wrote .*app\.zip/)

  // As EB does: unpack, install production dependencies, start the Procfile's command.
  const deployed = join(base, 'deployed')
  await run(unzip!, ['-q', join(base, 'app.zip'), '-d', deployed])
  t.notOk(existsSync(join(deployed, 'src')), 'sources stay out')
  await npm(['ci', '--omit=dev', '--prefer-offline'], deployed)
  const procfile = readFileSync(join(deployed, 'Procfile'), 'utf8')
  t.equal(procfile, 'web: node dist/server.js\n')

  const port = 20000 + Math.floor(Math.random() * 20000)
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: deployed,
    env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: 'true', NODE_ENV: 'production', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => void child.kill('SIGKILL'))
  let out = ''
  child.stdout.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr.on('data', (c: Buffer) => (out += c.toString()))
  const deadline = Date.now() + 60_000
  while (!out.includes('Server listening')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the app did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  const sqsd = { 'user-agent': 'aws-sqsd/3.0.4', 'content-type': 'application/json', 'x-aws-sqsd-msgid': 'm-1', 'x-aws-sqsd-receive-count': '1', 'x-aws-sqsd-queue': 'q' }
  const envelope = { job_class: 'HelloJob', job_id: 'j-1', queue_name: 'default', arguments: ['deployed'], executions: 0, enqueued_at: new Date().toISOString() }
  const job = await request(`http://127.0.0.1:${port}/`, { method: 'POST', headers: sqsd, body: JSON.stringify(envelope) })
  t.equal(job.statusCode, 200, await job.body.text())
  const task = await request(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: { ...sqsd, 'x-aws-sqsd-msgid': 'm-2', 'x-aws-sqsd-taskname': 'HelloJob', 'x-aws-sqsd-scheduled-at': new Date().toISOString() },
    body: '',
  })
  t.equal(task.statusCode, 200, await task.body.text())
  while (!(out.includes('"name":"deployed"') && out.includes('"name":null'))) {
    if (Date.now() > deadline) throw new Error(`the jobs did not run:\n${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  t.pass('the job and the periodic task ran in the deployed app')
})
