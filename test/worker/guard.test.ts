// The sqsd guard matrix: loopback over real sockets (v4, other 127/8, v6, IPv4-mapped), outside and Docker-host
// addresses with inject, forwarded chains, non-sqsd traffic untouched, and trustProxy ignored.
import t from 'tap'
import { Agent, request } from 'undici'
import {
  claimedAddresses,
  createAddressCheck,
  defaultGateways,
  dockerHostAddresses,
  runningInDocker,
  DEFAULT_DOCKER_BRIDGE,
} from '../../src/worker/index.js'
import Fastify from 'fastify'
import { fastifyAwsWorker } from '../../src/worker/index.js'
import { forwardedForAddresses } from '../../src/worker/forwarded.js'
import { answer, captureLogs, emptyCwd, envelope, procFixture, SQSD_UA, startWorker, testJobs, type RunningWorker } from './helpers.js'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const FORBIDDEN = 'Request with aws-sqsd user agent was made from untrusted address.'
const body = JSON.stringify(envelope('HelloJob', ['guarded']))

/** An sqsd POST through inject, from a faked socket address. */
async function fromAddress(w: RunningWorker, remoteAddress: string, headers: Record<string, string> = {}) {
  const res = await w.app.inject({
    method: 'POST',
    url: '/',
    remoteAddress,
    headers: { 'user-agent': SQSD_UA, 'content-type': 'application/json', ...headers },
    payload: body,
  })
  return { status: res.statusCode, text: res.body, type: res.headers['content-type'] }
}

t.test('loopback over real sockets: 127.0.0.1, another 127/8 address, ::1 and ::ffff:127.0.0.1 are allowed', async (t) => {
  const v4 = await startWorker(t, { worker: { procRoot: procFixture('not-docker'), dockerHosts: 'auto' } })
  const a = await v4.sqsd(body)
  t.equal(a.status, 200, `127.0.0.1: ${a.text}`)

  // The whole 127.0.0.0/8 is loopback: connect from 127.5.6.7.
  const other = new Agent({ localAddress: '127.5.6.7' })
  t.teardown(() => other.close())
  const b = await v4.sqsd(body, {}, '/', other)
  t.equal(b.status, 200, `127.5.6.7: ${b.text}`)

  const v6 = await startWorker(t, { host: '::1', worker: { procRoot: procFixture('not-docker'), dockerHosts: 'auto' } })
  const c = await v6.sqsd(body)
  t.equal(c.status, 200, `::1: ${c.text}`)

  // A socket bound to the IPv4-mapped address sees its IPv4 peers as ::ffff:127.0.0.1.
  const mapped = await startWorker(t, {
    host: '::ffff:127.0.0.1',
    worker: { procRoot: procFixture('not-docker'), dockerHosts: 'auto' },
    routes: (app) => app.get('/peer', async (req) => req.socket.remoteAddress),
  })
  const peer = await answer(await request(`http://127.0.0.1:${mapped.port}/peer`))
  t.equal(peer.text, '::ffff:127.0.0.1', 'the peer address really is IPv4-mapped')
  const res = await answer(
    await request(`http://127.0.0.1:${mapped.port}/`, {
      method: 'POST',
      headers: { 'user-agent': SQSD_UA, 'content-type': 'application/json' },
      body,
    }),
  )
  t.equal(res.status, 200, `::ffff:127.0.0.1: ${res.text}`)
  t.equal(v4.jobs.seen.length + v6.jobs.seen.length + mapped.jobs.seen.length, 4)
})

t.test('the peer address of the 127.5.6.7 agent really is 127.5.6.7', async (t) => {
  const w = await startWorker(t, { routes: (app) => app.get('/peer', async (req) => req.socket.remoteAddress) })
  const other = new Agent({ localAddress: '127.5.6.7' })
  t.teardown(() => other.close())
  const a = await answer(await request(`${w.url}/peer`, { dispatcher: other }))
  t.equal(a.text, '127.5.6.7')
})

