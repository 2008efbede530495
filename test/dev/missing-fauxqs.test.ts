// fauxqs is an optional peer: without it, `fastify-aws dev` stops at once with the install command, and the
// version it names is the one this repository tests with.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t from 'tap'
import { FAUXQS_VERSION, loadFauxqs } from '../../src/dev/embedded-sqs.js'

const repo = join(import.meta.dirname, '..', '..')
const tsx = pathToFileURL(join(repo, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href
const withoutFauxqs = pathToFileURL(join(import.meta.dirname, 'fixtures', 'without-fauxqs.mjs')).href

function runDev(cwd: string): Promise<{ code: number | null; output: string }> {
  const args = ['--import', tsx, '--import', withoutFauxqs, join(repo, 'src', 'cli', 'index.ts'), 'dev', '--jobs', join(repo, 'test', 'dev', 'fixtures', 'own-jobs.ts'), '--port', '0']
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, NODE_OPTIONS: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr.on('data', (c: Buffer) => (output += c.toString()))
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })))
}

t.test('dev without fauxqs installed: exit 1 and one line naming the install command', async (t) => {
  const { code, output } = await runDev(mkdtempSync(join(tmpdir(), 'fastify-aws-nofauxqs-')))
  t.equal(code, 1, output)
  t.match(
    output,
    /fastify-aws dev: the embedded SQS emulator \(fauxqs\) is not installed: npm i -D fauxqs@1\.9\.2 \(or give dev an SQS to use: --endpoint URL, or --queue-url URL\)\. \[FASTIFY_AWS_DEV_SQS_EMULATOR_MISSING\]/,
  )
  t.notMatch(output, /\n\s+at /, 'no stack trace')
})

t.test('the version dev asks for is the one installed here, inside the peer range', async (t) => {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>
    devDependencies: Record<string, string>
    peerDependencies: Record<string, string>
    peerDependenciesMeta: Record<string, { optional?: boolean }>
  }
  t.equal(pkg.devDependencies.fauxqs, FAUXQS_VERSION)
  t.equal(pkg.peerDependencies.fauxqs, `^${FAUXQS_VERSION}`)
  t.same(pkg.peerDependenciesMeta.fauxqs, { optional: true })
  t.notOk(pkg.dependencies.fauxqs, 'not a production dependency')
})

t.test('in the library: startEmbeddedSqs rejects with the install command when fauxqs cannot be found', async (t) => {
  // In a process of its own with the hook given by --import, so it is in place before anything resolves fauxqs
  // (registered from inside a running test it sometimes came too late under load).
  const script = `import { startEmbeddedSqs } from ${JSON.stringify(pathToFileURL(join(repo, 'src', 'dev', 'embedded-sqs.ts')).href)}
startEmbeddedSqs(0).then(() => console.log('started'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })))`
  const child = spawn(process.execPath, ['--import', tsx, '--import', withoutFauxqs, '--input-type=module', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (c: Buffer) => (out += c.toString()))
  await new Promise((resolve) => child.once('close', resolve))
  t.same(JSON.parse(out.trim()), {
    code: 'FASTIFY_AWS_DEV_SQS_EMULATOR_MISSING',
    message: `the embedded SQS emulator (fauxqs) is not installed: npm i -D fauxqs@${FAUXQS_VERSION} (or give dev an SQS to use: --endpoint URL, or --queue-url URL).`,
  })
})

t.test('loadFauxqs: only fauxqs itself missing is the install message; anything else is passed on', async (t) => {
  const notFound = (message: string) => () => Promise.reject(Object.assign(new Error(message), { code: 'ERR_MODULE_NOT_FOUND' }))
  await t.rejects(loadFauxqs(notFound("Cannot find package 'fauxqs' imported from /app/node_modules/fastify-aws/dist/dev/embedded-sqs.js")), {
    code: 'FASTIFY_AWS_DEV_SQS_EMULATOR_MISSING',
  })
  await t.rejects(
    loadFauxqs(notFound("Cannot find package 'valibot' imported from /app/node_modules/fauxqs/dist/index.js")),
    { code: 'ERR_MODULE_NOT_FOUND', message: /valibot/ },
    'a dependency of fauxqs missing is not fauxqs missing',
  )
  await t.rejects(loadFauxqs(() => Promise.reject(new SyntaxError('Unexpected token'))), SyntaxError, 'a broken install is passed on')
  t.type((await loadFauxqs()).buildApp, 'function', 'installed: the real module')
})
