// The dashboard in a real headless Chromium (Debian's package, driven by playwright-core) against the dev stack on
// fauxqs: the page loads and its counts match the queue (refreshed live), a failing job shows in recent runs with
// its error, poison messages reach the dead-letter view where one is deleted and the others are redriven and run,
// "run now" fires a cron task, and auth and CSRF refuse what they must. A screenshot of each view goes to
// .screenshots/dashboard/ (git-ignored). One browser for the whole file, one page reused.
import { existsSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs'
import pino from 'pino'
import type { Browser as Chromium, Page } from 'playwright-core'
import { startDevStack } from '../../src/dev/dev-stack.js'
import { Job, buildEnvelope } from '../../src/jobs/index.js'
import { buildServiceApp } from '../../service/app.js'
import { sqsClient, waitFor } from '../sqsd/helpers.js'
import { projectDir, startDashboard } from './harness.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(CHROMIUM)) {
  console.error(`\n*** SKIPPING the dashboard browser tests: no Chromium at ${CHROMIUM}.`)
  console.error('*** Install it with: apt-get install -y chromium (.ci/run does this on a fresh machine), or set CHROMIUM_PATH.\n')
  t.plan(0, 'dashboard browser tests: chromium is not installed')
  process.exit(0)
}
const { chromium } = await import('playwright-core')
const SHOTS = join(import.meta.dirname, '..', '..', '.screenshots', 'dashboard')
mkdirSync(SHOTS, { recursive: true })

// ── the jobs ──────────────────────────────────────────────────────────────────────────────────
const ran: { job: string; arg: unknown; task: string | undefined }[] = []
let flakyBroken = true
class RecordingJob extends Job {
  static override readonly jobName = 'RecordingJob'
  async perform(arg?: unknown): Promise<void> {
    ran.push({ job: 'RecordingJob', arg, task: this.context.delivery.taskName })
  }
}
class FailingJob extends Job {
  static override readonly jobName = 'FailingJob'
  async perform(): Promise<void> {
    throw new Error('kaput: <b>bold</b> & <script>alert(1)</script>')
  }
}
/** Fails until the test mends it: the poison message that is redriven once the bug is fixed. */
class FlakyJob extends Job {
  static override readonly jobName = 'FlakyJob'
  async perform(arg: string): Promise<void> {
    if (flakyBroken) throw new Error(`FlakyJob is broken (${arg})`)
    ran.push({ job: 'FlakyJob', arg, task: undefined })
  }
}

// ── the stack: fauxqs, worker queue + dead-letter queue (2 receives), the service, the daemon, the dashboard ─
const dir = projectDir('version: 1\ncron:\n  - name: "RecordingJob"\n    url: "/"\n    schedule: "0 0 1 1 *"\n')
const stack = await startDevStack({
  buildApp: ({ registry, worker }) => buildServiceApp({ registry: registry.register(RecordingJob, FailingJob, FlakyJob), worker, logger: false }),
  port: 0,
  cwd: dir,
  cronFile: 'cron.yaml',
  statePath: false,
  settings: { waitTime: 1, maxRetries: 2, errorVisibilityTimeout: 0 },
  logger: pino({ level: 'silent' }),
  dashboard: { refreshInterval: 1 },
})
t.teardown(() => stack.close())
const sqs = sqsClient(stack.endpoint!)
t.teardown(() => sqs.destroy())
const dashboard = stack.dashboardUrl!
const counts = async (url: string) => {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!
  return { visible: Number(a.ApproximateNumberOfMessages), delayed: Number(a.ApproximateNumberOfMessagesDelayed) }
}

const browser: Chromium = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
t.teardown(() => browser.close())
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
const page: Page = await context.newPage()
const problems: string[] = []
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
page.on('console', (m) => {
  if (m.type() === 'error' && !/status of 40[39]/.test(m.text())) problems.push(`console: ${m.text()}`)
})
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
const cell = (field: string) => page.locator(`[data-q="default"][data-f="${field}"]`)

t.test('the page loads, its counts match the queue, and they refresh without a reload', async (t) => {
  for (let i = 0; i < 2; i++) {
    await sqs.send(new SendMessageCommand({ QueueUrl: stack.queueUrl, MessageBody: JSON.stringify(buildEnvelope({ jobClass: 'RecordingJob', queueName: 'default', args: [i] })), DelaySeconds: 900 }))
  }
  const res = await page.goto(dashboard)
  t.equal(res?.status(), 200)
  t.equal(await page.title(), 'Queues · fastify-aws jobs')
  const real = await counts(stack.queueUrl)
  t.equal(await cell('delayed').textContent(), String(real.delayed))
  t.equal(real.delayed, 2)
  t.equal(await cell('visible').textContent(), String(real.visible))
  t.equal(await page.locator('#queues tbody tr').count(), 1)
  t.match(await page.locator('#queues').textContent(), /default-dead-letter/)
  await sqs.send(new SendMessageCommand({ QueueUrl: stack.queueUrl, MessageBody: '{}', DelaySeconds: 900 }))
  await waitFor('the live refresh', async () => (await cell('delayed').textContent()) === '3')
  t.pass('the delayed count became 3 without a reload')
  await shot('queues')

  // Theme toggle (auto → dark), kept across pages; a phone-sized view.
  await page.click('#theme')
  t.equal(await page.getAttribute('html', 'data-theme'), 'dark')
  await shot('queues-dark')
  await page.reload()
  t.equal(await page.getAttribute('html', 'data-theme'), 'dark', 'kept in localStorage')
  await page.click('#theme')
  await page.click('#theme')
  t.equal(await page.getAttribute('html', 'data-theme'), null, 'back to the system theme')
  await page.setViewportSize({ width: 390, height: 844 })
  await shot('queues-phone')
  t.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'), 'no sideways scroll of the page on a phone (tables scroll inside)')
  await page.setViewportSize({ width: 1280, height: 800 })
})

