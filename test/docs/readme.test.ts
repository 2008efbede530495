// The README stays true: generated parts match the code, and its examples run.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { promisify } from 'node:util'
import { execFile } from 'node:child_process'
import { headingAnchor, renderReadme } from '../../scripts/readme.js'
import { freePort } from '../helpers/emulators.js'

const root = new URL('../../', import.meta.url)
const execFileP = promisify(execFile)
const readme = readFileSync(new URL('README.md', root), 'utf8')

t.test('configuration tables and examples match the code (run `npm run docs` after changing options)', async (t) => {
  t.equal(readme, renderReadme(readme))
})

t.test('the contents link every section, and every subpath of package.json exports is listed', async (t) => {
  t.equal(headingAnchor('`npm run dev` and a stand-alone sqsd'), 'npm-run-dev-and-a-stand-alone-sqsd')
  t.equal(headingAnchor('Periodic tasks (cron.yaml)'), 'periodic-tasks-cronyaml')
  const contents = readme.slice(readme.indexOf('<!-- toc:readme -->'), readme.indexOf('<!-- /toc:readme -->'))
  for (const heading of ['Quick start', 'Subpath exports', 'Configuration', 'Development']) t.match(contents, `[${heading}](#`)
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { exports: Record<string, unknown> }
  for (const subpath of Object.keys(pkg.exports).filter((s) => s !== './package.json')) {
    t.match(readme, `| \`${subpath === '.' ? 'fastify-aws' : `fastify-aws/${subpath.slice(2)}`}\` |`, subpath)
  }
})

t.test('the README shows the two commands', async (t) => {
  t.match(readme, /npm install && npm run dev/)
  t.match(readme, /^npm test$/m)
})

// Examples import 'fastify-aws/*' as users do; they run under tsx, which resolves those through tsconfig paths.
const cwd = new URL('.', root).pathname

t.test('example define-a-job: the job registers under its explicit name and runs', async (t) => {
  const { stdout } = await execFileP(process.execPath, ['--import', 'tsx', 'test/docs/run-define-a-job.ts'], { cwd })
  t.same(JSON.parse(stdout.trim().split('\n').pop() ?? ''), { registered: true, outcome: 'succeeded' })
})

t.test('example worker-app: an sqsd POST runs HelloJob', async (t) => {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-example-'))
  const cron = join(dir, 'cron.yaml')
  writeFileSync(cron, 'version: 1\ncron: []\n')
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/worker-app.ts'], {
    cwd,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', AWS_PROCESS_BEANSTALK_WORKER_CRON_FILE: cron },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => {
    child.kill('SIGKILL')
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d))
  child.stderr.on('data', (d: Buffer) => (output += d))
  const outputShows = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`example exited with ${code}: ${output}`))
      child.once('exit', onExit)
      const poll = setInterval(() => {
        if (!output.includes(text)) return
        clearInterval(poll)
        child.off('exit', onExit)
        resolve()
      }, 20)
    })
  await outputShows('Server listening')
  const res = await request(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: { 'user-agent': 'aws-sqsd/2.4', 'content-type': 'application/json' },
    body: JSON.stringify({ job_class: 'HelloJob', arguments: ['readme'] }),
  })
  t.equal(res.statusCode, 200)
  t.equal(await res.body.text(), 'Successfully ran job HelloJob.')
  await outputShows('Hello, readme!')
  t.pass('the job logged its greeting')
})
