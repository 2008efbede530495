// Who may see and use the dashboard: basic auth or the app's own auth hook; without either, this machine only
// (the server must listen on loopback, and each request must come straight from loopback, not through a proxy).
// Actions also refuse a cross-site Origin (the CSRF token is checked after this, in the route).
import { createHash, timingSafeEqual } from 'node:crypto'
import fastifyBasicAuth from '@fastify/basic-auth'
import ipaddr from 'ipaddr.js'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify'
import { DashboardConfigError, DashboardForbiddenError, DashboardUnauthorizedError, DashboardUnguardedError } from '../errors.js'

/**
 * The app's own auth as an onRequest hook: `async (request, reply) => { ... }` or the callback form with `done`
 * (`app.basicAuth`, @fastify/auth's hook). It refuses by replying or throwing.
 */
export type DashboardAuthHook = (
  this: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
) => void | Promise<unknown>

/** How the dashboard is guarded. */
export interface GuardOptions {
  /** Basic-auth credentials (both or neither). */
  username: string | undefined
  password: string | undefined
  /** The app's own auth, run on every dashboard request (a session check, @fastify/auth, ...). */
  auth: DashboardAuthHook | undefined
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined || !ipaddr.isValid(address)) return false
  const parsed = ipaddr.process(address)
  return parsed.range() === 'loopback'
}

/**
 * Adds the guard to `scope` (the dashboard's own encapsulated context) and, when there is no auth at all, makes
 * `root`'s server refuse to listen anywhere but loopback: `listen()` rejects with DashboardUnguardedError.
 */
export async function guardDashboard(root: FastifyInstance, scope: FastifyInstance, o: GuardOptions): Promise<void> {
  if (o.username !== undefined && o.password !== undefined) {
    if (scope.hasDecorator('basicAuth')) {
      throw new DashboardConfigError(
        'The app already registered @fastify/basic-auth, so the dashboard cannot register its own: pass your auth hook as the auth option (e.g. auth: app.basicAuth) instead of username/password.',
      )
    }
    const user = digest(o.username)
    const password = digest(o.password)
    await scope.register(fastifyBasicAuth, {
      authenticate: { realm: 'fastify-aws jobs' },
      // Both compared in constant time, whatever their lengths (digests), and both always compared.
      validate: async (givenUser: string, givenPassword: string) => {
        const ok = timingSafeEqual(digest(givenUser), user) && timingSafeEqual(digest(givenPassword), password)
        if (!ok) throw new DashboardUnauthorizedError()
      },
    })
    scope.addHook('onRequest', scope.basicAuth)
  }
  // Fastify tells the two forms apart when the hook is added (an async function that also takes done is refused).
  if (o.auth !== undefined) scope.addHook('onRequest', o.auth as onRequestHookHandler)
  if (o.username === undefined && o.auth === undefined) {
    scope.addHook('onRequest', localOnly)
    refuseUnguardedListen(root)
  }
  scope.addHook('preHandler', sameOrigin)
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

/** Without auth, a request must come from this machine directly: a forwarded one may be anyone's. */
async function localOnly(request: FastifyRequest): Promise<void> {
  const forwarded = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined
  if (!isLoopbackAddress(request.socket.remoteAddress) || forwarded) {
    throw new DashboardForbiddenError(
      'The jobs dashboard has no authentication configured, so it answers only requests made on this machine (not through a proxy). Set FASTIFY_AWS_DASHBOARD_USERNAME and FASTIFY_AWS_DASHBOARD_PASSWORD, or pass an auth hook.',
    )
  }
}

/**
 * An action (POST) must come from a dashboard page: a browser sends Origin (and Sec-Fetch-Site) with every form
 * POST, and another site's form is refused here before its (missing) CSRF token is even looked at.
 */
async function sameOrigin(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (request.method !== 'POST') return
  const site = request.headers['sec-fetch-site']
  if (site === 'cross-site' || site === 'same-site') throw new DashboardForbiddenError('Actions are refused from other sites (Sec-Fetch-Site).')
  const origin = request.headers.origin
  if (origin === undefined || origin === 'null') return
  let host: string
  try {
    host = new URL(origin).host
  } catch {
    throw new DashboardForbiddenError('Actions are refused from other sites (the Origin header is not a URL).')
  }
  if (host !== request.headers.host) throw new DashboardForbiddenError(`Actions are refused from other sites (Origin ${origin}).`)
}

/**
 * When the server starts listening, checks the address before Fastify's own listener resolves `listen()`: a
 * non-loopback address makes `listen()` reject with DashboardUnguardedError and the server stops listening.
 */
function refuseUnguardedListen(root: FastifyInstance): void {
  root.addHook('onReady', async function () {
    const server = root.server
    server.prependOnceListener('listening', () => {
      const address = server.address()
      if (address === null || typeof address === 'string' || isLoopbackAddress(address.address)) return
      const where = `${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`
      // Fastify's own listener still runs after this one (it was registered for this emit), so the server is
      // closed once the emit is over, not in the middle of it.
      server.emit('error', new DashboardUnguardedError(where))
      process.nextTick(() => server.close())
    })
  })
}
