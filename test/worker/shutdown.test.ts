// Shutdown while jobs run: close waits for sync and async jobs, sqsd requests arriving meanwhile get 503, jobs see
// their AbortSignal after shutdownTimeout, and a job that ignores it keeps close waiting (documented below).
import t from 'tap'
import { setImmediate as tick } from 'node:timers/promises'
import { request } from 'undici'
import { captureLogs, deferred, envelope, splitRequest, SQSD_UA, startWorker, type RunningWorker } from './helpers.js'

/** Starts `app.close()` and resolves once Fastify has entered close (its routes refuse new work), with the close promise. */
async function beginClose(w: RunningWorker, preClose: Promise<void>) {
  let closed = false
  const closing = w.app.close().then(() => {
    closed = true
  })
  await preClose
  return { closing, isClosed: () => closed }
}

/** Waits (by turns of the event loop, no clock) until the server stopped listening. */
async function untilNotListening(w: RunningWorker) {
  while (w.app.server.listening) await tick()
}

for (const mode of ['sync', 'async'] as const) {
  t.test(`${mode}: close waits for running jobs; sqsd requests during close get 503; new connections are refused`, async (t) => {
    const preClose = deferred()
    const w = await startWorker(t, {
      noTeardown: true,
      worker: { async: mode === 'async', threads: 4 },
      routes: (app) => app.addHook('preClose', async () => preClose.resolve()),
    })
    t.teardown(() => (w.app.server.listening ? w.app.close() : undefined))
    const started = w.jobs.gate.nextStart()
    const first = w.sqsd(envelope('GateJob', [mode]))
    await started
    if (mode === 'async') t.equal((await first).text, 'Successfully queued job GateJob.', 'async: answered already')
    const late = splitRequest(w.port, JSON.stringify(envelope('HelloJob', ['late'])))
    await late.start()

    const { closing, isClosed } = await beginClose(w, preClose.promise)
    const refused = await late.finish()
    t.equal(refused.status, 503, 'a request on a busy keep-alive connection during close gets 503')
    t.equal(refused.headers.connection, 'close')
    // Fastify answers it before any route or hook runs (return503OnClosing, the default): its own JSON line.
    t.equal(refused.text, '{"error":"Service Unavailable","message":"Service Unavailable","statusCode":503}')
    await untilNotListening(w)
    const fresh = await request(`${w.url}/`, { method: 'POST', headers: { 'user-agent': SQSD_UA }, body: '{}' }).then(
      () => 'connected',
      (err: Error & { code?: string }) => err.code,
    )
    t.equal(fresh, 'ECONNREFUSED', 'a new connection is refused: sqsd retries the message later')

    t.equal(isClosed(), false, 'close is still waiting for the running job')
    t.equal(w.app.workerTier?.running, 1)
    t.equal(w.jobs.seen.length, 0)
    w.jobs.gate.openAll()
    if (mode === 'sync') {
      const a = await first
      t.equal(a.status, 200, 'the running sync job still gets its answer')
      t.equal(a.text, 'Successfully ran job GateJob.')
      t.equal(a.headers.connection, 'close', 'and its keep-alive connection is closed, so close need not wait for it')
    }
    await closing
    t.same(
      w.jobs.seen.map((s) => [s.job, s.args]),
      [['GateJob', [mode]]],
      'the job finished before close resolved; the late one never ran',
    )
    t.equal(w.jobs.seen[0]!.context.signalAborted, false, 'it finished inside shutdownTimeout, without an abort')
  })
}

t.test('with return503OnClosing: false the worker itself answers 503 in one text/plain line', async (t) => {
  const preClose = deferred()
  const w = await startWorker(t, {
    noTeardown: true,
    fastify: { return503OnClosing: false },
    worker: { threads: 2 },
    routes: (app) => app.addHook('preClose', async () => preClose.resolve()),
  })
  const started = w.jobs.gate.nextStart()
  const first = w.sqsd(envelope('GateJob'))
  await started
  const late = splitRequest(w.port, '', { 'X-Aws-Sqsd-Taskname': 'HeartbeatJob' })
  await late.start()
  const { closing } = await beginClose(w, preClose.promise)
  const refused = await late.finish()
  t.equal(refused.status, 503)
  t.match(refused.headers['content-type'], /^text\/plain/)
  t.equal(refused.text, 'Worker is shutting down; sqsd will retry the message.')
  w.jobs.gate.openAll()
  const done = await first
  t.equal(done.status, 200)
  t.equal(done.headers.connection, 'close')
  await closing
  t.same(w.jobs.seen.map((s) => s.job), ['GateJob'])
})

