// Async mode (AWS_PROCESS_BEANSTALK_WORKER_JOBS_ASYNC): 200 once accepted, 429 when full, failures after the 200 logged.
import t from 'tap'
import { captureLogs, envelope, startWorker } from './helpers.js'

t.test('200 "Successfully queued job X." before the job finishes', async (t) => {
  const w = await startWorker(t, { worker: { async: true, threads: 2 } })
  const started = w.jobs.gate.nextStart()
  const a = await w.sqsd(envelope('GateJob', ['later']))
  t.equal(a.status, 200)
  t.equal(a.text, 'Successfully queued job GateJob.')
  t.match(a.type, /^text\/plain/)
  await started
  t.equal(w.jobs.seen.length, 0, 'answered while the job still waits')
  t.equal(w.app.workerTier?.running, 1)

  const p = await w.sqsd('', { 'x-aws-sqsd-taskname': 'HeartbeatJob' })
  t.equal(p.text, 'Successfully queued periodic task HeartbeatJob.')

  w.jobs.gate.openAll()
  await w.app.workerTier!.drained()
  t.same(w.jobs.seen.map((s) => s.job).sort(), ['GateJob', 'HeartbeatJob'])
  t.same(w.jobs.seen.find((s) => s.job === 'GateJob')!.args, ['later'])
})

t.test('ENV turns async on', async (t) => {
  const w = await startWorker(t, { worker: { configLoad: { env: { AWS_PROCESS_BEANSTALK_WORKER_JOBS_ASYNC: 'true' } } } })
  const a = await w.sqsd(envelope('HelloJob'))
  t.equal(a.text, 'Successfully queued job HelloJob.')
  await w.app.workerTier!.drained()
  t.equal(w.jobs.seen.length, 1)
})

t.test('429 when every slot is taken, for jobs and periodic tasks; bad messages are still refused at once', async (t) => {
  const w = await startWorker(t, { worker: { async: true, threads: 2 } })
  const starts = [w.jobs.gate.nextStart(), w.jobs.gate.nextStart()]
  t.equal((await w.sqsd(envelope('GateJob'))).status, 200)
  t.equal((await w.sqsd(envelope('GateJob'))).status, 200)
  await Promise.all(starts)
  const full = await w.sqsd(envelope('HelloJob'))
  t.equal(full.status, 429)
  t.equal(full.text, 'No capacity to execute job.')
  const task = await w.sqsd('', { 'x-aws-sqsd-taskname': 'HeartbeatJob' })
  t.equal(task.status, 429)
  t.equal(task.text, 'No capacity to execute periodic task.')
  t.equal((await w.sqsd('nope')).status, 400, 'malformed: 400, not 429')
  t.equal((await w.sqsd(envelope('NoSuchJob'))).status, 500, 'unknown: 500 before queueing (unlike aws-sdk-rails 5.1)')
  w.jobs.gate.openAll()
  await w.app.workerTier!.drained()
  t.equal((await w.sqsd(envelope('HelloJob'))).status, 200, 'room again')
  await w.app.workerTier!.drained()
  t.equal(w.jobs.seen.length, 3)
})

t.test('a job that fails after the 200 is logged as an error: its message is gone', async (t) => {
  const logs = captureLogs()
  const w = await startWorker(t, { logs, worker: { async: true } })
  const a = await w.sqsd(envelope('FailJob'), { 'x-aws-sqsd-msgid': 'msg-fail-1' })
  t.equal(a.status, 200)
  t.equal(a.text, 'Successfully queued job FailJob.')
  await w.app.workerTier!.drained()
  const run = await logs.waitFor((l) => l.job_class === 'FailJob' && typeof l.outcome === 'string')
  t.match(run, { job_id: '5eca64c6-16c9-4f20-80a2-c9babb8cdcb3', queue_name: 'default', err: { message: 'boom from FailJob', type: 'TypeError' } })
  const lost = await logs.waitFor((l) => l.level === 50 && l.job_class === 'FailJob')
  t.match(lost.msg, /already answered 200/, lost.msg as string)
  t.match(lost, { job_id: '5eca64c6-16c9-4f20-80a2-c9babb8cdcb3', outcome: 'failed', err: { message: 'boom from FailJob' } })
  t.ok(lost.reqId, 'logged with the request id')

  // A discarded job after the 200 is what the policy asked for: info, not an error.
  t.equal((await w.sqsd(envelope('DiscardJob'))).status, 200)
  await w.app.workerTier!.drained()
  await logs.waitFor((l) => l.job_class === 'DiscardJob' && l.outcome === 'discarded')
  t.equal(logs.lines.filter((l) => l.level === 50 && l.job_class === 'DiscardJob').length, 0)
})

t.test('a retry policy that throws (a buggy backoff function) is contained in both modes', async (t) => {
  const logs = captureLogs()
  const w = await startWorker(t, { logs, worker: { async: true, threads: 1 } })
  t.equal((await w.sqsd(envelope('BadPolicyJob'))).status, 200)
  await w.app.workerTier!.drained()
  const line = await logs.waitFor((l) => l.level === 50 && l.job_class === 'BadPolicyJob')
  t.match(line, { err: { message: 'backoff function is broken' } })
  t.equal(w.app.workerTier?.running, 0, 'the slot is given back')
  t.equal((await w.sqsd(envelope('HelloJob'))).status, 200, 'still serving')

  const sync = await startWorker(t, { worker: { threads: 1 } })
  const a = await sync.sqsd(envelope('BadPolicyJob'))
  t.equal(a.status, 500)
  t.match(a.text, /^Failed to execute job BadPolicyJob \(Error\); see the log/, 'a failure: sqsd keeps the message')
  t.equal(sync.app.workerTier?.running, 0)
  t.equal((await sync.sqsd(envelope('HelloJob'))).status, 200)
})
