// Shared pieces of the session tests: a counted DynamoDB client, a Fastify app with the plugin, a cookie-keeping browser.
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import Fastify, { type FastifyInstance } from 'fastify'
import { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import { createSessionTable, fastifyAwsSessions, type FastifyAwsSessionsOptions } from '../../src/sessions/index.js'
import { testAws } from '../helpers/emulators.js'

declare module 'fastify' {
  interface Session {
    user?: string
    count?: number
    big?: string
  }
}

/** 32+ characters, as the plugin requires. */
export const SECRET = 'a-test-secret-that-is-long-enough-1234567890'

/** A DynamoDB client on `endpoint` that records the name of every command it sends. */
export function countedClient(endpoint: string, maxAttempts = 3): { client: DynamoDBClient; calls: string[] } {
  const client = new DynamoDBClient({ ...testAws, endpoint, maxAttempts })
  const calls: string[] = []
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName).replace(/Command$/, ''))
      return next(args)
    },
    { step: 'initialize', name: 'countCalls' },
  )
  return { client, calls }
}

/** Creates a session table named `name` through the library's own createSessionTable. */
export async function makeTable(client: DynamoDBClient, name: string): Promise<void> {
  await createSessionTable(client, {
    table_name: name,
    table_key: 'session_id',
    ttl_attribute: 'expire_at',
    billing_mode: 'PAY_PER_REQUEST',
    read_capacity: 1,
    write_capacity: 1,
  })
}

/** Log lines a test app wrote, parsed. */
export type LogLines = Array<Record<string, unknown>>

/**
 * A Fastify app with the session plugin and a few routes, listening on 127.0.0.1:
 * `POST /login {user}`, `POST /login-regenerate {user}` (new id first), `GET /me`, `POST /logout`, `POST /count` (adds 1 after `?wait=ms`, or once `gate()` resolves with `?gate=1`), `POST /big?kb=`, `POST /bigint`.
 */
export async function startApp(
  options: FastifyAwsSessionsOptions,
  gate?: () => Promise<void>,
): Promise<{ app: FastifyInstance; url: string; logs: LogLines }> {
  const logs: LogLines = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  const app = Fastify({ logger: { level: 'warn', stream } })
  await app.register(fastifyAwsSessions, { secret: SECRET, configLoad: { env: {}, cwd: '/nonexistent' }, ...options })
  app.post<{ Body: { user: string } }>('/login', async (req) => {
    req.session.set('user', req.body.user)
    return { ok: true }
  })
  app.post<{ Body: { user: string } }>('/login-regenerate', async (req) => {
    await req.session.regenerate()
    req.session.set('user', req.body.user)
    return { ok: true }
  })
  app.get('/me', async (req) => ({ user: req.session?.get('user') ?? null, count: req.session?.get('count') ?? 0 }))
  app.post('/logout', async (req) => {
    await req.session.destroy()
    return { ok: true }
  })
  app.post<{ Querystring: { wait?: string; gate?: string } }>('/count', async (req) => {
    const count = req.session.get('count') ?? 0
    if (req.query.wait) await sleep(Number(req.query.wait)) // widen the read-modify-write window
    if (req.query.gate && gate) await gate() // hold the request until the test lets it go
    req.session.set('count', count + 1)
    return { count: count + 1 }
  })
  app.post<{ Querystring: { kb: string } }>('/big', async (req) => {
    req.session.set('big', 'x'.repeat(Number(req.query.kb) * 1024))
    return { ok: true }
  })
  app.post('/bigint', async (req) => {
    req.session.set('count', 1n as unknown as number) // JSON cannot carry it
    return { ok: true }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return { app, url: `http://127.0.0.1:${port}`, logs }
}

/** A response as a test reads it. */
export interface Answer {
  status: number
  body: Record<string, unknown>
  setCookie: string[]
}

/** Keeps cookies between requests, as a browser does (enough of it for these tests). */
export class Browser {
  readonly jar = new Map<string, string>()
  constructor(readonly baseUrl: string) {}

  /** Sends a request with the jar's cookies and stores the ones the answer sets or clears. */
  async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {}
    if (this.jar.size > 0) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await request(this.baseUrl + path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const text = await res.body.text()
    const raw = res.headers['set-cookie']
    const setCookie = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
    for (const line of setCookie) {
      const [pair] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq)
      const value = pair!.slice(eq + 1)
      const expired = /max-age=0/i.test(line) || /expires=thu, 01 jan 1970/i.test(line)
      if (expired || value === '') this.jar.delete(name)
      else this.jar.set(name, value)
    }
    return { status: res.statusCode, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, setCookie }
  }
}

/** The raw session id inside a signed cookie value (`<id>.<signature>`, URL-encoded). */
export function sessionIdOf(cookieValue: string): string {
  const decoded = decodeURIComponent(cookieValue)
  return decoded.slice(0, decoded.lastIndexOf('.'))
}

/** The stored item of a session, read directly. */
export async function readSessionItem(client: DynamoDBClient, table: string, id: string) {
  const out = await client.send(new GetItemCommand({ TableName: table, Key: { session_id: { S: id } }, ConsistentRead: true }))
  return out.Item
}

/** Sets number attributes of a stored session, as time passing would (e.g. `expire_at` in the past). */
export async function setNumbers(client: DynamoDBClient, table: string, id: string, values: Record<string, number>): Promise<void> {
  const names = Object.keys(values)
  await client.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { session_id: { S: id } },
      UpdateExpression: 'SET ' + names.map((_, i) => `#n${i} = :v${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#n${i}`, n])),
      ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, { N: String(values[n]) }])),
    }),
  )
}
