import t from 'tap'
import { Job, JobRegistry, defaultRegistry } from '../../src/jobs/index.js'

class ReportJob extends Job {
  static override readonly jobName = 'ReportJob'
  async perform(): Promise<void> {}
}
class AdminReportJob extends Job {
  static override readonly jobName = 'Admin::ReportJob'
  async perform(): Promise<void> {}
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return (err as { code?: string }).code
  }
  return undefined
}

t.test('register, get, has, resolve, names', async (t) => {
  const r = new JobRegistry()
  t.equal(r.register(ReportJob, AdminReportJob), r, 'chainable')
  t.equal(r.get('ReportJob'), ReportJob)
  t.equal(r.resolve('Admin::ReportJob'), AdminReportJob)
  t.ok(r.has('ReportJob'))
  t.notOk(r.has('reportjob'), 'names are case-sensitive')
  t.same(r.names(), ['ReportJob', 'Admin::ReportJob'])
  t.doesNotThrow(() => r.register(ReportJob), 'registering the same class again is harmless')
  t.same(r.names(), ['ReportJob', 'Admin::ReportJob'])
  t.not(defaultRegistry, r)
})

t.test('an explicit, Ruby-constant-shaped jobName is required', async (t) => {
  class NoName extends Job {
    async perform(): Promise<void> {}
  }
  const err = t.throws(() => new JobRegistry().register(NoName as never)) as Error & { code: string }
  t.equal(err.code, 'FASTIFY_AWS_JOB_DEFINITION')
  t.match(err.message, /NoName needs an explicit static jobName/)

  class Child extends ReportJob {}
  t.equal(codeOf(() => new JobRegistry().register(Child)), 'FASTIFY_AWS_JOB_DEFINITION', 'an inherited name is not explicit')

  for (const name of ['', 'report', 'Report Job', 'Report-Job', '::Report', 'Admin::', 'Admin::report', '1Job', 'Job.x', '__proto__', 'constructor']) {
    class Bad extends Job {
      static override readonly jobName = name
      async perform(): Promise<void> {}
    }
    const e = t.throws(() => new JobRegistry().register(Bad), name) as Error & { code: string }
    t.equal(e.code, 'FASTIFY_AWS_JOB_DEFINITION', name)
    t.match(e.message, JSON.stringify(name), `${name}: the message shows the name`)
  }
  for (const name of ['A', 'Job_1', 'A::B::C2']) {
    class Good extends Job {
      static override readonly jobName = name
      async perform(): Promise<void> {}
    }
    t.doesNotThrow(() => new JobRegistry().register(Good), name)
  }
})

t.test('a class without perform is refused', async (t) => {
  const NoPerform = class {
    static readonly jobName = 'NoPerformJob'
  }
  const err = t.throws(() => new JobRegistry().register(NoPerform as never)) as Error & { code: string }
  t.equal(err.code, 'FASTIFY_AWS_JOB_DEFINITION')
  t.match(err.message, /NoPerformJob has no perform\(\) method/)
})

t.test('a name taken by another class is an error', async (t) => {
  class Other extends Job {
    static override readonly jobName = 'ReportJob'
    async perform(): Promise<void> {}
  }
  const r = new JobRegistry().register(ReportJob)
  const err = t.throws(() => r.register(Other)) as Error & { code: string }
  t.equal(err.code, 'FASTIFY_AWS_JOB_DEFINITION')
  t.match(err.message, /ReportJob is already registered by another class/)
  t.equal(r.get('ReportJob'), ReportJob, 'the first registration stays')
})

t.test('prototype names and unregistered names are unknown', async (t) => {
  const r = new JobRegistry().register(ReportJob)
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'NotRegistered', '', 'reportjob']) {
    t.equal(r.get(name), undefined, `get ${name}`)
    t.equal(r.has(name), false, `has ${name}`)
    const err = t.throws(() => r.resolve(name), name) as Error & { code: string }
    t.equal(err.code, 'FASTIFY_AWS_UNKNOWN_JOB', name)
    t.match(err.message, `Unknown job ${JSON.stringify(name)}`)
  }
})