t.test('outside Docker: only loopback', async (t) => {
  for (const root of ['not-docker', 'empty'] as const) {
    const logs = captureLogs()
    const w = await startWorker(t, { logs, worker: { procRoot: procFixture(root), dockerHosts: 'auto' } })
    for (const address of ['127.0.0.1', '127.5.6.7', '::1', '::ffff:127.0.0.1', '::ffff:7f00:2']) {
      t.equal((await fromAddress(w, address)).status, 200, `${root}: ${address} allowed`)
    }
    for (const address of ['10.0.0.5', '8.8.8.8', '172.17.0.1', '10.0.0.1', '192.168.176.1', '::ffff:172.17.0.1', '2001:db8::1', 'fe80::1', '0.0.0.0', '::']) {
      // (an empty socket address cannot be faked: inject turns it into 127.0.0.1; see the unit test below)
      const a = await fromAddress(w, address)
      t.equal(a.status, 403, `${root}: ${JSON.stringify(address)} refused`)
      t.equal(a.text, FORBIDDEN)
      t.match(a.type, /^text\/plain/)
    }
    const warn = await logs.waitFor((l) => l.msg === 'SQSD request detected from untrusted address; returning 403 forbidden.' && l.address === '8.8.8.8')
    t.equal(warn.level, 40, 'logged at warn with the address')
    t.same(warn.chain, ['8.8.8.8'])
    t.equal(w.jobs.seen.length, 5, `${root}: only the loopback requests ran`)
  }
})

t.test('inside Docker: 172.17.0.1 and the default gateways from /proc/net/route', async (t) => {
  const matrix = {
    'docker-cgroup-v1': { allowed: ['172.17.0.1', '192.168.176.1', '::ffff:192.168.176.1'], refused: ['172.18.0.1', '10.10.10.10', '192.168.176.2', '8.8.8.8'] },
    'docker-cgroup-v2': { allowed: ['172.17.0.1', '172.18.0.1', '::ffff:172.18.0.1'], refused: ['192.168.176.1', '172.18.0.2', '10.0.0.5', '8.8.8.8'] },
  } as const
  for (const [root, { allowed, refused }] of Object.entries(matrix)) {
    const logs = captureLogs()
    const w = await startWorker(t, { logs, worker: { procRoot: procFixture(root as 'docker-cgroup-v1'), dockerHosts: 'auto' } })
    const info = await logs.waitFor((l) => l.msg === 'sqsd guard trusts these Docker host addresses')
    t.ok(Array.isArray(info.dockerHosts), `${root}: the trusted hosts are logged at start-up`)
    for (const address of ['127.0.0.1', ...allowed]) t.equal((await fromAddress(w, address)).status, 200, `${root}: ${address} allowed`)
    for (const address of refused) t.equal((await fromAddress(w, address)).status, 403, `${root}: ${address} refused`)
    // A Docker host forwarding through nginx: every hop must be trusted.
    t.equal((await fromAddress(w, allowed[1]!, { 'x-forwarded-for': `${allowed[0]}, 127.0.0.1` })).status, 200, `${root}: all-trusted chain`)
    t.equal((await fromAddress(w, allowed[1]!, { 'x-forwarded-for': `8.8.8.8, ${allowed[0]}` })).status, 403, `${root}: outside hop`)
  }
})

t.test('X-Forwarded-For and X-Real-IP: every address must pass', async (t) => {
  const w = await startWorker(t, { worker: { procRoot: procFixture('not-docker'), dockerHosts: 'auto' } })
  const allowed: Record<string, string>[] = [
    { 'x-forwarded-for': '127.0.0.1' },
    { 'x-forwarded-for': '127.0.0.1, ::1,127.9.9.9' },
    { 'x-forwarded-for': '::ffff:127.0.0.1' },
    { 'x-real-ip': '127.0.0.1' },
    { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '::1' },
    { 'x-forwarded-for': '[::1]' },
  ]
  for (const headers of allowed) t.equal((await fromAddress(w, '127.0.0.1', headers)).status, 200, JSON.stringify(headers))
  const refused: Record<string, string>[] = [
    { 'x-forwarded-for': '8.8.8.8' },
    { 'x-forwarded-for': '8.8.8.8, 127.0.0.1' },
    { 'x-forwarded-for': '127.0.0.1, 10.0.0.5' },
    { 'x-forwarded-for': '127.0.0.1, 10.0.0.5, 127.0.0.1' },
    { 'x-forwarded-for': 'garbage' },
    { 'x-forwarded-for': '127.0.0.1, not-an-ip' },
    { 'x-forwarded-for': '127.0.0.1,' },
    { 'x-forwarded-for': '' },
    { 'x-forwarded-for': 'localhost' },
    { 'x-forwarded-for': '127.0.0.1:8080' },
    { 'x-real-ip': '8.8.8.8' },
    { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '203.0.113.9' },
    { 'x-forwarded-for': '172.17.0.1' },
  ]
  for (const headers of refused) {
    const a = await fromAddress(w, '127.0.0.1', headers)
    t.equal(a.status, 403, JSON.stringify(headers))
    t.equal(a.text, FORBIDDEN)
  }
  t.equal(w.jobs.seen.length, allowed.length)

  // Over a real socket too: nginx on this host forwarding an outside client.
  const a = await w.sqsd(body, { 'x-forwarded-for': '198.51.100.7', 'x-real-ip': '198.51.100.7' })
  t.equal(a.status, 403)
  t.equal(a.text, FORBIDDEN)
})