t.test('enqueue from the form; a failing job appears in recent runs with its error, as text', async (t) => {
  await page.goto(`${dashboard}enqueue`)
  t.same(await page.locator('#job option').allTextContents(), ['RecordingJob', 'FailingJob', 'FlakyJob', 'HelloJob', 'HeartbeatJob'])
  await page.selectOption('#job', 'RecordingJob')
  await page.fill('#args', '["from the form"]')
  await shot('enqueue')
  await page.click('#enqueue button[type=submit]')
  t.match(await page.locator('.notice').textContent(), /Enqueued RecordingJob \(job_id [0-9a-f-]{36}, message /)
  await waitFor('the enqueued job to run', () => ran.some((r) => r.arg === 'from the form'))

  await page.selectOption('#job', 'FailingJob')
  await page.fill('#args', '[]')
  await page.click('#enqueue button[type=submit]')
  await waitFor('two failed runs of FailingJob', async () => {
    await page.goto(`${dashboard}runs?job=FailingJob`)
    return (await page.locator('#runs tbody tr').count()) >= 2
  })
  const row = page.locator('#runs tbody tr').first()
  t.match(await row.textContent(), /FailingJob.*retry/s)
  t.match(await row.locator('summary').textContent(), /Error: kaput: <b>bold<\/b> & <script>alert\(1\)<\/script>/)
  t.equal(await page.locator('#runs b').count(), 0, 'the error is text, not markup')
  await row.locator('summary').click()
  t.match(await row.locator('pre').textContent(), /at FailingJob\.perform/)
  t.match(await page.locator('#stats').textContent(), /FailingJob\s*2\s*0\s*2\s*0\s*0/)

  // Sortable: the runs table by attempt, both ways.
  await page.goto(`${dashboard}runs`)
  await shot('runs')
  const attempts = () => page.locator('#runs tbody tr td:nth-child(7)').allTextContents()
  await page.click('#runs th:nth-child(7)')
  const up = (await attempts()).map(Number)
  t.same(up, [...up].sort((a, b) => a - b), 'ascending')
  await page.click('#runs th:nth-child(7)')
  const down = (await attempts()).map(Number)
  t.same(down, [...down].sort((a, b) => b - a), 'descending')
  t.equal(await page.getAttribute('#runs th:nth-child(7)', 'aria-sort'), 'descending')
})

t.test('poison messages reach the dead-letter view; one is deleted after confirmation, the others redriven and run', async (t) => {
  for (const arg of ['first', 'second']) {
    await sqs.send(new SendMessageCommand({ QueueUrl: stack.queueUrl, MessageBody: JSON.stringify(buildEnvelope({ jobClass: 'FlakyJob', queueName: 'default', args: [arg] })) }))
  }
  await waitFor('FailingJob and both FlakyJobs in the dead-letter queue', async () => (await counts(stack.deadLetterQueueUrl!)).visible === 3)
  await page.goto(dashboard)
  await waitFor('the live dead-letter count', async () => (await cell('dlqVisible').textContent()) === '3')
  await shot('overview')
  await page.click('text=default-dead-letter')
  t.match(page.url(), /dead-letters\?queue=default-dead-letter/)
  t.equal(await page.locator('#dead-letters tbody tr').count(), 3)
  await shot('dead-letters')
  t.equal((await counts(stack.deadLetterQueueUrl!)).visible, 3, 'browsing consumed nothing')

  // Delete the FailingJob message: its page, "Delete…", then the confirmation.
  await page.click('#dead-letters tr:has-text("FailingJob") a')
  t.match(await page.locator('dl.fields').textContent(), /Job classFailingJob/)
  await page.click('#raw summary')
  t.match(await page.locator('#raw pre').textContent(), /"job_class": "FailingJob"/)
  await shot('message')
  await page.click('button:has-text("Delete")')
  t.match(await page.locator('.notice').textContent(), /cannot be undone/)
  t.equal((await counts(stack.deadLetterQueueUrl!)).visible, 3, 'nothing deleted before the confirmation')
  await page.click('#confirm-delete')
  t.match(await page.locator('.notice').textContent(), /Deleted message/)
  t.equal(await page.locator('#dead-letters tbody tr').count(), 2)

  // The bug is fixed: redrive one from its page, then the rest with "Redrive all" (progress page).
  flakyBroken = false
  await page.click('#dead-letters tr:has-text("FlakyJob") a >> nth=0')
  const firstArg = JSON.parse((await page.locator('#arguments').textContent())!)[0] as string
  await page.click('button:has-text("Redrive this message")')
  t.match(await page.locator('.notice').textContent(), /Moved message .* back to default/)
  await waitFor('the redriven message to run', () => ran.some((r) => r.job === 'FlakyJob' && r.arg === firstArg))
  await page.click('button:has-text("Redrive all")')
  t.match(page.url(), /\/tasks\/[0-9a-f-]{36}$/)
  await waitFor('the progress page to say done', async () => (await page.locator('#task-state').textContent()) === 'done')
  t.equal(await page.locator('#task-moved').textContent(), '1')
  t.match(await page.locator('#task-method').textContent(), /receive\/send\/delete/)
  t.match(await page.locator('#task-note').textContent(), /StartMessageMoveTask is not available here/)
  await shot('redrive')
  await waitFor('both FlakyJobs to run', () => ran.filter((r) => r.job === 'FlakyJob').length === 2)
  t.same(ran.filter((r) => r.job === 'FlakyJob').map((r) => r.arg).sort(), ['first', 'second'])
  t.equal((await counts(stack.deadLetterQueueUrl!)).visible, 0)
})

t.test('"run now" fires a cron task, and its last run shows', async (t) => {
  await page.goto(`${dashboard}cron`)
  t.match(await page.locator('#cron').textContent(), /At 00:00, on day 1 of the month, only in January \(UTC\)/)
  t.match(await page.locator('#cron tbody tr').textContent(), /not seen/)
  await page.click('#cron button:has-text("Run now")')
  t.match(await page.locator('.notice').textContent(), /Sent periodic task RecordingJob/)
  await waitFor('the periodic run', () => ran.some((r) => r.task === 'RecordingJob'))
  await page.goto(`${dashboard}cron`)
  t.match(await page.locator('#cron tbody tr').textContent(), /succeeded/)
  await shot('cron')
})

t.test('CSRF: a forged token, and a form on another site, are refused; nothing is sent', async (t) => {
  const before = ran.length
  await page.goto(`${dashboard}enqueue`)
  await page.selectOption('#job', 'RecordingJob')
  await page.fill('#args', '["forged"]')
  await page.evaluate("document.querySelector('#enqueue input[name=_csrf]').value = 'forged-token'")
  const forged = await Promise.all([page.waitForNavigation(), page.click('#enqueue button[type=submit]')])
  t.equal(forged[0]?.status(), 403)
  t.match(await page.locator('#error-message').textContent(), /CSRF token is missing or is not this browser's/)

  // Another origin (another port) whose page posts a form to the dashboard, as an attacker's page would.
  const evil = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(
      `<form method="post" action="${dashboard}enqueue"><input name="job" value="RecordingJob"><input name="args" value='["evil"]'></form><script>document.forms[0].submit()</script>`,
    )
  })
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.2', resolve))
  t.teardown(() => new Promise<void>((resolve) => evil.close(() => resolve())))
  const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/enqueue') && r.request().method() === 'POST'), page.goto(`http://127.0.0.2:${(evil.address() as AddressInfo).port}/`)])
  t.equal(response.status(), 403)
  t.match(await response.text(), /refused from other sites|CSRF/)
  await new Promise((r) => setTimeout(r, 1500))
  t.notOk(ran.slice(before).some((r) => r.arg === 'evil' || r.arg === 'forged'), 'nothing was enqueued')
})

