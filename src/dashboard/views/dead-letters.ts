// Dead letters: the list of a dead-letter queue, one message with its raw body, the delete confirmation, and the
// progress of a redrive.
import type { DecodedMessage } from '../decode.js'
import { prettyBody } from '../decode.js'
import { html, isoTime, shown, shownJson, type SafeHtml } from '../html.js'
import type { DeadLetterQueue, QueueOverview } from '../queues.js'
import type { RedriveTask } from '../redrive-tasks.js'
import { csrfField, notice, numberCell, page, type PageContext } from './layout.js'

/** Without a queue chosen: every dead-letter queue the overview knows, with its depth. */
export function deadLetterIndexPage(ctx: PageContext, overview: QueueOverview, tasks: RedriveTask[]): string {
  const dlqs = new Map<string, { visible: number | undefined; sources: string[] }>()
  for (const q of overview.queues) {
    if (q.deadLetter === undefined) continue
    const entry = dlqs.get(q.deadLetter.name) ?? { visible: q.deadLetter.counts?.visible, sources: [] }
    entry.sources.push(q.name)
    dlqs.set(q.deadLetter.name, entry)
  }
  const body = html`${dlqs.size === 0
    ? html`<p class="muted">No watched queue has a redrive policy, so there is no dead-letter queue to show.</p>`
    : html`<div class="scroll"><table class="sortable" id="dead-letter-queues"><thead><tr><th>Dead-letter queue</th><th class="num">Messages</th><th>Source queues</th></tr></thead><tbody>
${[...dlqs].map(([name, d]) => html`<tr><td><a href="${ctx.prefix}/dead-letters?queue=${encodeURIComponent(name)}">${name}</a></td>${numberCell(d.visible)}<td>${d.sources.join(', ')}</td></tr>`)}
</tbody></table></div>`}
${tasksTable(ctx, tasks)}`
  return page(ctx, 'dead-letters', 'Dead letters', body)
}

/** One dead-letter queue's messages (a peek: they stay in the queue). */
export function deadLettersPage(ctx: PageContext, dlq: DeadLetterQueue, messages: DecodedMessage[], limit: number, message?: string): string {
  const link = (m: DecodedMessage) => `${ctx.prefix}/dead-letters/message?queue=${encodeURIComponent(dlq.name)}&id=${encodeURIComponent(m.messageId)}`
  const rows = messages.map(
    (m) => html`<tr>
<td><a href="${link(m)}"><code>${shown(m.messageId, 100)}</code></a></td>
<td>${jobCell(m)}</td>
<td><code>${m.envelope ? shownJson(m.envelope.arguments, 160) : ''}</code></td>
${numberCell(m.envelope?.executions)}
<td>${m.envelope ? shown(m.envelope.enqueued_at, 40) : ''}</td>
${numberCell(m.receiveCount)}
<td>${m.failure !== undefined ? html`<span class="error">${shown(m.failure, 300)}</span>` : m.problem !== undefined ? html`<span class="error">${shown(m.problem, 300)}</span>` : ''}</td>
</tr>`,
  )
  const body = html`${notice(message)}
<p>Source queue${dlq.sources.length > 1 ? 's' : ''}: ${dlq.sources.map((s) => s.name).join(', ')}${dlq.fifo ? ' (FIFO: only the first message of each message group can be seen at a time)' : ''}.
Browsing receives each message for a few seconds and hands it straight back: nothing is consumed.</p>
${ctx.readOnly || messages.length === 0 ? '' : html`<form class="actions" method="post" action="${ctx.prefix}/dead-letters/redrive">${csrfField(ctx)}
<input type="hidden" name="queue" value="${dlq.name}">
${targetChoice(dlq)}<button type="submit">Redrive all to ${dlq.sources.length > 1 ? 'the chosen queue' : dlq.sources[0]?.name}</button></form>`}
${messages.length === 0 ? html`<p class="muted">No message in ${dlq.name}.</p>` : html`<p class="muted">Showing ${messages.length}${messages.length >= limit ? ` (the first ${limit})` : ''}.</p>
<div class="scroll"><table class="sortable" id="dead-letters"><thead><tr><th>Message id</th><th>Job</th><th>Arguments</th><th class="num">Executions</th><th>Enqueued at</th><th class="num">Receives</th><th>Failure</th></tr></thead>
<tbody>${rows}</tbody></table></div>`}`
  return page(ctx, 'dead-letters', `Dead letters in ${dlq.name}`, body)
}

