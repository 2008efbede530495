import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { inflateRawSync } from 'node:zlib'
import yaml from 'js-yaml'
import t, { type Test } from 'tap'
import { envName } from '../../src/config/index.js'
import { loadWorkerSettings, workerConfigSource, workerOptions } from '../../src/worker/options.js'

const run = promisify(execFile)
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
/** `fastify-aws bundle` in a process of its own, as `npm run bundle` runs it. */
const script = ['--import', 'tsx', join(repo, 'src/cli/index.ts'), 'bundle']

interface ZipEntry {
  name: string
  method: number
  crc: number
  mode: number
  data: Buffer
}

function crc32(buf: Buffer): number {
  let c = 0xffffffff
  for (const byte of buf) {
    c ^= byte
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}

/** A minimal reader: end of central directory → central directory → each local header and its data. */
function readZip(zip: Buffer): ZipEntry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (eocd < 0) throw new Error('no end of central directory record')
  const count = zip.readUInt16LE(eocd + 10)
  let p = zip.readUInt32LE(eocd + 16)
  const entries: ZipEntry[] = []
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory header at ${p}`)
    const method = zip.readUInt16LE(p + 10)
    const crc = zip.readUInt32LE(p + 16)
    const size = zip.readUInt32LE(p + 20)
    const nameLen = zip.readUInt16LE(p + 28)
    const extraLen = zip.readUInt16LE(p + 30)
    const commentLen = zip.readUInt16LE(p + 32)
    const external = zip.readUInt32LE(p + 38)
    const local = zip.readUInt32LE(p + 42)
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen)
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`)
    const localName = zip.toString('utf8', local + 30, local + 30 + zip.readUInt16LE(local + 26))
    if (localName !== name) throw new Error(`local name ${localName} differs from central name ${name}`)
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const body = zip.subarray(start, start + size)
    const data = method === 8 ? inflateRawSync(body) : Buffer.from(body)
    entries.push({ name, method, crc, mode: external >>> 16, data })
    p += 46 + nameLen + extraLen + commentLen
  }
  return entries
}

type Tree = { [name: string]: string | Tree }

function fixture(t: Test, tree: Tree): string {
  const root = mkdtempSync(join(tmpdir(), 'fastify-aws-bundle-'))
  const write = (dir: string, node: Tree): void => {
    for (const [name, v] of Object.entries(node)) {
      const p = join(dir, name)
      if (typeof v === 'string') {
        mkdirSync(dirname(p), { recursive: true })
        writeFileSync(p, v)
      } else {
        mkdirSync(p, { recursive: true })
        write(p, v)
      }
    }
  }
  write(root, tree)
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  return root
}

const big = 'console.log("a line of compressible code")\n'.repeat(500)
const project: Tree = {
  'package.json': JSON.stringify({
    name: 'svc',
    scripts: { build: 'tsc', prepare: 'npm run build', prestart: 'npm run build', start: 'node dist/service/server.js' },
    dependencies: { fastify: '^5' },
  }),
  'package-lock.json': '{"lockfileVersion":3}',
  Procfile: 'web: node dist/service/server.js\n',
  'cron.yaml': 'version: 1\ncron: []\n',
  '.ebextensions': { '01-worker.config': 'option_settings: {}\n' },
  '.platform': { nginx: { 'conf.d': { 'timeouts.conf': 'proxy_read_timeout 900s;\n' } } },
  // Sources before the build, so the build is not older than them.
  src: { 'index.ts': 'export {}\n' },
  dist: { service: { 'server.js': big }, 'index.js': 'export {}\n', 'ünïcode.js': '//\n' },
  config: { 'aws.yml': 'region: eu-west-1\n' },
  test: { 'a.test.ts': '' },
  node_modules: { fastify: { 'index.js': '' } },
  '.git': { HEAD: 'ref: refs/heads/main\n' },
  '.npmrc': '//registry.npmjs.org/:_authToken=secret\n',
  'README.md': '# svc\n',
  'tsconfig.json': '{}',
}

