// fastify-aws init, doctor and bundle on temporary apps, in process: what init writes and refuses, a table of the
// deployment mistakes doctor flags, and what bundle refuses to ship.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import yaml from 'js-yaml'
import t, { type Test } from 'tap'
import { runCli } from '../helpers/cli.js'
import { startSqs, testAws } from '../helpers/emulators.js'
import { formatFindings, runDoctor } from '../../src/deploy/doctor.js'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const jobsUrl = pathToFileURL(join(repo, 'src/jobs/index.ts')).href

/** A temporary app: package.json (start script on port 3000), a built entry, a jobs module, a lock file. */
function app(t: Test, manifest: Record<string, unknown> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'fastify-aws-deploy-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  mkdirSync(join(root, 'src'))
  writeFileSync(join(root, 'src/server.ts'), 'export {}\n')
  mkdirSync(join(root, 'dist'))
  writeFileSync(join(root, 'dist/server.js'), 'export {}\n')
  writeFileSync(
    join(root, 'dist/jobs.mjs'),
    `import { Job } from '${jobsUrl}'\nclass CleanupJob extends Job { static jobName = 'CleanupJob'; async perform() {} }\nexport function registerJobs(registry) { registry.register(CleanupJob) }\n`,
  )
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: '@acme/shop', scripts: { build: 'tsc', start: 'PORT=3000 node dist/server.js' }, ...manifest }))
  writeFileSync(join(root, 'package-lock.json'), JSON.stringify({ name: '@acme/shop', lockfileVersion: 3, requires: true, packages: { '': { name: '@acme/shop' } } }))
  return root
}

