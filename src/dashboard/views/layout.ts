// The page around every view: the nav, the theme toggle, the stylesheet and script under the response's CSP nonce.
import { SCRIPT, STYLE } from '../assets.js'
import { html, raw, type SafeHtml } from '../html.js'
import type { RunOutcome } from '../recorder.js'

/** The views, as the nav names them. */
export type View = 'queues' | 'runs' | 'dead-letters' | 'cron' | 'enqueue'

/** What every view needs to render. */
export interface PageContext {
  /** Mount path, e.g. `/_jobs`. */
  prefix: string
  /** This response's CSP nonce. */
  nonce: string
  /** The CSRF token for forms; undefined in read-only mode (no forms). */
  csrf: string | undefined
  readOnly: boolean
}

const NAV: readonly [View, string, string][] = [
  ['queues', '/', 'Queues'],
  ['runs', '/runs', 'Recent runs'],
  ['dead-letters', '/dead-letters', 'Dead letters'],
  ['cron', '/cron', 'cron.yaml'],
  ['enqueue', '/enqueue', 'Enqueue'],
]

/** A complete HTML document. */
export function page(ctx: PageContext, current: View | undefined, title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title} · fastify-aws jobs</title>
<style nonce="${ctx.nonce}">${raw(STYLE)}</style>
<script nonce="${ctx.nonce}">${raw(SCRIPT)}</script>
</head>
<body>
<header>
<span class="brand">fastify-aws jobs${ctx.readOnly ? html` <span class="muted">(read-only)</span>` : ''}</span>
<nav>${NAV.map(([view, path, label]) => html`<a href="${ctx.prefix}${path}"${view === current ? raw(' aria-current="page"') : ''}>${label}</a>`)}</nav>
<button type="button" id="theme" class="plain">Theme</button>
</header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`.value
}

/** The hidden CSRF field of a form. */
export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf ?? ''}">`
}

/** A run's outcome as a coloured badge. */
export function outcomeBadge(outcome: RunOutcome): SafeHtml {
  return html`<span class="outcome outcome-${outcome}">${outcome}</span>`
}

/** A number cell (right-aligned, sorted as a number); `undefined` shows a dash. */
export function numberCell(value: number | undefined, attributes: SafeHtml = raw('')): SafeHtml {
  return html`<td class="num" data-sort="${value ?? -1}"${attributes}>${value ?? '–'}</td>`
}

/** A notice above a view (what an action did), or an error line. */
export function notice(text: string | undefined, bad = false): SafeHtml {
  return text === undefined ? raw('') : html`<p class="notice${bad ? ' bad' : ''}" role="status">${text}</p>`
}
