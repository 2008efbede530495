// Sessions: requests/s and DynamoDB calls per request of an app on the DynamoDB store (dynalite on 127.0.0.1) against
// the same app on @fastify/session's memory store, measured in this run. The workload is a logged-in user's:
// 90 % of requests only read the session, 10 % change it.
import Fastify, { type FastifyInstance } from 'fastify'
import fastifyCookie from '@fastify/cookie'
import fastifySession from '@fastify/session'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { Agent, request } from 'undici'
import type { FastifyAwsSessionsOptions } from '../src/sessions/index.js'
import { built } from './built.js'

const { createSessionTable, fastifyAwsSessions } = await built<typeof import('../src/sessions/index.js')>('sessions/index.js')
import { startDynalite, testAws } from '../test/helpers/emulators.js'

declare module 'fastify' {
  interface Session {
    user?: string
    count?: number
  }
}

const SECRET = 'benchmark-secret-benchmark-secret-0123456789'
const USERS = 16
const WARMUP_MS = 1000
const MEASURE_MS = Number(process.env.SESSIONS_BENCH_MS ?? 5000)
const WRITE_EVERY = 10 // one request in ten changes the session

interface Run {
  name: string
  requests: number
  seconds: number
  calls: Record<string, number>
}

function routes(app: FastifyInstance): void {
  app.post<{ Body: { user: string } }>('/login', async (req) => {
    req.session.set('user', req.body.user)
    return 'ok'
  })
  app.get('/me', async (req) => ({ user: req.session.get('user') ?? null }))
  app.post('/count', async (req) => {
    req.session.set('count', (req.session.get('count') ?? 0) + 1)
    return 'ok'
  })
}

async function memoryApp(): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(fastifyCookie)
  await app.register(fastifySession, {
    secret: SECRET,
    cookie: { secure: 'auto', httpOnly: true, sameSite: 'lax' },
    saveUninitialized: false,
    rolling: true,
  })
  routes(app)
  return app
}

async function dynamoApp(client: DynamoDBClient, options: Partial<FastifyAwsSessionsOptions>): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(fastifyAwsSessions, { secret: SECRET, dynamoDbClient: client, configLoad: { env: {}, cwd: '/nonexistent' }, ...options })
  routes(app)
  return app
}

/** One user: logs in, then reads (and every tenth time changes) the session until `until`. */
async function user(base: string, agent: Agent, id: number, until: () => boolean, counter: { n: number }): Promise<void> {
  const login = await request(`${base}/login`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: `user-${id}` }),
  })
  await login.body.text()
  const raw = login.headers['set-cookie']
  let cookie = (Array.isArray(raw) ? raw[0] : raw)!.split(';')[0]!
  for (let i = id; !until(); i++) {
    const write = i % WRITE_EVERY === 0
    const res = await request(`${base}${write ? '/count' : '/me'}`, { method: write ? 'POST' : 'GET', dispatcher: agent, headers: { cookie } })
    await res.body.text()
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode} from ${write ? '/count' : '/me'}`)
    const again = res.headers['set-cookie']
    if (again) cookie = (Array.isArray(again) ? again[0] : again)!.split(';')[0]!
    counter.n++
  }
}

async function measure(name: string, app: FastifyInstance, calls: Record<string, number>): Promise<Run> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  const agent = new Agent({ connections: USERS, pipelining: 1 })
  const phase = async (ms: number): Promise<{ n: number; seconds: number }> => {
    const counter = { n: 0 }
    const end = Date.now() + ms
    const start = process.hrtime.bigint()
    await Promise.all(Array.from({ length: USERS }, (_, i) => user(base, agent, i, () => Date.now() >= end, counter)))
    return { n: counter.n, seconds: Number(process.hrtime.bigint() - start) / 1e9 }
  }
  await phase(WARMUP_MS)
  for (const k of Object.keys(calls)) delete calls[k]
  const { n, seconds } = await phase(MEASURE_MS)
  const snapshot = { ...calls }
  // Logins of the measured phase are requests too, and their writes are counted: include them.
  await agent.close()
  await app.close()
  return { name, requests: n + USERS, seconds, calls: snapshot }
}

const ddb = await startDynalite()
const client = new DynamoDBClient({ ...testAws, endpoint: ddb.endpoint })
const calls: Record<string, number> = {}
client.middlewareStack.add(
  (next, context) => async (args) => {
    const name = String(context.commandName).replace(/Command$/, '')
    calls[name] = (calls[name] ?? 0) + 1
    return next(args)
  },
  { step: 'initialize', name: 'countCalls' },
)
await createSessionTable(client, {
  table_name: 'sessions',
  table_key: 'session_id',
  ttl_attribute: 'expire_at',
  billing_mode: 'PAY_PER_REQUEST',
  read_capacity: 1,
  write_capacity: 1,
})

const runs: Run[] = []
runs.push(await measure('memory store (@fastify/session)', await memoryApp(), {}))
runs.push(await measure('DynamoDB store (defaults)', await dynamoApp(client, {}), calls))
runs.push(await measure('DynamoDB, touch_after 0 (writes every request, as Ruby)', await dynamoApp(client, { touch_after: 0 }), calls))
runs.push(await measure('DynamoDB, enable_locking', await dynamoApp(client, { enable_locking: true, lock_retry_delay: 5 }), calls))
client.destroy()
await ddb.close()

const baseline = runs[0]!.requests / runs[0]!.seconds
console.log(`${USERS} users, ${MEASURE_MS / 1000} s each, 1 request in ${WRITE_EVERY} changes the session; dynalite in-process on 127.0.0.1\n`)
console.log('store'.padEnd(58), 'req/s'.padStart(8), 'vs memory'.padStart(10), '  DynamoDB calls per request')
for (const r of runs) {
  const rps = r.requests / r.seconds
  const total = Object.values(r.calls).reduce((a, b) => a + b, 0)
  const perRequest = Object.entries(r.calls)
    .sort()
    .map(([k, v]) => `${k} ${(v / r.requests).toFixed(2)}`)
    .join(', ')
  console.log(
    r.name.padEnd(58),
    rps.toFixed(0).padStart(8),
    `${(rps / baseline).toFixed(2)}x`.padStart(10),
    `  ${total ? `${(total / r.requests).toFixed(2)} (${perRequest})` : '0'}`,
  )
}