const cli = (argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => runCli(argv, env, cwd)

t.test('init writes the worker files adapted to the app, and never overwrites without --force', async (t) => {
  const root = app(t)
  const first = await cli(['init'], root)
  t.equal(first.code, 0, first.err)
  t.match(first.out, /@acme\/shop starts with node dist\/server\.js on port 3000/)
  for (const f of ['Procfile', 'cron.yaml', '.ebextensions/01-worker.config', '.platform/nginx/conf.d/worker-timeouts.conf']) {
    t.match(first.out, `wrote ${f}`)
    t.ok(existsSync(join(root, f)), f)
  }
  t.equal(readFileSync(join(root, 'Procfile'), 'utf8'), 'web: node dist/server.js\n')
  const config = yaml.load(readFileSync(join(root, '.ebextensions/01-worker.config'), 'utf8')) as { option_settings: Record<string, Record<string, unknown>> }
  t.match(config.option_settings['aws:elasticbeanstalk:application:environment'], { AWS_PROCESS_BEANSTALK_WORKER_REQUESTS: 'true', PORT: '3000' })
  t.match(config.option_settings['aws:elasticbeanstalk:sqsd'], { InactivityTimeout: 900, HttpConnections: 10 })
  t.match(readFileSync(join(root, '.platform/nginx/conf.d/worker-timeouts.conf'), 'utf8'), 'proxy_read_timeout 900s;')
  t.same(yaml.load(readFileSync(join(root, 'cron.yaml'), 'utf8')), { version: 1, cron: [] })

  writeFileSync(join(root, 'Procfile'), 'web: node custom.js\n')
  const again = await cli(['init'], root)
  t.equal(again.code, 1)
  t.match(again.err, /Procfile, .*already exist; nothing was written\. Run "fastify-aws init --force" to overwrite them\. \[FASTIFY_AWS_DEPLOY_INIT\]/)
  t.equal(readFileSync(join(root, 'Procfile'), 'utf8'), 'web: node custom.js\n', 'untouched')
  const forced = await cli(['init', '--force', '--entry', 'dist/main.js', '--port', '8081'], root)
  t.match(forced.out, /overwrote Procfile/)
  t.equal(readFileSync(join(root, 'Procfile'), 'utf8'), 'web: node dist/main.js\n')
})

t.test('init --docker: a compose file and a Kubernetes pod running fastify-aws sqsd beside the app', async (t) => {
  const root = app(t)
  t.equal((await cli(['init', '--docker'], root)).code, 0)
  const compose = yaml.load(readFileSync(join(root, 'compose.yaml'), 'utf8')) as { services: Record<string, { command?: string[]; network_mode?: string; environment?: Record<string, string> }> }
  t.same(Object.keys(compose.services), ['app', 'sqsd'])
  t.equal(compose.services.sqsd!.network_mode, 'service:app', 'sqsd POSTs from 127.0.0.1')
  t.same(compose.services.sqsd!.command!.slice(0, 3), ['npx', 'fastify-aws', 'sqsd'])
  t.ok(compose.services.sqsd!.command!.includes('http://127.0.0.1:3000/'))
  t.equal(compose.services.app!.environment!.AWS_PROCESS_BEANSTALK_WORKER_DOCKER_HOSTS, 'none')
  const k8s = yaml.load(readFileSync(join(root, 'k8s/worker.yaml'), 'utf8')) as { kind: string; spec: { replicas: number; template: { spec: { containers: { name: string; command?: string[] }[] } } } }
  t.equal(k8s.kind, 'Deployment')
  t.equal(k8s.spec.replicas, 1, 'cron tasks fire once')
  t.same(k8s.spec.template.spec.containers.map((c) => c.name), ['app', 'sqsd'])
  const docker = readFileSync(join(root, 'Dockerfile'), 'utf8')
  t.match(docker, /RUN npm ci --omit=dev/)
  t.match(docker, /CMD \["node", "dist\/server\.js"\]/)
  t.match(readFileSync(join(root, '.dockerignore'), 'utf8'), /^\.env$/m)
})

t.test('init --web writes the web side for the parts the app uses; --worker --web and a missing package.json are refused', async (t) => {
  const root = app(t)
  writeFileSync(join(root, 'src/server.ts'), "import { fastifyAwsSessions } from 'fastify-aws/sessions'\nimport 'fastify-aws/mail'\n")
  const r = await cli(['init', '--web'], root)
  t.equal(r.code, 0, r.err)
  t.ok(existsSync(join(root, '.ebextensions/01-web.config')))
  t.notOk(existsSync(join(root, '.ebextensions/01-worker.config')), 'no sqsd options on a web environment')
  t.match(readFileSync(join(root, 'config/aws_dynamo_db_session_store.yml'), 'utf8'), /# table_name: sessions/)
  t.ok(existsSync(join(root, 'config/mail.yml')))
  t.match(await cli(['init', '--worker', '--web'], root), { code: 1, err: /--worker and --web together/ })
  const empty = mkdtempSync(join(tmpdir(), 'fastify-aws-deploy-empty-'))
  t.teardown(() => rmSync(empty, { recursive: true, force: true }))
  t.match(await cli(['init'], empty), { code: 1, err: /package\.json does not exist: run "fastify-aws init" in your app's root folder/ })
  writeFileSync(join(empty, 'package.json'), '{ nope')
  t.match(await cli(['init'], empty), { code: 1, err: /package\.json is not valid JSON/ })
  writeFileSync(join(empty, 'package.json'), '{"name":"x"}')
  t.match(await cli(['init'], empty), { code: 1, err: /cannot tell which built file starts the app.*--entry/ })
  t.match(await cli(['init', '--prot', '1'], empty), { code: 2, err: /Unknown flag --prot\. Did you mean --port\?/ })
})

/** Replaces a line `key: value` of the worker config (or adds it under the sqsd namespace). */
function setOption(root: string, key: string, value: string): void {
  const file = join(root, '.ebextensions/01-worker.config')
  const text = readFileSync(file, 'utf8')
  const re = new RegExp(`^(\\s+)${key}: .*$`, 'm')
  const namespace = key.startsWith('AWS_') ? '  aws:elasticbeanstalk:application:environment:\n' : '  aws:elasticbeanstalk:sqsd:\n'
  writeFileSync(file, re.test(text) ? text.replace(re, `$1${key}: ${value}`) : text.replace(namespace, `${namespace}    ${key}: ${value}\n`))
}
function removeOption(root: string, key: string): void {
  const file = join(root, '.ebextensions/01-worker.config')
  writeFileSync(file, readFileSync(file, 'utf8').replace(new RegExp(`^\\s+${key}: .*\\n`, 'm'), ''))
}

t.test('doctor: a fresh init passes; each broken setting is one finding with its fix', async (t) => {
  const fresh = app(t, { 'fastify-aws': { jobs: 'dist/jobs.mjs' } })
  await cli(['init'], fresh)
  const ok = await cli(['doctor'], fresh)
  t.equal(ok.code, 0, ok.out)
  t.match(ok.out, /✓ Procfile starts dist\/server\.js\./)
  t.match(ok.out, /- no queue URLs configured/)
  t.match(ok.out, /fastify-aws doctor: no problems found\./)

  const cases: [string, (root: string) => void, RegExp][] = [
    ['HttpConnections out of range', (r) => setOption(r, 'HttpConnections', '200'), /x \.ebextensions HttpConnections: 200 is outside EB's range 1-100\. Fix: set HttpConnections between 1 and 100/],
    ['threads below HttpConnections', (r) => setOption(r, 'AWS_PROCESS_BEANSTALK_WORKER_THREADS', '"4"'), /x HttpConnections 10 is above AWS_PROCESS_BEANSTALK_WORKER_THREADS 4.*Fix: lower HttpConnections to 4/],
    ['threads unset', (r) => removeOption(r, 'AWS_PROCESS_BEANSTALK_WORKER_THREADS'), /! AWS_PROCESS_BEANSTALK_WORKER_THREADS is not set/],
    ['visibility below inactivity', (r) => setOption(r, 'VisibilityTimeout', '600'), /x VisibilityTimeout 600 is below InactivityTimeout 900.*Fix: set VisibilityTimeout to at least 900/],
    ['nginx timeouts short', (r) => rmSync(join(r, '.platform'), { recursive: true }), /x nginx proxy_read_timeout 60s \/ proxy_send_timeout 60s are below InactivityTimeout 900/],
    ['worker flag missing', (r) => removeOption(r, 'AWS_PROCESS_BEANSTALK_WORKER_REQUESTS'), /x \.ebextensions does not set AWS_PROCESS_BEANSTALK_WORKER_REQUESTS/],
    ['worker flag "yes"', (r) => setOption(r, 'AWS_PROCESS_BEANSTALK_WORKER_REQUESTS', '"yes"'), /x \.ebextensions sets AWS_PROCESS_BEANSTALK_WORKER_REQUESTS to "yes": the worker is off\. Fix: set it to "true"/],
    ['HttpPath differs', (r) => setOption(r, 'HttpPath', '/jobs'), /x HttpPath "\/jobs" differs from AWS_PROCESS_BEANSTALK_WORKER_PATH "\/"/],
    ['Procfile target not built', (r) => rmSync(join(r, 'dist/server.js')), /x Procfile starts dist\/server\.js, which is not built\. Fix: run "npm run build"/],
    ['no Procfile', (r) => rmSync(join(r, 'Procfile')), /x Procfile is missing\./],
    ['Procfile without web', (r) => writeFileSync(join(r, 'Procfile'), 'worker: node x.js\n'), /x Procfile has no "web:" process/],
    ['unknown cron job', (r) => writeFileSync(join(r, 'cron.yaml'), 'version: 1\ncron:\n  - name: Cleanup\n    url: /\n    schedule: "0 3 * * *"\n'), /x .*cron\.yaml:3 \(cron entry "Cleanup"\): no job is registered under "Cleanup"/],
    ['cron job not allowed', (r) => {
      writeFileSync(join(r, 'cron.yaml'), 'version: 1\ncron:\n  - name: CleanupJob\n    url: /\n    schedule: "0 3 * * *"\n')
      setOption(r, 'AWS_PROCESS_BEANSTALK_WORKER_JOB_CLASS_ALLOWLIST', 'OtherJob')
    }, /x .*job "CleanupJob" is registered but not in job_class_allowlist/],
    ['list form, later file wins', (r) => writeFileSync(join(r, '.ebextensions/02-more.config'), 'option_settings:\n  - namespace: aws:elasticbeanstalk:sqsd\n    option_name: MaxRetries\n    value: 0\n  - { option_name: no-namespace }\n'), /x \.ebextensions MaxRetries: 0 is outside EB's range 1-100/],
    ['invalid YAML', (r) => writeFileSync(join(r, '.ebextensions/02-bad.config'), 'option_settings: [\n'), /x \.ebextensions\/02-bad\.config is not valid YAML/],
  ]
  for (const [name, breakIt, expected] of cases) {
    const root = app(t, { 'fastify-aws': { jobs: 'dist/jobs.mjs' } })
    await cli(['init'], root)
    breakIt(root)
    const r = await cli(['doctor'], root)
    t.match(r.out, expected, name)
    t.equal(r.code, name === 'threads unset' ? 0 : 1, `${name}: exit code`)
  }

  const cronOk = app(t)
  await cli(['init'], cronOk)
  writeFileSync(join(cronOk, 'cron.yaml'), 'version: 1\ncron:\n  - name: CleanupJob\n    url: /\n    schedule: "0 3 * * *"\n')
  t.match((await cli(['doctor'], cronOk)).out, /- cron\.yaml: 1 task\(s\) valid; job names not checked\. Fix: give --jobs/)
  t.match((await cli(['doctor', '--jobs', 'dist/jobs.mjs'], cronOk)).out, /✓ cron\.yaml: 1 task\(s\), each naming a registered and allowed job\./)
  t.match((await cli(['doctor', '--jobs', 'dist/nope.mjs'], cronOk)).out, /x --jobs dist\/nope\.mjs/)

  const web = app(t)
  await cli(['init', '--web'], web)
  t.match((await cli(['doctor'], web)).out, /- \.ebextensions sets no aws:elasticbeanstalk:sqsd options: not a worker environment/)
})

t.test('doctor: configured queues are reached when credentials are present', async (t) => {
  const sqs = await startSqs()
  t.teardown(() => sqs.close())
  const root = app(t)
  await cli(['init'], root)
  const { SQSClient, CreateQueueCommand } = await import('@aws-sdk/client-sqs')
  const client = new SQSClient({ ...testAws, endpoint: sqs.endpoint })
  t.teardown(() => client.destroy())
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'doctor-default' }))
  const env = { AWS_ACTIVE_JOB_SQS_DEFAULT_URL: QueueUrl!, AWS_ACTIVE_JOB_SQS_MISSING_URL: QueueUrl!.replace('doctor-default', 'no-such-queue') }
  const findings = await runDoctor({ root, env, aws: { ...testAws, endpoint: sqs.endpoint, maxAttempts: 1 } })
  const text = formatFindings(findings)
  t.match(text, /✓ queue default reachable/)
  t.match(text, /x queue missing \(.*no-such-queue\) is not reachable: .*Fix: check the URL, the region and the credentials/)
})

t.test('bundle refuses a stale build, node_modules, secrets and an engines.node EB cannot meet', async (t) => {
  const ready = (manifest: Record<string, unknown> = {}) => {
    const root = app(t, manifest)
    mkdirSync(join(root, '.ebextensions'))
    writeFileSync(join(root, '.ebextensions/01-worker.config'), 'option_settings: {}\n')
    writeFileSync(join(root, 'Procfile'), 'web: node dist/server.js\n')
    return root
  }
  const future = new Date(Date.now() + 60_000)
  const cases: [string, (root: string) => void, RegExp][] = [
    ['stale build', (r) => utimesSync(join(r, 'src/server.ts'), future, future), /the build in dist\/ is older than src\/ .*run "npm run build" first/],
    ['node_modules in the build', (r) => mkdirSync(join(r, 'dist/node_modules')), /dist\/node_modules\/ would go into the bundle/],
    ['.env in config', (r) => (mkdirSync(join(r, 'config')), writeFileSync(join(r, 'config/.env'), 'X=1')), /config\/\.env looks like a secret/],
    ['master key in config', (r) => (mkdirSync(join(r, 'config')), writeFileSync(join(r, 'config/master.key'), 'k')), /config\/master\.key looks like a secret/],
    ['.npmrc in the build', (r) => writeFileSync(join(r, 'dist/.npmrc'), 't'), /dist\/\.npmrc looks like a secret/],
    ['no Procfile node', (r) => writeFileSync(join(r, 'Procfile'), 'web: npm start\n'), /the Procfile starts no "node <file>"/],
  ]
  for (const [name, breakIt, expected] of cases) {
    const root = ready()
    breakIt(root)
    const r = await cli(['bundle'], root)
    t.match(r, { code: 1, err: expected }, name)
    t.notOk(existsSync(join(root, 'acme-shop-bundle.zip')), `${name}: nothing written`)
  }
  t.match(await cli(['bundle'], ready({ engines: { node: '>=26' } })), { code: 1, err: /engines\.node ">=26" admits none of Elastic Beanstalk's Node\.js platform branches \(24\.14\.1, 22\.22\.2, 20\.20\.1\): widen it/ })
  t.match(await cli(['bundle'], ready({ engines: { node: 'soon' } })), { code: 1, err: /engines\.node "soon" is not a valid semver range/ })
  const good = ready({ engines: { node: '>=22' } })
  const r = await cli(['bundle'], good)
  t.match(r, { code: 0, out: /fastify-aws bundle: wrote acme-shop-bundle\.zip \(\d+ files, \d+ bytes\)/ })
})

t.test('doctor says what it skips: no credentials, a queue config it cannot read; init finds the port in the entry', async (t) => {
  const root = app(t)
  await cli(['init'], root)
  const noCredentials = await runDoctor({
    root,
    env: { AWS_ACTIVE_JOB_SQS_DEFAULT_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs' },
    aws: { region: 'eu-west-1', credentials: () => Promise.reject(new Error('no credentials')) },
  })
  t.match(formatFindings(noCredentials), /- no AWS credentials here: 1 configured queue\(s\) not checked\. Fix: run where credentials are available/)
  mkdirSync(join(root, 'config'))
  writeFileSync(join(root, 'config/aws_active_job_sqs.yml'), 'queues: [\n')
  t.match(formatFindings(await runDoctor({ root, env: {} })), /x .*aws_active_job_sqs\.yml/)

  const entryPort = app(t, { scripts: { start: 'node dist/server.js' } })
  writeFileSync(join(entryPort, 'dist/server.js'), "await app.listen({ port: Number(process.env.PORT ?? 3001) })\n")
  t.match((await cli(['init'], entryPort)).out, /on port 3001/)
  const byMain = app(t, { scripts: {}, main: './dist/server.js' })
  t.match((await cli(['init'], byMain)).out, /starts with node dist\/server\.js on port 8080/)
})

t.test("bundle in process: required peers become dependencies with a lock derived from the app's; an out path that cannot be written is refused", async (t) => {
  const repoPkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { devDependencies: Record<string, string>; peerDependencies: Record<string, string> }
  const make = (lock: string) => {
    const root = app(t, {
      name: 'peer-app',
      peerDependencies: { fastify: repoPkg.peerDependencies.fastify, fauxqs: '*' },
      peerDependenciesMeta: { fauxqs: { optional: true } },
      devDependencies: { fastify: repoPkg.devDependencies.fastify },
      scripts: { start: 'node dist/server.js', prepare: 'tsc', postinstall: 'tsc' },
    })
    mkdirSync(join(root, '.ebextensions'))
    writeFileSync(join(root, '.ebextensions/01-worker.config'), 'option_settings: {}\n')
    writeFileSync(join(root, 'Procfile'), 'web: node dist/server.js\n')
    writeFileSync(join(root, 'package-lock.json'), lock)
    return root
  }
  const good = make(readFileSync(join(repo, 'package-lock.json'), 'utf8'))
  const r = await cli(['bundle', '--out', 'out.zip'], good)
  t.match(r, { code: 0, out: /wrote out\.zip \(\d+ files, \d+ bytes; fastify from peer to dependency\)/ }, r.err)
  t.match(await cli(['bundle', '--out', join(good, 'no-such-dir', 'x.zip')], good), { code: 1, err: /cannot write .*x\.zip: .*Give another path with --out/ })
})