t.test('basic auth: the browser is asked to sign in, and gets in with the credentials', async (t) => {
  const guarded = await startDashboard({ sqs, queues: { default: stack.queueUrl }, username: 'ops', password: 'correct horse' })
  t.teardown(() => guarded.app.close())
  // Headless Chromium cannot show the sign-in dialog: the 401 challenge ends the navigation with this error.
  const anonymous = await browser.newPage()
  t.teardown(() => anonymous.close())
  await t.rejects(anonymous.goto(`${guarded.base}/_jobs/`), /ERR_INVALID_AUTH_CREDENTIALS/)
  const signedIn = await browser.newContext({ httpCredentials: { username: 'ops', password: 'correct horse' } })
  t.teardown(() => signedIn.close())
  const ok = await (await signedIn.newPage()).goto(`${guarded.base}/_jobs/`)
  t.equal(ok?.status(), 200)
  const wrong = await browser.newContext({ httpCredentials: { username: 'ops', password: 'wrong' } })
  t.teardown(() => wrong.close())
  t.equal((await (await wrong.newPage()).goto(`${guarded.base}/_jobs/`))?.status(), 401, 'wrong credentials')
})

t.test('no script error and no CSP violation on any page', async (t) => {
  t.same(problems, [], problems.join('\n'))
})
