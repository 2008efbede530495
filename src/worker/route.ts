// The worker's route: POST on the worker path, reached only by requests with sqsd's User-Agent (others go on to the
// app's own routes on the same path), every body read as text, errors answered as one line.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { oneLine, sendLine } from './responses.js'
import { isSqsdUserAgent } from './sqsd-headers.js'

/** Route constraint that routes aws-sqsd requests to the worker route while other requests reach the app's routes. */
const sqsdConstraint = {
  name: 'sqsd',
  storage() {
    const handlers = new Map<string, unknown>()
    return {
      get: (value: string) => (handlers.get(value) ?? null) as never,
      set: (value: string, store: unknown) => void handlers.set(value, store),
    }
  },
  deriveConstraint(req: { headers: Record<string, string | string[] | undefined> }) {
    return isSqsdUserAgent(req.headers['user-agent']) ? 'sqsd' : undefined
  },
  mustMatchWhenDerived: false,
  validate() {},
}

/** Where the route is and how large a body it takes. */
export interface SqsdRouteSettings {
  path: string
  bodyLimit: number
}

/** Registers the sqsd route (in a scope of its own: its body parsers and error handler stay off the app's routes). */
export async function registerSqsdRoute(
  fastify: FastifyInstance,
  { path, bodyLimit }: SqsdRouteSettings,
  handler: (request: FastifyRequest, reply: FastifyReply) => void,
): Promise<void> {
  if (!fastify.hasConstraintStrategy('sqsd')) fastify.addConstraintStrategy(sqsdConstraint)
  await fastify.register(async (scope) => {
    // sqsd sends whatever MimeType is configured (JSON, text, form, custom) and empty bodies for periodic tasks:
    // read every body as UTF-8 text (the envelope is JSON whatever the label) and parse the envelope ourselves.
    // As text, not bytes: Fastify decodes a one-chunk body straight from the socket's buffer, where 'buffer' copies
    // it into a new Buffer first that parsing would only decode again.
    scope.removeAllContentTypeParsers()
    const asText = { parseAs: 'string' as const, bodyLimit }
    const keep = (_req: FastifyRequest, body: Buffer | string, done: (err: null, body: Buffer | string) => void): void => done(null, body)
    // The catch-all alone would work, but Fastify caches parser lookups only for types registered by name: with '*'
    // alone it parsed every request's Content-Type again. sqsd's default MimeType (and ours) get names.
    scope.addContentTypeParser(['application/json', 'text/plain'], asText, keep)
    scope.addContentTypeParser('*', asText, keep)
    scope.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return sendLine(reply, 413, `Request body is larger than the limit of ${bodyLimit} bytes.`)
      }
      const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500
      request.log.error({ err }, 'sqsd request failed')
      return sendLine(reply, status, status >= 500 ? `Internal error: ${oneLine(err.message, 200)}` : err.message)
    })
    scope.route({
      method: 'POST',
      url: path,
      constraints: { sqsd: 'sqsd' },
      bodyLimit,
      handler,
    })
  })
}
