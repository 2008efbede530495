// A refused or failed request, as a page: the status and the one-line reason.
import { html, shown } from '../html.js'
import { page, type PageContext } from './layout.js'

/** The error page. */
export function errorPage(ctx: PageContext, status: number, message: string): string {
  return page(ctx, undefined, `${status} ${status === 403 ? 'Forbidden' : status === 404 ? 'Not found' : status === 409 ? 'Busy' : status >= 500 ? 'Failed' : 'Refused'}`, html`<p class="notice bad" id="error-message">${shown(message, 2_000)}</p><p><a href="${ctx.prefix}/">Back to the queues</a></p>`)
}
