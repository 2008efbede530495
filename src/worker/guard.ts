// The sqsd guard: a request with an aws-sqsd User-Agent is served only if it comes from this host (or the Docker host).
import ipaddr from 'ipaddr.js'
import fp from 'fastify-plugin'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { dockerHostAddresses } from './docker-host.js'

/** True when the request's User-Agent marks it as sent by the EB SQS daemon. */
export function isSqsdRequest(request: Pick<FastifyRequest, 'headers'>): boolean {
  const ua = request.headers['user-agent']
  return typeof ua === 'string' && ua.startsWith('aws-sqsd')
}

/** Options of the guard plugin. */
export interface SqsdGuardOptions {
  /**
   * Docker host addresses to trust besides loopback. `'auto'` (default): detect Docker from /proc and trust
   * 172.17.0.1 plus the default gateways in /proc/net/route. `false`: loopback only. An array: exactly these.
   */
  dockerHosts?: 'auto' | false | readonly string[]
  /** Where /proc is (tests point this at fixtures). */
  procRoot?: string
}

/**
 * Decides whether an address may send sqsd requests: loopback (127.0.0.0/8, ::1, ::ffff:127.x) or a trusted
 * Docker host address. Unparsable text is untrusted.
 */
export function createAddressCheck(trustedHosts: readonly string[]): (address: string) => boolean {
  const hosts = new Set(trustedHosts.map(normalize).filter((a): a is string => a !== undefined))
  const decide = (address: string): boolean => {
    const parsed = parse(address)
    if (!parsed) return false
    if (parsed.range() === 'loopback') return true
    return hosts.has(parsed.toNormalizedString())
  }
  // Parsing with ipaddr.js on every sqsd request was a fifth of the worker's overhead over a bare route; the same
  // few addresses (the socket's, nginx's) come back again and again. Bounded, so odd headers cannot grow it.
  const known = new Map<string, boolean>()
  return (address) => {
    let ok = known.get(address)
    if (ok === undefined) {
      ok = decide(address)
      if (known.size >= 512) known.clear()
      known.set(address, ok)
    }
    return ok
  }
}

/** Every address the request claims to come through: the socket, then X-Forwarded-For hops and X-Real-IP. */
export function claimedAddresses(request: Pick<FastifyRequest, 'headers' | 'socket'>): string[] {
  const out = [request.socket.remoteAddress ?? '']
  for (const name of ['x-forwarded-for', 'x-real-ip'] as const) {
    const v = request.headers[name]
    if (v === undefined) continue
    for (const part of (Array.isArray(v) ? v.join(',') : v).split(',')) out.push(part.trim())
  }
  return out
}

function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  if (!ipaddr.isValid(bare)) return undefined
  return ipaddr.process(bare) // IPv4-mapped IPv6 becomes IPv4
}

function normalize(address: string): string | undefined {
  return parse(address)?.toNormalizedString()
}

const FORBIDDEN = 'Request with aws-sqsd user agent was made from untrusted address.'

const guard: FastifyPluginAsync<SqsdGuardOptions> = async (fastify, opts) => {
  const setting = opts.dockerHosts ?? 'auto'
  // Read /proc once at start-up, not per request (the Ruby gem re-reads it whenever the answer was "no").
  const hosts = setting === 'auto' ? dockerHostAddresses(opts.procRoot) : setting === false ? [] : setting
  const trusted = createAddressCheck(hosts)
  if (hosts.length > 0) fastify.log.info({ dockerHosts: hosts }, 'sqsd guard trusts these Docker host addresses')

  // A callback hook, not an async one: it runs on every request of the app, and most are not from sqsd.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!isSqsdRequest(request)) return done()
    const { headers } = request
    // The usual case, sqsd straight to us: only the socket address to check, no array to build.
    if (headers['x-forwarded-for'] === undefined && headers['x-real-ip'] === undefined && trusted(request.socket.remoteAddress ?? '')) {
      return done()
    }
    const claimed = claimedAddresses(request)
    const untrusted = claimed.find((a) => !trusted(a))
    if (untrusted === undefined) return done()
    // trustProxy is deliberately ignored: only the socket and an all-local forwarding chain count.
    request.log.warn({ address: untrusted, chain: claimed }, 'SQSD request detected from untrusted address; returning 403 forbidden.')
    reply.code(403).type('text/plain; charset=utf-8').send(FORBIDDEN)
  })
}

/** Fastify plugin answering 403 to aws-sqsd requests from anywhere but this host or the Docker host. */
export const sqsdGuard = fp(guard, { name: 'fastify-aws-sqsd-guard', fastify: '5.x' })
