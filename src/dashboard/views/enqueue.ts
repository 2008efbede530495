// The enqueue form: a registered, allowlisted job and its arguments as a JSON array.
import { html, shown } from '../html.js'
import { csrfField, notice, page, type PageContext } from './layout.js'

/** What the form shows again after a refused send, and the result of the last one. */
export interface EnqueueFormState {
  job?: string
  args?: string
  delay?: string
  message?: { text: string; bad: boolean }
}

/** The enqueue page. */
export function enqueuePage(ctx: PageContext, jobs: string[], state: EnqueueFormState = {}): string {
  const body = html`${state.message ? notice(state.message.text, state.message.bad) : ''}
${jobs.length === 0
  ? html`<p class="muted">No job may be enqueued from here: register jobs in the registry the dashboard is given (fastify-aws dashboard --jobs MODULE), and check enqueue_allowlist.</p>`
  : ctx.readOnly
    ? html`<p class="muted">Read-only: jobs cannot be enqueued from here.</p>`
    : html`<form method="post" action="${ctx.prefix}/enqueue" id="enqueue">${csrfField(ctx)}
<label for="job">Job</label>
<select id="job" name="job">${jobs.map((j) => html`<option value="${j}"${j === state.job ? html` selected` : ''}>${j}</option>`)}</select>
<label for="args">Arguments (a JSON array of perform's arguments)</label>
<textarea id="args" name="args" spellcheck="false" placeholder='["world", 2]'>${shown(state.args ?? '', 100_000)}</textarea>
<label for="delay">Delay (seconds, 0–900)</label>
<input id="delay" name="delay" inputmode="numeric" value="${state.delay ?? '0'}">
<div class="actions"><button type="submit">Enqueue</button></div>
</form>`}`
  return page(ctx, 'enqueue', 'Enqueue a job', body)
}
