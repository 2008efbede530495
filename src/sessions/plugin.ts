// The Fastify plugin: @fastify/cookie + @fastify/session with the DynamoDB store and safe defaults.
import fastifyCookie from '@fastify/cookie'
import fastifySession, { type CookieOptions, type FastifySessionOptions } from '@fastify/session'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { kCurrentLoad, kLoadedSession, loadedSessionOf } from './loaded-session.js'
import type { DeprecatedSessionOptions, SessionConfigLoad, SessionOptions } from './options.js'
import { checkSecret, type SessionSigner } from './secret.js'
import { DynamoDbSessionStore } from './store.js'
import { DYNAMODB_SESSIONS_RENAMED, warnFirst } from '../deprecations.js'

/**
 * Options of {@link fastifyAwsSessions}: the store's options (camelCase; ENV and YAML fill the rest under their
 * snake_case names) plus these. The store's options in snake_case still work, with a deprecation warning.
 */
export interface FastifyAwsSessionsOptions extends SessionOptions, DeprecatedSessionOptions {
  /**
   * Cookie signing secret(s), each at least 32 characters (the first signs, all verify, for rotation), or a
   * signer. Overrides `secret_key` (`AWS_DYNAMO_DB_SESSION_SECRET_KEY`).
   */
  secret?: string | readonly string[] | SessionSigner
  /** Use this store instead of making one from the options (it is then not closed with the app). */
  store?: DynamoDbSessionStore
  /** Cookie attributes; merged over the defaults `{ path: '/', httpOnly: true, secure: 'auto', sameSite: 'lax' }`. */
  cookie?: CookieOptions
  /** Save (and send a cookie for) sessions nothing was stored in. Default false: no item per anonymous visit. */
  saveUninitialized?: boolean
  /** Renew the cookie's expiry on every response (default true; the store still writes only when needed). */
  rolling?: boolean
  /** Makes new session ids (default: @fastify/session's 32 random base64url characters). */
  idGenerator?: FastifySessionOptions['idGenerator']
  /** Prefix of the cookie value (`'s:'` for express-session compatibility). */
  cookiePrefix?: string
  /** HMAC algorithm of the cookie signature (default `sha256`). */
  algorithm?: string
  /** Where ENV and YAML are read from (defaults: `process.env`, `process.cwd()`, `NODE_ENV`). */
  configLoad?: SessionConfigLoad
}

/** @deprecated Renamed {@link FastifyAwsSessionsOptions}. */
export type DynamoDbSessionPluginOptions = FastifyAwsSessionsOptions

declare module 'fastify' {
  interface FastifyInstance {
    /** The DynamoDB session store registered by fastify-aws-sessions. */
    dynamoDbSessionStore: DynamoDbSessionStore
  }
}

const plugin: FastifyPluginAsync<FastifyAwsSessionsOptions> = async (fastify, options) => {
  const {
    secret,
    store: givenStore,
    cookie,
    saveUninitialized,
    rolling,
    idGenerator,
    cookiePrefix,
    algorithm,
    configLoad,
    ...settings
  } = options
  const log = fastify.log.child({ plugin: 'fastify-aws-sessions' })
  const store = givenStore ?? new DynamoDbSessionStore({ logger: log, ...settings }, configLoad)
  let signingSecret: ReturnType<typeof checkSecret>
  try {
    signingSecret = checkSecret(secret ?? store.settings.secret_key)
  } catch (err) {
    if (!givenStore) store.close()
    throw err
  }
  if (!givenStore) {
    fastify.addHook('onClose', async () => store.close())
    store.saveEmptySessions = saveUninitialized ?? false
  }

  // Registered before @fastify/session's onSend, so it runs first (see keepCookieWhenStoreUnavailable).
  const storeUnavailable = new WeakSet<FastifyRequest>()
  fastify.addHook('onSend', (request, reply, _payload, done) => {
    keepCookieWhenStoreUnavailable(request, storeUnavailable)
    clearCookieOfDestroyedSession(request, reply, storeUnavailable, store.settings.cookie_name, cookie)
    done()
  })

  if (!fastify.hasPlugin('@fastify/cookie')) await fastify.register(fastifyCookie)
  const sessionOptions: FastifySessionOptions = {
    secret: signingSecret as FastifySessionOptions['secret'],
    store,
    cookieName: store.settings.cookie_name,
    cookie: { path: '/', httpOnly: true, secure: 'auto', sameSite: 'lax', ...cookie },
    saveUninitialized: saveUninitialized ?? false,
    rolling: rolling ?? true,
  }
  if (idGenerator !== undefined) sessionOptions.idGenerator = idGenerator
  if (cookiePrefix !== undefined) sessionOptions.cookiePrefix = cookiePrefix
  if (algorithm !== undefined) sessionOptions.algorithm = algorithm
  await fastify.register(fastifySession, sessionOptions)

  // Runs right after @fastify/session's onRequest hook, inside the store callback that restored the session.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const report = store[kCurrentLoad]()
    if (report !== undefined && 'failed' in report) storeUnavailable.add(request)
    else if (report !== undefined && request.session?.sessionId === report.sessionId) {
      Object.defineProperty(request.session, kLoadedSession, { value: report.loaded, enumerable: false })
    }
    done()
  })

  // A request that ends without saving its session (an error, a skipped save) must not keep its lock.
  const release = (request: FastifyRequest): void => {
    const session = request.session as { sessionId?: string } | null
    const loaded = session?.sessionId === undefined ? undefined : loadedSessionOf(session, session.sessionId)
    if (loaded?.lockHeld) {
      store.release(loaded).catch((err: unknown) => request.log.error({ err }, 'Releasing the session lock failed'))
    }
  }
  fastify.addHook('onResponse', (request: FastifyRequest, _reply: FastifyReply, done) => {
    release(request)
    done()
  })
  fastify.addHook('onRequestAbort', (request, done) => {
    release(request)
    done()
  })

  warnOnPlainHttp(fastify, cookie)
  fastify.decorate('dynamoDbSessionStore', store)
}

