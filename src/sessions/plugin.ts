// The Fastify plugin: @fastify/cookie + @fastify/session with the DynamoDB store and safe defaults.
import fastifyCookie from '@fastify/cookie'
import fastifySession, { type CookieOptions, type FastifySessionOptions } from '@fastify/session'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { SessionSecretError } from '../errors.js'
import { kCurrentLoad, kLoadedSession, loadedSessionOf } from './loaded-session.js'
import type { SessionConfigLoad, SessionSettings } from './options.js'
import { DynamoDbSessionStore } from './store.js'

/** A cookie signer, as @fastify/session accepts instead of secrets. */
export interface SessionSigner {
  sign(value: string): string
  unsign(input: string): { valid: boolean; renew: boolean; value: string | null }
}

/** Options of {@link dynamoDbSessions}: the store's options (snake_case, also from ENV/YAML) plus these. */
export interface DynamoDbSessionPluginOptions extends SessionSettings {
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
  /** Other @fastify/session options, passed through. */
  idGenerator?: FastifySessionOptions['idGenerator']
  cookiePrefix?: string
  algorithm?: string
  /** Explicit YAML file (else config/aws_dynamo_db_session_store[/<NODE_ENV>].yml). */
  configFile?: string
  /** Where ENV and YAML are read from (defaults: `process.env`, `process.cwd()`, `NODE_ENV`). */
  configLoad?: SessionConfigLoad
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The DynamoDB session store registered by fastify-aws-sessions. */
    dynamoDbSessionStore: DynamoDbSessionStore
  }
}

/** Shortest secret accepted, as @fastify/session requires for a string secret (we also require it of each array item). */
const MIN_SECRET_LENGTH = 32

const plugin: FastifyPluginAsync<DynamoDbSessionPluginOptions> = async (fastify, options) => {
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
  if (!givenStore) fastify.addHook('onClose', async () => store.close())
  const signingSecret = checkSecret(secret ?? store.settings.secret_key)

  // Registered before @fastify/session's onSend, so it runs first (see keepCookieWhenStoreUnavailable).
  const storeUnavailable = new WeakSet<FastifyRequest>()
  fastify.addHook('onSend', (request, _reply, _payload, done) => {
    keepCookieWhenStoreUnavailable(request, storeUnavailable)
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

/** Checks the signing secret(s): present, and every secret at least 32 characters. */
function checkSecret(secret: string | readonly string[] | SessionSigner | undefined): string | string[] | SessionSigner {
  const howTo =
    'Set secret_key (AWS_DYNAMO_DB_SESSION_SECRET_KEY, or secret_key in config/aws_dynamo_db_session_store.yml) or pass `secret` to the plugin; generate one with `openssl rand -base64 48`.'
  if (secret === undefined || (Array.isArray(secret) && secret.length === 0)) {
    throw new SessionSecretError(`The session plugin needs a cookie signing secret. ${howTo}`)
  }
  if (typeof secret === 'object' && !Array.isArray(secret)) {
    const signer = secret as SessionSigner
    if (typeof signer.sign !== 'function' || typeof signer.unsign !== 'function') {
      throw new SessionSecretError(`The session secret must be a string, a list of strings, or a signer with sign() and unsign(). ${howTo}`)
    }
    return signer
  }
  const list: readonly unknown[] = typeof secret === 'string' ? [secret] : (secret as readonly unknown[])
  list.forEach((s, i) => {
    if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) {
      const which = list.length > 1 ? `Session secret #${i + 1}` : 'The session secret'
      const what = typeof s === 'string' ? `${s.length} characters long` : `not a string (${typeof s})`
      throw new SessionSecretError(`${which} is ${what}; it must be at least ${MIN_SECRET_LENGTH} characters. ${howTo}`)
    }
  })
  return typeof secret === 'string' ? secret : [...(list as string[])]
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
 * await app.register(dynamoDbSessions, { secret: process.env.SESSION_SECRET, max_stale: 3600 })
 * app.post('/login', async (req) => { req.session.set('userId', 42); return 'ok' })
 */
export const dynamoDbSessions = fp(plugin, { name: 'fastify-aws-sessions', fastify: '5.x' })