function jobCell(m: DecodedMessage): SafeHtml {
  if (m.kind === 'periodic') return html`periodic task <strong>${shown(m.taskName ?? '', 200)}</strong>`
  if (m.jobClass !== undefined) return html`<strong>${shown(m.jobClass, 200)}</strong>${m.kind === 'unreadable' ? html` <span class="muted">(invalid envelope)</span>` : ''}`
  return html`<span class="muted">not a job message</span>`
}

function targetChoice(dlq: DeadLetterQueue): SafeHtml {
  if (dlq.sources.length <= 1) return html`<input type="hidden" name="target" value="${dlq.sources[0]?.name ?? ''}">`
  return html`<label for="target">Back to</label><select id="target" name="target">${dlq.sources.map((s) => html`<option value="${s.name}">${s.name}</option>`)}</select>`
}

/** One message: decoded, its attributes, the raw body, and its actions. */
export function messagePage(ctx: PageContext, dlq: DeadLetterQueue, m: DecodedMessage): string {
  const e = m.envelope
  const field = (name: string, value: SafeHtml | string | number | undefined) =>
    value === undefined ? '' : html`<dt>${name}</dt><dd>${value}</dd>`
  const body = html`<dl class="fields">
${field('Message id', html`<code>${shown(m.messageId, 100)}</code>`)}
${field('Kind', m.kind === 'job' ? 'job' : m.kind === 'periodic' ? 'periodic task (cron.yaml)' : 'not a valid job envelope')}
${field('Job class', m.jobClass !== undefined ? shown(m.jobClass, 500) : undefined)}
${field('Task', m.taskName !== undefined ? shown(m.taskName, 500) : undefined)}
${field('Job id', e ? shown(e.job_id, 200) : undefined)}
${field('Queue name', e ? shown(e.queue_name, 200) : undefined)}
${field('Executions', e?.executions)}
${field('Enqueued at', e ? shown(e.enqueued_at, 60) : undefined)}
${field('Scheduled at', e?.scheduled_at ? shown(e.scheduled_at, 60) : undefined)}
${field('Receives', m.receiveCount)}
${field('Sent', m.sentAt !== undefined ? isoTime(m.sentAt) : undefined)}
${field('Failure', m.failure !== undefined ? html`<span class="error">${shown(m.failure, 2_000)}</span>` : undefined)}
${field('Problem', m.problem !== undefined ? html`<span class="error">${shown(m.problem, 2_000)}</span>` : undefined)}
</dl>
${e ? html`<h2>Arguments</h2><pre id="arguments">${shownJson(e.arguments, 20_000, 2)}</pre>` : ''}
${m.attributes.length === 0 ? '' : html`<h2>Message attributes</h2><div class="scroll"><table class="sortable" id="attributes"><thead><tr><th>Name</th><th>Type</th><th>Value</th></tr></thead><tbody>
${m.attributes.map((a) => html`<tr><td><code>${shown(a.name, 300)}</code></td><td>${shown(a.type, 100)}</td><td><code>${shown(a.value, 2_000)}</code></td></tr>`)}
</tbody></table></div>`}
<h2>Raw body <span class="muted">(${Buffer.byteLength(m.body)} bytes)</span></h2>
<details id="raw"><summary>Show the raw JSON</summary><pre>${shown(prettyBody(m.body), 1_100_000)}</pre></details>
${ctx.readOnly ? '' : html`<div class="actions">
<form class="inline" method="post" action="${ctx.prefix}/dead-letters/redrive">${csrfField(ctx)}
<input type="hidden" name="queue" value="${dlq.name}"><input type="hidden" name="id" value="${m.messageId}">${targetChoice(dlq)}
<button type="submit">Redrive this message</button></form>
<form class="inline" method="post" action="${ctx.prefix}/dead-letters/delete">${csrfField(ctx)}
<input type="hidden" name="queue" value="${dlq.name}"><input type="hidden" name="id" value="${m.messageId}">
<button type="submit" class="danger">Delete…</button></form>
</div>`}
<p><a href="${ctx.prefix}/dead-letters?queue=${encodeURIComponent(dlq.name)}">Back to ${dlq.name}</a></p>`
  return page(ctx, 'dead-letters', 'Dead letter', body)
}

