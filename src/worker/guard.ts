// The sqsd guard: a request with an aws-sqsd User-Agent is served only if it comes from this host (or the Docker host).
import ipaddr from 'ipaddr.js'
import fp from 'fastify-plugin'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { ConfigError } from '../errors.js'
import { dockerHostAddresses } from './docker-host.js'
import { forwardedForAddresses } from './forwarded.js'
import { isSqsdUserAgent } from './sqsd-headers.js'
import { formatTrustedHost, inTrustedRange, parseTrustedHost, type DockerHostsSetting, type TrustedRange } from './trusted-hosts.js'
import { SQSD_GUARD_RENAMED, warnFirst } from '../deprecations.js'

/** True when the request's User-Agent marks it as sent by the EB SQS daemon. */
export function isSqsdRequest(request: Pick<FastifyRequest, 'headers'>): boolean {
  return isSqsdUserAgent(request.headers['user-agent'])
}

/** Options of the guard plugin. */
export interface SqsdGuardOptions {
  /**
   * Docker host addresses to trust besides loopback. `'auto'` (default): detect Docker from /proc and trust
   * 172.17.0.1 plus the default gateways in /proc/net/route. `false`: loopback only. An array: exactly these
   * addresses and CIDR ranges (`172.16.0.0/12`); an entry that is neither is an error at start-up.
   */
  dockerHosts?: DockerHostsSetting
  /** Where /proc is (tests point this at fixtures). */
  procRoot?: string
}

/**
 * Decides whether an address may send sqsd requests: loopback (127.0.0.0/8, ::1, ::ffff:127.x) or an address in a
 * trusted Docker host entry (an address or a CIDR range). Unparsable text is untrusted. An entry that is neither an
 * address nor a range throws a {@link ConfigError} naming it.
 */
export function createAddressCheck(trustedHosts: readonly string[]): (address: string) => boolean {
  const ranges = trustedRanges(trustedHosts)
  const decide = (address: string): boolean => {
    const parsed = parse(address)
    if (!parsed) return false
    if (parsed.range() === 'loopback') return true
    return ranges.some((r) => inTrustedRange(parsed, r))
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

function trustedRanges(entries: readonly string[]): TrustedRange[] {
  return entries.map((entry) => {
    try {
      return parseTrustedHost(entry)
    } catch (err) {
      throw new ConfigError(`sqsd guard dockerHosts: ${(err as Error).message}. Give addresses or CIDR ranges, 'auto' or false.`)
    }
  })
}

/**
 * Every address the request claims to come through: the socket, then X-Forwarded-For hops, X-Real-IP and the `for=`
 * of every RFC 7239 `Forwarded` element. All of them must be trusted.
 */
export function claimedAddresses(request: Pick<FastifyRequest, 'headers' | 'socket'>): string[] {
  const out = [request.socket.remoteAddress ?? '']
  for (const name of ['x-forwarded-for', 'x-real-ip'] as const) {
    const v = request.headers[name]
    if (v === undefined) continue
    for (const part of (Array.isArray(v) ? v.join(',') : v).split(',')) out.push(part.trim())
  }
  const forwarded = request.headers.forwarded
  if (forwarded !== undefined) out.push(...forwardedForAddresses(Array.isArray(forwarded) ? forwarded.join(',') : forwarded))
  return out
}

function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  if (!ipaddr.isValid(bare)) return undefined
  return ipaddr.process(bare) // IPv4-mapped IPv6 becomes IPv4
}

const FORBIDDEN = 'Request with aws-sqsd user agent was made from untrusted address.'

const guard: FastifyPluginAsync<SqsdGuardOptions> = async (fastify, opts) => {
  const setting = opts.dockerHosts ?? 'auto'
  // Read /proc once at start-up, not per request (the Ruby gem re-reads it whenever the answer was "no").
  const hosts = setting === 'auto' ? dockerHostAddresses(opts.procRoot) : setting === false ? [] : setting
  const trusted = createAddressCheck(hosts)
  // Exactly what is trusted, in normal form (every entry was checked above: none is dropped without a word).
  if (hosts.length > 0) {
    fastify.log.info({ dockerHosts: hosts.map((h) => formatTrustedHost(parseTrustedHost(h))) }, 'sqsd guard trusts these Docker host addresses')
  }

  // A callback hook, not an async one: it runs on every request of the app, and most are not from sqsd.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!isSqsdRequest(request)) return done()
    const { headers } = request
    // The usual case, sqsd straight to us: only the socket address to check, no array to build.
    if (
      headers['x-forwarded-for'] === undefined &&
      headers['x-real-ip'] === undefined &&
      headers.forwarded === undefined &&
      trusted(request.socket.remoteAddress ?? '')
    ) {
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
export const fastifyAwsSqsdGuard = fp(guard, { name: 'fastify-aws-sqsd-guard', fastify: '5.x' })

/** @deprecated Renamed {@link fastifyAwsSqsdGuard} (same options); warns once (FASTIFY_AWS_DEP008). */
export const sqsdGuard = fp(warnFirst(guard, SQSD_GUARD_RENAMED), { name: 'fastify-aws-sqsd-guard', fastify: '5.x' })