t.test("non-sqsd requests from anywhere reach the app's own routes untouched", async (t) => {
  const w = await startWorker(t, {
    worker: { procRoot: procFixture('not-docker'), dockerHosts: 'auto' },
    routes: (app) => {
      app.get('/', async () => ({ health: 'ok' }))
      app.post('/', async (req) => ({ app: true, body: req.body }))
      app.post('/scheduled', async (req) => ({ scheduled: req.headers['x-aws-sqsd-taskname'] ?? null }))
    },
  })
  for (const remoteAddress of ['8.8.8.8', '10.0.0.5', '127.0.0.1']) {
    const get = await w.app.inject({ method: 'GET', url: '/', remoteAddress, headers: { 'user-agent': 'ELB-HealthChecker/2.0' } })
    t.equal(get.statusCode, 200, `GET / from ${remoteAddress}`)
    t.same(get.json(), { health: 'ok' })
    const post = await w.app.inject({
      method: 'POST',
      url: '/',
      remoteAddress,
      headers: { 'user-agent': 'curl/8.5.0', 'content-type': 'application/json' },
      payload: { hello: 'app' },
    })
    t.equal(post.statusCode, 200, `app POST / from ${remoteAddress}`)
    t.same(post.json(), { app: true, body: { hello: 'app' } }, 'the app route, with its own JSON parser')
  }
  // Over a real socket, with no User-Agent at all and with one that only contains "aws-sqsd".
  const plain = await answer(await request(`${w.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' }))
  t.same(JSON.parse(plain.text), { app: true, body: { x: 1 } })
  const lookalike = await answer(
    await request(`${w.url}/`, { method: 'POST', headers: { 'user-agent': 'not-aws-sqsd/1.0', 'content-type': 'application/json' }, body: '{"x":2}' }),
  )
  t.same(JSON.parse(lookalike.text), { app: true, body: { x: 2 } })
  // sqsd itself, locally, reaches the worker on the same path.
  const job = await w.sqsd(body)
  t.equal(job.text, 'Successfully ran job HelloJob.')
  // A cron.yaml task with another url reaches the app's route (still guarded). The app's own parsers apply there:
  // Fastify's JSON parser refuses the empty body sqsd sends under application/json, so such a route needs a
  // MimeType of text/plain or its own parser (README: periodic tasks on other paths).
  const task = await w.sqsd('', { 'x-aws-sqsd-taskname': 'Cleanup', 'content-type': 'text/plain' }, '/scheduled')
  t.same(JSON.parse(task.text), { scheduled: 'Cleanup' })
  const jsonTask = await w.sqsd('', { 'x-aws-sqsd-taskname': 'Cleanup' }, '/scheduled')
  t.equal(jsonTask.status, 400, "the app's JSON parser, not the worker, answers an empty JSON body on another path")
  t.match(JSON.parse(jsonTask.text), { code: 'FST_ERR_CTP_EMPTY_JSON_BODY' })
  const outsideTask = await w.app.inject({ method: 'POST', url: '/scheduled', remoteAddress: '8.8.8.8', headers: { 'user-agent': SQSD_UA } })
  t.equal(outsideTask.statusCode, 403, 'the guard covers every path')
  // GET / with the sqsd User-Agent from outside is refused too; locally it is the app's GET.
  t.equal((await w.app.inject({ method: 'GET', url: '/', remoteAddress: '8.8.8.8', headers: { 'user-agent': SQSD_UA } })).statusCode, 403)
  t.equal((await w.app.inject({ method: 'GET', url: '/', headers: { 'user-agent': SQSD_UA } })).statusCode, 200)
  t.equal(w.jobs.seen.length, 1)
})

t.test('Fastify trustProxy does not change the decision', async (t) => {
  const settings: (boolean | string)[] = [true, '127.0.0.1', '127.0.0.1/8,::1']
  for (const trustProxy of settings) {
    const w = await startWorker(t, {
      fastify: { trustProxy },
      worker: { procRoot: procFixture('not-docker'), dockerHosts: 'auto' },
      routes: (app) => app.get('/ip', async (req) => req.ip),
    })
    // Fastify would believe the forwarded address...
    const ip = await w.app.inject({ method: 'GET', url: '/ip', remoteAddress: '8.8.8.8', headers: { 'x-forwarded-for': '127.0.0.1' } })
    t.equal(ip.body, trustProxy === true ? '127.0.0.1' : '8.8.8.8', `trustProxy ${trustProxy}: request.ip`)
    // ...the guard does not: the socket is outside.
    t.equal((await fromAddress(w, '8.8.8.8', { 'x-forwarded-for': '127.0.0.1' })).status, 403, `trustProxy ${trustProxy}: outside socket`)
    // And a local proxy does not whitewash an outside client.
    t.equal((await fromAddress(w, '127.0.0.1', { 'x-forwarded-for': '8.8.8.8' })).status, 403, `trustProxy ${trustProxy}: outside client`)
    t.equal((await fromAddress(w, '127.0.0.1', { 'x-forwarded-for': '127.0.0.1' })).status, 200, `trustProxy ${trustProxy}: local chain`)
  }
})

t.test('Docker hosts from options and ENV: an explicit list, none', async (t) => {
  const list = await startWorker(t, { worker: { dockerHosts: ['10.1.2.3', 'fd00::1'], procRoot: procFixture('empty') } })
  t.equal((await fromAddress(list, '10.1.2.3')).status, 200)
  t.equal((await fromAddress(list, 'fd00:0:0::1')).status, 200, 'IPv6 compared in normal form')
  t.equal((await fromAddress(list, '172.17.0.1')).status, 403, 'an explicit list replaces the defaults')

  const fromEnv = await startWorker(t, {
    worker: { dockerHosts: undefined, configLoad: { env: { AWS_PROCESS_BEANSTALK_WORKER_DOCKER_HOSTS: '10.9.9.9, 10.8.8.8' } }, procRoot: procFixture('docker-cgroup-v1') },
  })
  t.equal((await fromAddress(fromEnv, '10.8.8.8')).status, 200, 'ENV list')
  t.equal((await fromAddress(fromEnv, '172.17.0.1')).status, 403, 'ENV list replaces auto-detection')

  const none = await startWorker(t, {
    worker: { dockerHosts: undefined, configLoad: { env: { AWS_PROCESS_BEANSTALK_WORKER_DOCKER_HOSTS: 'none' } }, procRoot: procFixture('docker-cgroup-v1') },
  })
  t.equal((await fromAddress(none, '172.17.0.1')).status, 403, 'none: loopback only, even in Docker')
  t.equal((await fromAddress(none, '127.0.0.1')).status, 200)

  const auto = await startWorker(t, { worker: { dockerHosts: undefined, procRoot: procFixture('docker-cgroup-v2') } })
  t.equal((await fromAddress(auto, '172.18.0.1')).status, 200, 'auto is the default')
})

t.test('unit: Docker detection and /proc/net/route decoding', async (t) => {
  t.equal(runningInDocker(procFixture('not-docker')), false)
  t.equal(runningInDocker(procFixture('empty')), false)
  t.equal(runningInDocker(procFixture('docker-cgroup-v1')), true)
  t.equal(runningInDocker(procFixture('docker-cgroup-v2')), true)
  t.same(dockerHostAddresses(procFixture('not-docker')), [])
  t.same(dockerHostAddresses(procFixture('docker-cgroup-v1')), [DEFAULT_DOCKER_BRIDGE, '192.168.176.1'])
  t.same(dockerHostAddresses(procFixture('docker-cgroup-v2')), [DEFAULT_DOCKER_BRIDGE, '172.18.0.1'], 'duplicates removed')

  const route = readFileSync(join(procFixture('docker-cgroup-v1'), 'net', 'route'), 'utf8')
  t.same(defaultGateways(route), ['192.168.176.1'], '01B0A8C0 is 192.168.176.1; a default route without RTF_GATEWAY is skipped')
  t.same(defaultGateways('eth0 00000000 0111A8C0 0003 0 0 0 00000000 0 0 0'), ['192.168.17.1'], 'spaces work as well as tabs')
  t.same(defaultGateways('eth0 00000000 0111A8C0 0003 0 0 0 00000000 0 0'), [], 'rows without 11 fields are skipped')
  t.same(defaultGateways('eth0 00000000 ZZ11A8C0 0003 0 0 0 00000000 0 0 0'), [], 'a non-hex gateway is skipped')
  t.same(defaultGateways('eth0 00000000 0111A8C0 XYZ 0 0 0 00000000 0 0 0'), [], 'non-hex flags are skipped')
  t.same(defaultGateways(''), [])
  t.same(defaultGateways('eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\r\n'), ['192.168.0.1'], 'CRLF endings')
})

t.test('unit: createAddressCheck and claimedAddresses', async (t) => {
  const check = createAddressCheck(['172.17.0.1', '::ffff:10.0.0.9'])
  for (const a of ['127.0.0.1', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '[::1]', '::1%lo', '172.17.0.1', '::ffff:172.17.0.1', '10.0.0.9']) {
    t.equal(check(a), true, `${a} trusted`)
  }
  for (const a of ['8.8.8.8', '172.17.0.2', '::2', 'fe80::1%eth0', 'localhost', '', ' ', '127.0.0.1 ', 'not an address']) {
    t.equal(check(a), false, `${JSON.stringify(a)} untrusted`)
  }
  t.same(
    claimedAddresses({ headers: { 'x-forwarded-for': '1.1.1.1, 2.2.2.2', 'x-real-ip': '3.3.3.3' }, socket: { remoteAddress: '127.0.0.1' } } as never),
    ['127.0.0.1', '1.1.1.1', '2.2.2.2', '3.3.3.3'],
  )
  t.same(claimedAddresses({ headers: {}, socket: { remoteAddress: undefined } } as never), [''], 'a socket without an address is untrusted')
})

t.test('Docker hosts may be CIDR ranges, from code, ENV (spaces trimmed) and YAML', async (t) => {
  const code = await startWorker(t, { worker: { dockerHosts: ['10.0.0.0/8', 'fd00::/64'], procRoot: procFixture('empty') } })
  for (const a of ['10.1.2.3', '10.255.255.254', '::ffff:10.9.9.9', 'fd00::abcd']) t.equal((await fromAddress(code, a)).status, 200, `${a} in a range`)
  for (const a of ['11.0.0.1', '9.255.255.255', 'fd00:0:0:1::1', '172.17.0.1']) t.equal((await fromAddress(code, a)).status, 403, `${a} outside`)

  const logs = captureLogs()
  const env = await startWorker(t, {
    logs,
    worker: { dockerHosts: undefined, configLoad: { env: { AWS_PROCESS_BEANSTALK_WORKER_DOCKER_HOSTS: ' 172.16.0.0/12 ,  192.168.1.7 ,' } }, procRoot: procFixture('empty') },
  })
  const info = await logs.waitFor((l) => l.msg === 'sqsd guard trusts these Docker host addresses')
  t.same(info.dockerHosts, ['172.16.0.0/12', '192.168.1.7'], 'the log names exactly what is trusted, in normal form')
  t.equal((await fromAddress(env, '172.31.0.1')).status, 200)
  t.equal((await fromAddress(env, '192.168.1.8')).status, 403)
})

t.test('a Docker host entry that is no address or range stops start-up, naming the entry and the setting', async (t) => {
  const cases: [string, { env?: Record<string, string>; dockerHosts?: readonly string[] }, RegExp][] = [
    ['host name', { env: { AWS_PROCESS_BEANSTALK_WORKER_DOCKER_HOSTS: 'docker.internal' } }, /AWS_PROCESS_BEANSTALK_WORKER_DOCKER_HOSTS=.*"docker\.internal" is neither an IP address nor a CIDR range/],
    ['one bad entry of two', { env: { AWS_PROCESS_BEANSTALK_WORKER_DOCKER_HOSTS: '10.0.0.1, 10.0.0.300' } }, /"10\.0\.0\.300" is neither/],
    ['prefix too long', { env: { AWS_PROCESS_BEANSTALK_WORKER_DOCKER_HOSTS: '10.0.0.0/33' } }, /"10\.0\.0\.0\/33" is neither/],
    ['only commas', { env: { AWS_PROCESS_BEANSTALK_WORKER_DOCKER_HOSTS: ' , ,' } }, /expected auto, none, or a comma-separated list/],
    ['code list', { dockerHosts: ['172.17.0.1', 'localhost'] }, /Option "docker_hosts" given in code.*"localhost" is neither/],
  ]
  for (const [name, given, message] of cases) {
    const app = Fastify({ logger: false })
    t.teardown(() => app.close())
    const err = await app
      .register(fastifyAwsWorker, { enabled: true, registry: testJobs().registry, configLoad: { cwd: emptyCwd(t), env: given.env ?? {} }, ...(given.dockerHosts ? { dockerHosts: given.dockerHosts } : {}) })
      .then(() => app.ready())
      .then(() => undefined, (e: unknown) => e as Error & { code?: string })
    t.equal(err?.code, 'FASTIFY_AWS_CONFIG', `${name}: refused`)
    t.match(err?.message, message, `${name}: ${err?.message}`)
  }
  t.throws(() => createAddressCheck(['not an address']), { code: 'FASTIFY_AWS_CONFIG', message: /"not an address" is neither/ }, 'the guard alone refuses it too')
})

t.test('an RFC 7239 Forwarded header counts like X-Forwarded-For: every for= must be local', async (t) => {
  const w = await startWorker(t, { worker: { procRoot: procFixture('not-docker'), dockerHosts: 'auto' } })
  const cases: [string, number][] = [
    ['for=127.0.0.1', 200],
    ['for="[::1]:4711"', 200],
    ['For=127.0.0.1;proto=http;by=127.0.0.1', 200],
    ['for=127.0.0.1, for="127.0.0.2:8080"', 200],
    ['proto=https', 200],
    ['for=8.8.8.8', 403],
    ['for=127.0.0.1, for=8.8.8.8', 403],
    ['for="[2001:db8:cafe::17]:4711"', 403],
    ['for=unknown', 403],
    ['for=_hidden', 403],
    ['for="127.0.0.1', 403],
    ['for', 403],
  ]
  for (const [forwarded, status] of cases) t.equal((await fromAddress(w, '127.0.0.1', { forwarded })).status, status, forwarded)
  t.equal((await fromAddress(w, '127.0.0.1', { 'x-forwarded-for': '127.0.0.1', forwarded: 'for=8.8.8.8' })).status, 403, 'both headers: both must be local')
  t.equal((await fromAddress(w, '127.0.0.1', { 'x-forwarded-for': '8.8.8.8', forwarded: 'for=127.0.0.1' })).status, 403, 'both headers: X-Forwarded-For outside')
  t.equal((await fromAddress(w, '8.8.8.8', { forwarded: 'for=127.0.0.1' })).status, 403, 'the socket still counts')
})

t.test('unit: forwardedForAddresses', async (t) => {
  t.same(forwardedForAddresses('for=192.0.2.60;proto=http;by=203.0.113.43'), ['192.0.2.60'])
  t.same(forwardedForAddresses('for="[2001:db8:cafe::17]:4711", for=198.51.100.17'), ['2001:db8:cafe::17', '198.51.100.17'])
  t.same(forwardedForAddresses('for="192.0.2.43:47011"'), ['192.0.2.43'])
  t.same(forwardedForAddresses('for="[::1]"'), ['::1'])
  t.same(forwardedForAddresses('for=unknown, for=_SEVKISEK'), ['unknown', '_SEVKISEK'])
  t.same(forwardedForAddresses('by=127.0.0.1;host="a,b"'), [], 'no for=, and a comma inside quotes does not split')
  t.same(forwardedForAddresses('for="a\\"b"'), ['a"b'], 'quoted-pair escapes')
  t.same(forwardedForAddresses('for="127.0.0.1'), ['for="127.0.0.1'], 'an unterminated quote is the whole (untrusted) header')
})