/**
 * When loading the session failed and the error handler carried on, the request was served with a fresh empty
 * session. Unless the handler put something in it, drop it before @fastify/session's onSend sees it: that hook
 * would otherwise clear or replace the visitor's cookie, and a passing DynamoDB outage would log everyone out.
 */
function keepCookieWhenStoreUnavailable(request: FastifyRequest, unavailable: WeakSet<FastifyRequest>): void {
  if (!unavailable.has(request)) return
  const session = request.session as { isModified?: () => boolean } | null
  if (session && typeof session.isModified === 'function' && !session.isModified()) {
    ;(request as { session: unknown }).session = null
  }
}

/**
 * @fastify/session's `destroy()` deletes the item but leaves the browser's cookie, which then costs a GetItem on
 * every later request until it expires. A request that destroyed its session (session null, unlike an unavailable
 * store's, see above) and came with the cookie gets it cleared.
 */
function clearCookieOfDestroyedSession(
  request: FastifyRequest,
  reply: FastifyReply,
  unavailable: WeakSet<FastifyRequest>,
  cookieName: string,
  cookie: CookieOptions | undefined,
): void {
  if (request.session !== null || unavailable.has(request) || request.cookies?.[cookieName] === undefined) return
  reply.clearCookie(cookieName, { path: cookie?.path ?? '/', ...(cookie?.domain !== undefined ? { domain: cookie.domain } : {}) })
}

/**
 * `secure: 'auto'` sends a non-Secure cookie over plain HTTP. That is right on a developer's machine, but on a
 * public host it usually means a TLS-terminating proxy without `trustProxy`, so say so once.
 */
function warnOnPlainHttp(fastify: FastifyInstance, cookie: CookieOptions | undefined): void {
  if (cookie?.secure !== undefined && cookie.secure !== 'auto') return
  let warned = false
  fastify.addHook('onResponse', (request, _reply, done) => {
    if (!warned && request.protocol === 'http' && !isLoopbackHost(request.hostname) && request.session) {
      warned = true
      request.log.warn(
        { hostname: request.hostname },
        'Session cookies go out without the Secure flag because this request came over plain HTTP. Behind a TLS-terminating proxy (a load balancer), set Fastify\'s trustProxy so request.protocol is https.',
      )
    }
    done()
  })
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname.startsWith('127.') || hostname === '[::1]' || hostname === '::1'
}

/**
 * Sessions in DynamoDB for a Fastify app: registers @fastify/cookie (unless already registered) and
 * @fastify/session with a {@link DynamoDbSessionStore}, with `saveUninitialized: false`, `rolling: true`, and
 * cookies `httpOnly`, `sameSite: 'lax'`, `secure: 'auto'`. A signing secret of at least 32 characters is required.
 *
 * @example
 * await app.register(fastifyAwsSessions, { secret: process.env.SESSION_SECRET, maxStale: 3600 })
 * app.post('/login', async (req) => { req.session.set('userId', 42); return 'ok' })
 */
export const fastifyAwsSessions = fp(plugin, { name: 'fastify-aws-sessions', fastify: '5.x' })

/** @deprecated Renamed {@link fastifyAwsSessions} (same options); warns once (FASTIFY_AWS_DEP003). */
export const dynamoDbSessions = fp(warnFirst(plugin, DYNAMODB_SESSIONS_RENAMED), { name: 'fastify-aws-sessions', fastify: '5.x' })
