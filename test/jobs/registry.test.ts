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