t.test('the bundle holds what EB needs and nothing else', async (t) => {
  const root = fixture(t, project)
  const outDir = fixture(t, {})
  const out = join(outDir, 'bundle.zip')
  const { stdout } = await run(process.execPath, [...script, '--root', root, '--out', out])
  t.match(stdout, /bundle: wrote .*bundle\.zip \(\d+ files, \d+ bytes\)/)

  const entries = readZip(readFileSync(out))
  const names = entries.map((e) => e.name)
  t.same(names, [
    '.ebextensions/',
    '.ebextensions/01-worker.config',
    '.platform/',
    '.platform/nginx/',
    '.platform/nginx/conf.d/',
    '.platform/nginx/conf.d/timeouts.conf',
    'Procfile',
    'config/',
    'config/aws.yml',
    'cron.yaml',
    'dist/',
    'dist/index.js',
    'dist/service/',
    'dist/service/server.js',
    'dist/ünïcode.js',
    'package-lock.json',
    'package.json',
  ])
  for (const e of entries.filter((x) => !x.name.endsWith('/'))) {
    t.equal(crc32(e.data), e.crc, `${e.name}: CRC-32 matches`)
    if (e.name !== 'package.json') t.same(e.data, readFileSync(join(root, e.name)), `${e.name}: same bytes`)
  }
  const server = entries.find((e) => e.name === 'dist/service/server.js')!
  t.equal(server.method, 8, 'deflated')
  t.equal(server.mode & 0o777, 0o644)
  t.equal(entries.find((e) => e.name === 'dist/')!.mode & 0o170000, 0o040000, 'directories are directories')

  const pkg = JSON.parse(entries.find((e) => e.name === 'package.json')!.data.toString('utf8')) as { scripts: Record<string, string>; dependencies: object }
  t.same(pkg.scripts, { build: 'tsc', start: 'node dist/service/server.js' }, 'prepare/prestart dropped: EB installs without dev dependencies')
  t.same(pkg.dependencies, { fastify: '^5' }, 'dependencies unchanged (package-lock.json stays in sync)')
})

const unzip = ['/usr/bin/unzip', '/bin/unzip', '/usr/local/bin/unzip'].find((p) => existsSync(p))

t.test('unzip agrees (when installed)', { skip: unzip === undefined ? 'unzip is not installed' : false }, async (t) => {
  if (unzip === undefined) return
  const root = fixture(t, project)
  const out = join(fixture(t, {}), 'b.zip')
  await run(process.execPath, [...script, '--root', root, '--out', out])
  const { stdout } = await run(unzip, ['-t', out])
  t.match(stdout, /No errors detected/)
  const dest = fixture(t, {})
  await run(unzip, ['-q', out, '-d', dest])
  t.equal(readFileSync(join(dest, 'dist/service/server.js'), 'utf8'), big)
  t.ok(existsSync(join(dest, '.platform/nginx/conf.d/timeouts.conf')))
})

t.test('without optional parts: no cron.yaml, no config/, no .platform/', async (t) => {
  const { 'cron.yaml': _c, config: _g, '.platform': _p, ...rest } = project
  const root = fixture(t, rest)
  const out = join(fixture(t, {}), 'b.zip')
  await run(process.execPath, [...script, '--root', root, '--out', out])
  const names = readZip(readFileSync(out)).map((e) => e.name)
  t.notOk(names.some((n) => n.startsWith('config') || n.startsWith('.platform') || n === 'cron.yaml'))
  t.ok(names.includes('dist/service/server.js'))
})

