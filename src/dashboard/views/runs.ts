// Recent runs: filters by outcome and job class, per-class counts and p50/p95, each failure with its error and stack.
import { duration, html, isoTime, shown } from '../html.js'
import type { JobClassStats, RecordedRun, RunOutcome } from '../recorder.js'
import { numberCell, outcomeBadge, page, type PageContext } from './layout.js'

/** The outcomes a filter may name. */
export const OUTCOMES: readonly RunOutcome[] = ['succeeded', 'retry', 'failed', 'discarded']

/** The runs page. `filter` values come from the query string: they are only compared and shown escaped. */
export function runsPage(
  ctx: PageContext,
  runs: RecordedRun[],
  stats: JobClassStats[],
  filter: { outcome: RunOutcome | undefined; jobClass: string | undefined },
  capacity: number,
): string {
  const classes = stats.map((s) => s.jobClass)
  if (filter.jobClass !== undefined && !classes.includes(filter.jobClass)) classes.push(filter.jobClass)
  const option = (value: string, label: string, selected: boolean) => html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`
  const statRows = stats.map(
    (s) => html`<tr><td><a href="${ctx.prefix}/runs?job=${encodeURIComponent(s.jobClass)}">${s.jobClass}</a></td>${numberCell(s.runs)}${numberCell(s.succeeded)}${numberCell(s.retry)}${numberCell(s.failed)}${numberCell(s.discarded)}<td class="num" data-sort="${s.p50}">${duration(s.p50)}</td><td class="num" data-sort="${s.p95}">${duration(s.p95)}</td></tr>`,
  )
  const runRows = runs.map(
    (r) => html`<tr>
<td data-sort="${r.finishedAt}">${isoTime(r.finishedAt)}</td>
<td>${shown(r.jobClass, 200)}</td>
<td><code>${shown(r.jobId, 80)}</code></td>
<td>${shown(r.queueName, 200)}</td>
<td>${r.transport}${r.taskName !== undefined ? html`<br><span class="muted">task ${shown(r.taskName, 200)}</span>` : ''}</td>
<td data-sort="${r.outcome}">${outcomeBadge(r.outcome)}</td>
${numberCell(r.attempt)}
<td class="num" data-sort="${r.durationMs}">${duration(r.durationMs)}</td>
<td>${r.error ? html`<details><summary class="error">${shown(`${r.error.name}: ${r.error.message}`, 300)}</summary><pre>${shown(r.error.stack ?? `${r.error.name}: ${r.error.message}`, 20_000)}</pre></details>` : ''}</td>
</tr>`,
  )
  const body = html`<form class="filters" method="get" action="${ctx.prefix}/runs">
<div><label for="outcome">Outcome</label><select id="outcome" name="outcome">${option('', 'any', filter.outcome === undefined)}${OUTCOMES.map((o) => option(o, o, filter.outcome === o))}</select></div>
<div><label for="job">Job class</label><select id="job" name="job">${option('', 'any', filter.jobClass === undefined)}${classes.map((c) => option(c, shown(c, 200), filter.jobClass === c))}</select></div>
<div><button type="submit">Filter</button></div>
</form>
<h2>By job class</h2>
<p class="muted">Over the last ${capacity} runs of this process (any transport: sqsd, poller, Lambda); durations are perform's.</p>
${stats.length === 0 ? html`<p class="muted">No runs yet.</p>` : html`<div class="scroll"><table class="sortable" id="stats">
<thead><tr><th>Job class</th><th class="num">Runs</th><th class="num">Succeeded</th><th class="num">Retry</th><th class="num">Failed</th><th class="num">Discarded</th><th class="num">p50</th><th class="num">p95</th></tr></thead>
<tbody>${statRows}</tbody></table></div>`}
<h2>Runs${filter.outcome !== undefined || filter.jobClass !== undefined ? ' (filtered)' : ''}</h2>
${runs.length === 0 ? html`<p class="muted">No run matches.</p>` : html`<div class="scroll"><table class="sortable" id="runs">
<thead><tr><th>Finished (UTC)</th><th>Job class</th><th>Job id</th><th>Queue</th><th>Transport</th><th>Outcome</th><th class="num">Attempt</th><th class="num">Duration</th><th>Error</th></tr></thead>
<tbody>${runRows}</tbody></table></div>`}`
  return page(ctx, 'runs', 'Recent runs', body)
}
