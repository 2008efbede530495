// Every page goes out with a fresh CSP nonce (its one style and script are the only ones that may run), no caching,
// no framing and no referrer; every failure as a page (or JSON for the live refreshes) with its status and one line.
import { randomBytes } from 'node:crypto'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { PageContext } from './views/layout.js'
import { errorPage } from './views/error.js'

/** A fresh nonce and the CSRF token (none in read-only mode) for one page. */
export function pageContext(reply: FastifyReply, prefix: string, readOnly: boolean): PageContext {
  return {
    prefix,
    nonce: randomBytes(16).toString('base64'),
    csrf: readOnly ? undefined : (reply as FastifyReply & { generateCsrf(): string }).generateCsrf(),
    readOnly,
  }
}

/** Sends a rendered page with its security headers. */
export function sendPage(reply: FastifyReply, ctx: PageContext, body: string, status = 200): FastifyReply {
  return reply
    .code(status)
    .headers({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${ctx.nonce}'; style-src 'nonce-${ctx.nonce}'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    })
    .send(body)
}

/**
 * Sends JSON for the page scripts, uncached, with `<`, `>` and `&` as \u escapes: the same data, and no markup even
 * for a client that ignores the content type.
 */
export function sendJson(reply: FastifyReply, data: unknown): FastifyReply {
  const json = JSON.stringify(data).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return reply
    .headers({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
    .send(json)
}

const CLEARER: Readonly<Record<string, string>> = {
  FST_CSRF_MISSING_SECRET: "This browser has no CSRF cookie for the dashboard (cookies blocked, or it expired): reload the page and try again.",
  FST_CSRF_INVALID_TOKEN: "The form's CSRF token is missing or is not this browser's: reload the page and try again.",
  FST_BASIC_AUTH_MISSING_OR_BAD_AUTHORIZATION_HEADER: 'Sign in to see the jobs dashboard (basic authentication).',
}

/**
 * The dashboard's error handler: 4xx as the error's own line (a known code's clearer one), 5xx logged with a line
 * that names what failed. Live-refresh URLs (`.json`) get `{ error }` instead of a page.
 */
export function handleError(prefix: string, readOnly: boolean) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    let message = (error.code !== undefined ? CLEARER[error.code] : undefined) ?? error.message
    if (status >= 500) {
      request.log.error({ err: error }, 'jobs dashboard request failed')
      if (!(error.code ?? '').startsWith('FASTIFY_AWS_')) message = `Internal error (${error.name}); the details are in the server log.`
    }
    if (request.url.split('?')[0]!.endsWith('.json')) return sendJson(reply.code(status), { error: message })
    const ctx: PageContext = { prefix, nonce: randomBytes(16).toString('base64'), csrf: undefined, readOnly }
    return sendPage(reply, ctx, errorPage(ctx, status, message), status)
  }
}
