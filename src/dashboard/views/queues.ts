// The overview: every queue's counts (refreshed live), its dead-letter queue, and this process's recent runs.
import { html, isoTime } from '../html.js'
import type { QueueOverview } from '../queues.js'
import type { JobClassStats } from '../recorder.js'
import { numberCell, page, type PageContext } from './layout.js'

/** The JSON the page polls. */
export interface QueuesJson {
  at: number
  queues: {
    name: string
    visible: number | null
    inFlight: number | null
    delayed: number | null
    deadLetter: { name: string; visible: number | null } | null
    error: string | null
  }[]
}

/** The overview as the live refresh reads it. */
export function queuesJson(overview: QueueOverview): QueuesJson {
  return {
    at: overview.at,
    queues: overview.queues.map((q) => ({
      name: q.name,
      visible: q.counts?.visible ?? null,
      inFlight: q.counts?.inFlight ?? null,
      delayed: q.counts?.delayed ?? null,
      deadLetter: q.deadLetter ? { name: q.deadLetter.name, visible: q.deadLetter.counts?.visible ?? null } : null,
      error: q.error ?? null,
    })),
  }
}

/** The queues page. */
export function queuesPage(ctx: PageContext, overview: QueueOverview, stats: JobClassStats[], recording: boolean, refreshMs: number): string {
  const live = (name: string, field: string) => html` data-q="${name}" data-f="${field}"`
  const rows = overview.queues.map(
    (q) => html`<tr>
<td><strong>${q.name}</strong><br><code class="muted">${q.url}</code>${q.error ? html`<br><span class="error">${q.error}</span>` : ''}</td>
<td>${q.fifo ? 'FIFO' : 'standard'}</td>
${numberCell(q.counts?.visible, live(q.name, 'visible'))}
${numberCell(q.counts?.inFlight, live(q.name, 'inFlight'))}
${numberCell(q.counts?.delayed, live(q.name, 'delayed'))}
<td>${q.deadLetter ? html`<a href="${ctx.prefix}/dead-letters?queue=${encodeURIComponent(q.deadLetter.name)}">${q.deadLetter.name}</a>${q.deadLetter.error ? html`<br><span class="error">${q.deadLetter.error}</span>` : ''}` : html`<span class="muted">none</span>`}</td>
${numberCell(q.deadLetter?.counts?.visible, live(q.name, 'dlqVisible'))}
${numberCell(q.maxReceiveCount)}
</tr>`,
  )
  const totals = stats.reduce(
    (t, s) => ({ runs: t.runs + s.runs, succeeded: t.succeeded + s.succeeded, retry: t.retry + s.retry, failed: t.failed + s.failed, discarded: t.discarded + s.discarded }),
    { runs: 0, succeeded: 0, retry: 0, failed: 0, discarded: 0 },
  )
  const body = html`<p class="live muted" data-live-url="${ctx.prefix}/queues.json" data-interval="${refreshMs}">Counts are SQS's approximate numbers, refreshed every ${refreshMs / 1000} s; <span id="live-status">read ${isoTime(overview.at)}</span>.</p>
${overview.queues.length === 0
  ? html`<p class="notice bad">No queue is configured. Add queues under "queues:" in config/aws_active_job_sqs.yml (or AWS_ACTIVE_JOB_SQS_&lt;QUEUE&gt;_URL), or the dashboard's queues / queue_urls options.</p>`
  : html`<div class="scroll"><table class="sortable" id="queues">
<thead><tr><th>Queue</th><th>Type</th><th class="num">Visible</th><th class="num">In flight</th><th class="num">Delayed</th><th>Dead-letter queue</th><th class="num">Dead letters</th><th class="num">Max receives</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`}
<h2>Recent runs in this process</h2>
${recording
  ? html`<p>${totals.runs} recorded: ${totals.succeeded} succeeded, ${totals.retry} to retry, ${totals.failed} failed, ${totals.discarded} discarded. <a href="${ctx.prefix}/runs">See them</a>${totals.failed + totals.retry > 0 ? html` · <a href="${ctx.prefix}/runs?outcome=failed">failures</a>` : ''}.</p>`
  : html`<p class="muted">Not recording (runs: 0).</p>`}`
  return page(ctx, 'queues', 'Queues', body)
}