t.test('allowlist: only listed names resolve; get/has ignore it; undefined lifts it', async (t) => {
  const r = new JobRegistry().register(ReportJob, AdminReportJob).allow(['ReportJob', 'NeverRegistered'])
  t.equal(r.resolve('ReportJob'), ReportJob)
  t.equal(codeOf(() => r.resolve('Admin::ReportJob')), 'FASTIFY_AWS_UNKNOWN_JOB', 'registered but not allowlisted')
  t.equal(codeOf(() => r.resolve('NeverRegistered')), 'FASTIFY_AWS_UNKNOWN_JOB', 'allowlisted but not registered')
  t.equal(r.get('Admin::ReportJob'), AdminReportJob)
  t.ok(r.has('Admin::ReportJob'))
  r.allow(new Set(['Admin::ReportJob']))
  t.equal(r.resolve('Admin::ReportJob'), AdminReportJob, 'any iterable')
  t.equal(codeOf(() => r.resolve('ReportJob')), 'FASTIFY_AWS_UNKNOWN_JOB', 'replaced, not merged')
  r.allow([])
  t.equal(codeOf(() => r.resolve('ReportJob')), 'FASTIFY_AWS_UNKNOWN_JOB', 'an empty list allows nothing')
  r.allow(undefined)
  t.equal(r.resolve('ReportJob'), ReportJob)
  t.equal(r.resolve('Admin::ReportJob'), AdminReportJob)
})

t.test("a job's policy is checked when it is registered", async (t) => {
  const make = (statics: Record<string, unknown>) => {
    const C = class extends Job {
      static override readonly jobName = 'PolicyJob'
      async perform(): Promise<void> {}
    }
    Object.assign(C, statics)
    return C
  }
  class NotAnError {}
  const good: Record<string, unknown>[] = [
    {},
    { retry: { attempts: 1 } },
    { retry: { attempts: 5, backoff: { type: 'exponential', delay: 2, jitter: 0.5, maxDelay: 600 }, on: [TypeError, 'ECONNRESET'] } },
    { retry: { attempts: 2, backoff: () => 5 } },
    { discardOn: [RangeError, 'Gone'] },
    { priority: 10, queueName: 'reports' },
    { discardOn: [NotAnError] },
  ]
  for (const statics of good) t.doesNotThrow(() => new JobRegistry().register(make(statics)), JSON.stringify(statics))
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ retry: { attempts: 0 } }, /retry\.attempts must be a whole number >= 1 \(runs in all, the first included\) \(got 0\)/],
    [{ retry: { attempts: 2.5 } }, /retry\.attempts/],
    [{ retry: 3 }, /static retry must be \{ attempts, backoff\?, on\? \} \(got 3\)/],
    [{ retry: { attempts: 2, backoff: { type: 'linear', delay: 1 } } }, /retry\.backoff must be a function or/],
    [{ retry: { attempts: 2, backoff: { type: 'fixed', delay: -1 } } }, /retry\.backoff\.delay must be seconds >= 0 \(got -1\)/],
    [{ retry: { attempts: 2, backoff: { type: 'fixed', delay: 1, jitter: 2 } } }, /jitter must be from 0 to 1 \(got 2\)/],
    [{ retry: { attempts: 2, backoff: { type: 'fixed', delay: 1, maxDelay: Number.NaN } } }, /maxDelay must be seconds >= 0/],
    [{ retry: { attempts: 2, on: TypeError } }, /retry\.on must be an array/],
    [{ retry: { attempts: 2, on: [() => true] } }, /retry\.on entries must be error classes or non-empty name\/code strings \(got function/],
    [{ discardOn: ['ok', ''] }, /discardOn entries must be/],
    [{ discardOn: [42] }, /discardOn entries .* \(got 42\)/],
    [{ queueName: '' }, /static queueName must be a non-empty string/],
    [{ priority: Number.NaN }, /static priority must be a whole number or null/],
    [{ priority: 1.5 }, /static priority must be a whole number or null .*\(got 1\.5\)/],
  ]
  for (const [statics, re] of bad) {
    const err = t.throws(() => new JobRegistry().register(make(statics)), String(re)) as Error & { code: string }
    t.equal(err?.code, 'FASTIFY_AWS_JOB_DEFINITION')
    t.match(err?.message, /^Job PolicyJob: /)
    t.match(err?.message, re)
  }
})