/** The second step of a delete: say what goes, ask once more. */
export function confirmDeletePage(ctx: PageContext, dlq: DeadLetterQueue, m: DecodedMessage): string {
  const body = html`<p class="notice bad">Delete message <code>${shown(m.messageId, 100)}</code>${m.jobClass !== undefined ? html` (${shown(m.jobClass, 200)})` : ''} from ${dlq.name}? It cannot be undone: the job will never run.</p>
<form class="actions" method="post" action="${ctx.prefix}/dead-letters/delete">${csrfField(ctx)}
<input type="hidden" name="queue" value="${dlq.name}"><input type="hidden" name="id" value="${m.messageId}"><input type="hidden" name="confirm" value="yes">
<button type="submit" class="danger" id="confirm-delete">Delete it</button>
<a class="button plain" href="${ctx.prefix}/dead-letters/message?queue=${encodeURIComponent(dlq.name)}&amp;id=${encodeURIComponent(m.messageId)}">Cancel</a>
</form>`
  return page(ctx, 'dead-letters', 'Delete a dead letter?', body)
}

/** A redrive's progress (polled while it runs). */
export function taskPage(ctx: PageContext, task: RedriveTask): string {
  const body = html`<div data-task-url="${ctx.prefix}/tasks/${task.id}/status.json" data-interval="1000">
<dl class="fields">
<dt>From</dt><dd>${task.deadLetter}</dd>
<dt>To</dt><dd>${task.target}</dd>
<dt>State</dt><dd id="task-state">${task.state}</dd>
<dt>How</dt><dd id="task-method">${task.method ?? '–'}</dd>
<dt>Moved</dt><dd id="task-moved">${task.moved}</dd>
<dt>Refused</dt><dd id="task-failed">${task.failed}</dd>
<dt>In the queue at the start</dt><dd id="task-total">${task.total}</dd>
<dt>Note</dt><dd id="task-note">${task.note ?? '–'}</dd>
</dl></div>
<p><a href="${ctx.prefix}/dead-letters?queue=${encodeURIComponent(task.deadLetter)}">Back to ${task.deadLetter}</a></p>`
  return page(ctx, 'dead-letters', 'Redrive', body)
}

function tasksTable(ctx: PageContext, tasks: RedriveTask[]): SafeHtml {
  if (tasks.length === 0) return html``
  return html`<h2>Redrives</h2><div class="scroll"><table class="sortable" id="redrives"><thead><tr><th>Started (UTC)</th><th>From</th><th>To</th><th>State</th><th class="num">Moved</th><th class="num">Refused</th></tr></thead><tbody>
${tasks.map((t) => html`<tr><td data-sort="${t.startedAt}"><a href="${ctx.prefix}/tasks/${t.id}">${isoTime(t.startedAt)}</a></td><td>${t.deadLetter}</td><td>${t.target}</td><td>${t.state}</td>${numberCell(t.moved)}${numberCell(t.failed)}</tr>`)}
</tbody></table></div>`
}
