// The allowlist and "can never run": one decision in jobs that the worker, the poller and the Lambda handler share.
import t from 'tap'
import { MalformedMessageError, toError, UnknownJobError, UnsupportedArgumentError } from '../../src/errors.js'
import {
  Job,
  JobRegistry,
  isJobAllowed,
  isPermanentFailure,
  permanentFailureKind,
  prepareJob,
  resolveJob,
  runJob,
  toJobAllowlist,
} from '../../src/jobs/index.js'

class ReportJob extends Job {
  static override readonly jobName = 'ReportJob'
  async perform(): Promise<string> {
    return 'report'
  }
}
class CleanupJob extends Job {
  static override readonly jobName = 'CleanupJob'
  async perform(): Promise<void> {}
}

/** The `code` of what `fn` throws (undefined when it returns). */
const thrownCode = (fn: () => unknown): unknown => {
  try {
    return void fn()
  } catch (err) {
    return (err as { code?: unknown }).code
  }
}

t.test('no list allows every name; a list allows exactly its names, an empty one none', async (t) => {
  t.equal(toJobAllowlist(undefined), undefined)
  t.ok(isJobAllowed(undefined, 'AnyJob'))
  const list = toJobAllowlist(['ReportJob'])
  t.ok(isJobAllowed(list, 'ReportJob'))
  t.notOk(isJobAllowed(list, 'CleanupJob'))
  t.notOk(isJobAllowed(list, 'reportjob'), 'names are case-sensitive')
  t.notOk(isJobAllowed(toJobAllowlist([]), 'ReportJob'))
})

t.test('resolveJob: registered and allowed, else UnknownJobError; the registry is left as it is', async (t) => {
  const registry = new JobRegistry().register(ReportJob, CleanupJob)
  const allowlist = toJobAllowlist(['ReportJob', 'NeverRegistered'])
  t.equal(resolveJob(registry, 'ReportJob', allowlist), ReportJob)
  t.equal(thrownCode(() => resolveJob(registry, 'CleanupJob', allowlist)), 'FASTIFY_AWS_UNKNOWN_JOB', 'registered but not allowed')
  t.equal(thrownCode(() => resolveJob(registry, 'NeverRegistered', allowlist)), 'FASTIFY_AWS_UNKNOWN_JOB', 'allowed but not registered')
  t.equal(thrownCode(() => resolveJob(registry, '__proto__', undefined)), 'FASTIFY_AWS_UNKNOWN_JOB')
  t.equal(resolveJob(registry, 'CleanupJob', undefined), CleanupJob, 'another part without an allowlist still runs it')
  t.equal(registry.resolve('CleanupJob'), CleanupJob, 'the registry was not narrowed')
  // The registry's own allow() still narrows it for every transport.
  registry.allow(['CleanupJob'])
  t.equal(thrownCode(() => resolveJob(registry, 'ReportJob', undefined)), 'FASTIFY_AWS_UNKNOWN_JOB')
})

t.test('prepareJob and runJob apply the allowlist before reading the arguments', async (t) => {
  const registry = new JobRegistry().register(ReportJob, CleanupJob)
  const allowlist = toJobAllowlist(['ReportJob'])
  const body = (job: string, args: unknown[] = []) => JSON.stringify({ job_class: job, arguments: args })
  t.equal(prepareJob(body('ReportJob'), registry, allowlist).job, ReportJob)
  t.equal(thrownCode(() => prepareJob(body('CleanupJob'), registry, allowlist)), 'FASTIFY_AWS_UNKNOWN_JOB')
  const globalId = [{ _aj_globalid: 'gid://app/User/1' }]
  t.equal(thrownCode(() => prepareJob(body('CleanupJob', globalId), registry, allowlist)), 'FASTIFY_AWS_UNKNOWN_JOB', 'not allowed wins over a bad argument')
  t.equal(thrownCode(() => prepareJob(body('ReportJob', globalId), registry, allowlist)), 'FASTIFY_AWS_UNSUPPORTED_ARGUMENT')
  const run = await runJob(body('ReportJob'), { registry, allowlist, delivery: { transport: 'inline' } })
  t.equal(run.result, 'report')
  await t.rejects(runJob(body('CleanupJob'), { registry, allowlist, delivery: { transport: 'inline' } }), { code: 'FASTIFY_AWS_UNKNOWN_JOB' })
})

t.test('can never run: malformed, unknown or not allowed, unsupported argument; nothing else', async (t) => {
  t.equal(permanentFailureKind(new MalformedMessageError('x')), 'malformed')
  t.equal(permanentFailureKind(new UnknownJobError('"X"')), 'unknown-job')
  t.equal(permanentFailureKind(new UnsupportedArgumentError('x')), 'unsupported-argument')
  const registry = new JobRegistry().register(ReportJob)
  const thrown = (message: string): unknown => {
    try {
      prepareJob(message, registry, toJobAllowlist([]))
    } catch (err) {
      return err
    }
    return undefined
  }
  t.equal(permanentFailureKind(thrown('not json')), 'malformed')
  t.equal(permanentFailureKind(thrown('{"job_class":"ReportJob","arguments":[]}')), 'unknown-job', 'not allowed is unknown')
  for (const other of [new Error('boom'), new TypeError('x'), Object.assign(new Error('x'), { code: 'ECONNRESET' }), 'text', null, undefined, 42]) {
    t.notOk(isPermanentFailure(other), `not permanent: ${String(other)}`)
  }
  t.ok(isPermanentFailure(new UnknownJobError('"X"')))
})

t.test('toError: an Error as it is, anything else as an Error with its text', async (t) => {
  const e = new RangeError('r')
  t.equal(toError(e), e)
  t.match(toError('text'), { message: 'text' })
  t.type(toError('text'), Error)
  t.match(toError(undefined), { message: 'undefined' })
  t.match(toError({ toString: () => 'custom' }), { message: 'custom' })
})