t.test("this repository's manifest: required peers become dependencies, the lock follows, optional peers and dev tools stay out", async (t) => {
  // The real package.json and package-lock.json: fastify is a peer of the library and a dev dependency here, fauxqs an
  // optional peer; EB's `npm ci --omit=dev` must install fastify and neither fauxqs nor TypeScript.
  const root = fixture(t, {
    ...project,
    'package.json': readFileSync(join(repo, 'package.json'), 'utf8'),
    'package-lock.json': readFileSync(join(repo, 'package-lock.json'), 'utf8'),
  })
  const out = join(fixture(t, {}), 'b.zip')
  const { stdout } = await run(process.execPath, [...script, '--root', root, '--out', out])
  t.match(stdout, /fastify from peer to dependency/)
  const entries = readZip(readFileSync(out))
  const json = (name: string) => JSON.parse(entries.find((e) => e.name === name)!.data.toString('utf8'))
  const repoPkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'))
  const pkg = json('package.json')
  t.equal(pkg.dependencies.fastify, repoPkg.devDependencies.fastify, 'fastify at the range the repository tests with')
  t.notOk(pkg.devDependencies.fastify, 'no longer a dev dependency')
  t.notOk(pkg.peerDependencies?.fastify, 'no longer a peer')
  t.equal(pkg.peerDependencies?.fauxqs, repoPkg.peerDependencies.fauxqs, 'the optional peer stays optional')
  t.notOk(pkg.dependencies.fauxqs)

  const lock = json('package-lock.json') as { packages: Record<string, { version?: string; dev?: boolean; devOptional?: boolean; dependencies?: object }> }
  const repoLock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as typeof lock
  t.same(lock.packages['']!.dependencies, pkg.dependencies, 'the lock matches the bundled package.json (npm ci accepts it)')
  const moved = Object.entries(repoLock.packages).filter(([path, entry]) => path !== '' && lock.packages[path]?.version !== entry.version)
  t.same(moved.map(([path]) => path), [], 'every package at the version the repository locks')
  const installed = (name: string) => {
    const e = lock.packages[`node_modules/${name}`]
    return e !== undefined && !e.dev && !e.devOptional
  }
  t.ok(installed('fastify'), 'npm ci --omit=dev installs fastify')
  t.ok(installed('avvio'), "and fastify's own dependencies")
  t.notOk(installed('fauxqs'), 'not the SQS emulator')
  t.notOk(installed('typescript'), 'not TypeScript')
  t.notOk(installed('tap'), 'not the test runner')
})

t.test('missing pieces are clear errors, and nothing is written', async (t) => {
  const cases: [string, Tree, RegExp][] = [
    ['no dist', (({ dist: _d, ...r }) => r)(project), /the Procfile starts dist\/service\/server\.js, which does not exist: run "npm run build" first/],
    ['no Procfile', (({ Procfile: _p, ...r }) => r)(project), /Procfile is missing/],
    ['no lock file', (({ 'package-lock.json': _l, ...r }) => r)(project), /package-lock\.json is missing/],
    ['no .ebextensions', (({ '.ebextensions': _e, ...r }) => r)(project), /\.ebextensions\/ is missing/],
    ['stale build', { ...project, dist: { 'index.js': '' } }, /the Procfile starts dist\/service\/server\.js, which does not exist/],
  ]
  for (const [name, tree, re] of cases) {
    const root = fixture(t, tree)
    const out = join(fixture(t, {}), 'b.zip')
    const err = (await run(process.execPath, [...script, '--root', root, '--out', out]).catch((e: unknown) => e)) as {
      code: number
      stderr: string
    }
    t.equal(err.code, 1, name)
    t.match(err.stderr, re, name)
    t.notOk(existsSync(out), `${name}: no zip`)
  }
  const bad = (await run(process.execPath, [...script, '--outt', 'x']).catch((e: unknown) => e)) as { code: number; stderr: string }
  t.equal(bad.code, 2)
  t.match(bad.stderr, /Unknown flag --outt\. Did you mean --out\?/)
})