t.test('a cooperative job sees context.signal aborted after shutdownTimeout', async (t) => {
  const logs = captureLogs()
  const w = await startWorker(t, { logs, noTeardown: true, worker: { shutdownTimeout: 0.05 } })
  const started = w.jobs.gate.nextStart()
  const first = w.sqsd(envelope('CooperativeJob'), { 'x-aws-sqsd-msgid': 'coop-1' })
  const context = await started
  t.equal(context.signal.aborted, false, 'not aborted while the app runs')
  const closing = w.app.close()
  const a = await first
  t.equal(context.signal.aborted, true, 'aborted once shutdownTimeout passed')
  t.equal((context.signal.reason as Error).message, 'worker shutting down')
  t.equal((context.signal.reason as Error & { code?: string }).code, 'FASTIFY_AWS_JOB_ABORTED', 'a reason a job can tell apart by its code')
  t.equal(a.status, 500, 'an aborted sync job is not a success: sqsd keeps the message and retries it')
  t.equal(a.text, 'Failed to execute job CooperativeJob (FastifyError); see the log for job_id 5eca64c6-16c9-4f20-80a2-c9babb8cdcb3.')
  await closing
  const warn = await logs.waitFor((l) => l.msg === 'Shutdown timeout reached; aborting running jobs')
  t.equal(warn.level, 40)
  t.equal(warn.jobs, 1)
})

t.test('async: a cooperative job is aborted too, and its failure is logged as lost', async (t) => {
  const logs = captureLogs()
  const w = await startWorker(t, { logs, noTeardown: true, worker: { async: true, shutdownTimeout: 0 } })
  const started = w.jobs.gate.nextStart()
  t.equal((await w.sqsd(envelope('CooperativeJob'))).status, 200)
  const context = await started
  await w.app.close()
  t.equal(context.signal.aborted, true)
  const lost = await logs.waitFor((l) => l.level === 50 && l.job_class === 'CooperativeJob')
  t.match(lost.msg, /already answered 200/)
})

t.test('a job that ignores its AbortSignal past shutdownTimeout keeps close waiting until it ends', async (t) => {
  // What happens: at shutdownTimeout the signal is aborted and a warning is logged; the worker does not abandon the
  // job, so app.close() (and `npm start`'s exit on SIGTERM) waits for it to settle; whatever it returns is answered
  // normally. The bound on this is the process manager's kill (EB: SIGKILL after its stop timeout); a sync job's
  // message is then redelivered by sqsd, an async job's is already deleted.
  const logs = captureLogs()
  const w = await startWorker(t, { logs, noTeardown: true, worker: { shutdownTimeout: 0.01 } })
  const started = w.jobs.gate.nextStart()
  const first = w.sqsd(envelope('GateJob', ['stubborn']))
  const context = await started
  let closed = false
  const closing = w.app.close().then(() => {
    closed = true
  })
  await logs.waitFor((l) => l.msg === 'Shutdown timeout reached; aborting running jobs')
  // This job had not read its signal yet: a first read after the timeout gets an already aborted one.
  t.equal(context.signal.aborted, true, 'the signal was aborted')
  t.equal((context.signal.reason as Error).message, 'worker shutting down')
  t.equal((context.signal.reason as Error & { code?: string }).code, 'FASTIFY_AWS_JOB_ABORTED')
  await tick()
  t.equal(closed, false, 'close is still waiting')
  t.equal(w.app.workerTier?.running, 1, 'the job still holds its slot')
  w.jobs.gate.openAll()
  const a = await first
  t.equal(a.status, 200, 'it finished successfully after all, so sqsd may delete the message')
  await closing
  t.equal(w.jobs.seen[0]!.context.signalAborted, true, 'it saw the aborted signal when it finished')
})

t.test('an idle worker closes at once, and close is idempotent for jobs', async (t) => {
  const w = await startWorker(t, { noTeardown: true })
  t.equal((await w.sqsd(envelope('HelloJob'))).status, 200)
  await w.app.close()
  t.equal(w.app.workerTier?.running, 0)
  await w.app.workerTier!.drained()
  t.pass('drained resolves when nothing runs')
})
