// fastify-aws/jobs as its users write it: a job class, its registration, performLater's arguments and result.
import Fastify from 'fastify'
import pino from 'pino'
import { describe, expect, test } from 'tstyche'
import { defaultRegistry, Job, JobRegistry, type DeliveryInfo, type EnqueuedJob, type JobClass, type JobContext, type JobLogger, type JobRun, type JobRunEvent, type PerformArgs, type RetryPolicy } from 'fastify-aws/jobs'

class ReportJob extends Job {
  static override readonly jobName = 'ReportJob'
  static override retry = { attempts: 5, backoff: { type: 'exponential' as const, delay: 10 } }
  async perform(period: string, options: { region: string }): Promise<void> {
    void period
    void options
  }
}

describe('Job', () => {
  test('perform arguments are what performLater takes', () => {
    expect<PerformArgs<typeof ReportJob>>().type.toBe<[period: string, options: { region: string }]>()
    expect(ReportJob.performLater('2024-01', { region: 'eu-west-1' })).type.toBe<Promise<EnqueuedJob>>()
    expect(ReportJob.performLater).type.not.toBeCallableWith(2024, { region: 'eu-west-1' })
    expect(ReportJob.performLater).type.not.toBeCallableWith('2024-01')
  })

  test('set() keeps the arguments and takes enqueue options', () => {
    expect(ReportJob.set({ wait: 60 }).performLater('2024-01', { region: 'x' })).type.toBe<Promise<EnqueuedJob>>()
    expect(ReportJob.set({ wait: 60 }).performLater).type.not.toBeCallableWith(1)
    expect(ReportJob.set).type.not.toBeCallableWith({ wait: '60' })
  })

  test('a job class is a JobClass; its context is typed', () => {
    expect(ReportJob).type.toBeAssignableTo<JobClass>()
    expect(new ReportJob().context).type.toBe<JobContext>()
    expect(new ReportJob().context.signal).type.toBe<AbortSignal>()
  })

  test('a retry policy is checked', () => {
    expect({ attempts: 3, backoff: { type: 'exponential' as const, delay: 1, maxDelay: 60 } }).type.toBeAssignableTo<RetryPolicy>()
    expect({ attempts: 3, backoff: (attempt: number) => attempt * 10 }).type.toBeAssignableTo<RetryPolicy>()
    expect({ attempts: 3, backoff: { type: 'linear' as const, delay: 1 } }).type.not.toBeAssignableTo<RetryPolicy>()
    expect({ attempts: '3' }).type.not.toBeAssignableTo<RetryPolicy>()
  })
})

describe('JobRegistry', () => {
  test('register takes job classes and chains', () => {
    expect(defaultRegistry).type.toBe<JobRegistry>()
    expect(new JobRegistry().register(ReportJob)).type.toBe<JobRegistry>()
    expect(new JobRegistry().register).type.not.toBeCallableWith(class NotAJob {})
    expect(new JobRegistry().resolve('ReportJob')).type.toBe<JobClass>()
  })
})

describe('JobLogger', () => {
  test("is what pino and Fastify's loggers already are", () => {
    expect(pino()).type.toBeAssignableTo<JobLogger>()
    expect(Fastify().log).type.toBeAssignableTo<JobLogger>()
  })

  test('trace and isLevelEnabled are optional; child, debug, info, warn and error are not', () => {
    const minimal = { child: () => minimal, debug() {}, info() {}, warn() {}, error() {} }
    expect(minimal).type.toBeAssignableTo<JobLogger>()
    expect({ debug() {}, info() {}, warn() {}, error() {} }).type.not.toBeAssignableTo<JobLogger>()
  })
})

describe('JobRunEvent', () => {
  test('the fastify-aws:job:run payload: the JobRun performJob returns and its delivery', () => {
    expect<JobRunEvent['run']>().type.toBe<JobRun>()
    expect<JobRunEvent['delivery']>().type.toBe<DeliveryInfo>()
    expect<JobRun['outcome']>().type.toBe<'succeeded' | 'retry' | 'failed' | 'discarded'>()
  })
})
