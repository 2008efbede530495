// cron.yaml: every task, its schedule in words, its next times, its last run here, and "run now".
import type { CronTaskView } from '../cron.js'
import { duration, html, isoTime } from '../html.js'
import { csrfField, notice, outcomeBadge, page, type PageContext } from './layout.js'

/** The cron page. `canRun` is false when no worker queue is configured for periodic tasks. */
export function cronPage(ctx: PageContext, file: string | undefined, tasks: CronTaskView[], canRun: boolean, message?: { text: string; bad: boolean }): string {
  const rows = tasks.map(
    (t) => html`<tr>
<td><strong>${t.name}</strong></td>
<td><code>${t.url}</code></td>
<td><code>${t.schedule}</code></td>
<td>${t.words}</td>
<td data-sort="${t.next[0]?.getTime() ?? 0}">${t.next.map((d, i) => html`${i > 0 ? html`<br>` : ''}${isoTime(d.getTime())}`)}</td>
<td data-sort="${t.last?.finishedAt ?? 0}">${t.last ? html`${outcomeBadge(t.last.outcome)} ${isoTime(t.last.finishedAt)} <span class="muted">in ${duration(t.last.durationMs)}</span>${t.last.error ? html`<br><span class="error">${t.last.error.name}: ${t.last.error.message.slice(0, 300)}</span>` : ''}` : html`<span class="muted">not seen</span>`}</td>
<td>${ctx.readOnly || !canRun ? '' : html`<form class="inline" method="post" action="${ctx.prefix}/cron/run">${csrfField(ctx)}<input type="hidden" name="name" value="${t.name}"><button type="submit">Run now</button></form>`}</td>
</tr>`,
  )
  const body = html`${message ? notice(message.text, message.bad) : ''}
${file === undefined
  ? html`<p class="muted">No cron.yaml (set cron_file, FASTIFY_AWS_DASHBOARD_CRON_FILE, or put cron.yaml in the project directory).</p>`
  : html`<p>From <code>${file}</code>. Times are UTC. "Run now" sends the task's message to the worker queue, as Elastic Beanstalk's leader does at its time; the last run is the last one this process saw.${canRun ? '' : ' "Run now" needs the worker queue: set cron_queue_url (FASTIFY_AWS_DASHBOARD_CRON_QUEUE_URL).'}</p>
${tasks.length === 0 ? html`<p class="muted">The file has no tasks.</p>` : html`<div class="scroll"><table class="sortable" id="cron"><thead><tr><th>Task</th><th>URL</th><th>Schedule</th><th>In words</th><th>Next (UTC)</th><th>Last run</th><th></th></tr></thead><tbody>${rows}</tbody></table></div>`}`}`
  return page(ctx, 'cron', 'cron.yaml', body)
}