t.test('the repository itself: the files the bundle needs are there', async (t) => {
  for (const f of ['Procfile', 'cron.yaml', 'package.json', 'package-lock.json', '.ebextensions/01-worker.config', '.platform/nginx/conf.d/worker-timeouts.conf']) {
    t.ok(existsSync(join(repo, f)), f)
  }
  t.match(readFileSync(join(repo, 'Procfile'), 'utf8'), /^web: node build\/service\/server\.js\n$/)
  const eb = readFileSync(join(repo, '.ebextensions/01-worker.config'), 'utf8')
  t.match(eb, /AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: "true"/)
  const setting = (key: string): number => Number(new RegExp(`\\n\\s+${key}: (\\d+)`).exec(eb)?.[1])
  const nginx = readFileSync(join(repo, '.platform/nginx/conf.d/worker-timeouts.conf'), 'utf8')
  const inactivity = setting('InactivityTimeout')
  t.ok(inactivity > 60, 'long jobs allowed')
  t.match(nginx, `proxy_read_timeout ${inactivity}s;`, 'nginx read timeout matches InactivityTimeout')
  t.match(nginx, `proxy_send_timeout ${inactivity}s;`, 'nginx send timeout matches InactivityTimeout')
  t.ok(setting('VisibilityTimeout') > inactivity, 'a message cannot reappear while its POST is served')
  t.ok(setting('HttpConnections') <= Number(/AWS_PROCESS_BEANSTALK_WORKER_THREADS: "(\d+)"/.exec(eb)?.[1]), 'sqsd never gets 429 from its own concurrency')
  for (const key of ['HttpPath', 'MimeType', 'HttpConnections', 'InactivityTimeout', 'VisibilityTimeout', 'ErrorVisibilityTimeout', 'MaxRetries']) {
    t.match(eb, new RegExp(`#[^\\n]*\\n\\s+${key}: `), `${key} is set, with a comment above it`)
  }
})

t.test('.ebextensions: valid YAML, sqsd values within EB ranges, worker variables the worker knows', async (t) => {
  const doc = yaml.load(readFileSync(join(repo, '.ebextensions/01-worker.config'), 'utf8')) as {
    option_settings: Record<string, Record<string, unknown>>
  }
  const env = doc.option_settings['aws:elasticbeanstalk:application:environment']!
  const sqsd = doc.option_settings['aws:elasticbeanstalk:sqsd']!
  t.ok(env && sqsd, 'both namespaces are mappings')
  const ranges: Record<string, [number, number]> = {
    HttpConnections: [1, 100],
    ConnectTimeout: [1, 60],
    InactivityTimeout: [1, 36000],
    VisibilityTimeout: [0, 43200],
    ErrorVisibilityTimeout: [0, 43200],
    RetentionPeriod: [60, 1209600],
    MaxRetries: [1, 100],
  }
  for (const [key, [min, max]] of Object.entries(ranges)) {
    const v = sqsd[key]
    t.ok(typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max, `${key}=${String(v)} within ${min}..${max}`)
  }
  t.equal(sqsd.HttpPath, '/')
  t.equal(sqsd.MimeType, 'application/json')

  const known = new Set(Object.entries(workerOptions).map(([k, spec]) => envName(workerConfigSource, k, spec)))
  const workerVars = Object.keys(env).filter((k) => k.startsWith(workerConfigSource.envPrefix))
  for (const k of workerVars) t.ok(known.has(k), `${k} is a worker option`)
  for (const [k, v] of Object.entries(env)) t.type(v, 'string', `${k} is quoted (EB environment values are text)`)
  const settings = loadWorkerSettings({}, { env: env as Record<string, string>, cwd: fixture(t, {}) })
  t.equal(settings.requests, true, 'the worker reads the flag as enabled')
  t.equal(settings.jobs_async, false)
  t.equal(settings.path, sqsd.HttpPath, 'worker path = HttpPath')
  t.ok(settings.threads >= (sqsd.HttpConnections as number), 'threads >= HttpConnections')
})
