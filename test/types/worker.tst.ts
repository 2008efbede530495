// fastify-aws/worker: the fastifyAwsWorker plugin's options, its decorator, and the request test for the LogController.
import Fastify, { LogController, type FastifyRequest } from 'fastify'
import { describe, expect, test } from 'tstyche'
import { fastifyAwsSqsdGuard, fastifyAwsWorker, isSqsdRequest, sqsdGuard, workerTier, type FastifyAwsWorkerOptions, type WorkerTierOptions, type WorkerTierState } from 'fastify-aws/worker'

const app = Fastify()

describe('fastifyAwsWorker', () => {
  test('registers with its options', () => {
    expect(app.register(fastifyAwsWorker, { enabled: true, threads: 8, path: '/', allowlist: ['HelloJob'] })).type.not.toRaiseError()
    expect(app.register(fastifyAwsWorker)).type.not.toRaiseError()
    expect(app.register(fastifyAwsWorker, { configLoad: { cwd: '/srv/app', env: process.env, nodeEnv: 'production' } })).type.not.toRaiseError()
    expect(app.register(fastifyAwsWorker, { configLoad: { cwd: 1 } })).type.toRaiseError()
  })

  test('options are checked', () => {
    expect<FastifyAwsWorkerOptions>().type.toHaveProperty('threads')
    expect(app.register(fastifyAwsWorker, { threads: '8' })).type.toRaiseError()
    expect(app.register(fastifyAwsWorker, { thread: 8 })).type.toRaiseError()
  })

  test('the instance gets its state, undefined when disabled', () => {
    expect(app.workerTier).type.toBe<WorkerTierState | undefined>()
  })

  test('the deprecated names are the same plugin and options', () => {
    expect(workerTier).type.toBe(fastifyAwsWorker)
    expect(sqsdGuard).type.toBe(fastifyAwsSqsdGuard)
    expect(app.register(fastifyAwsSqsdGuard, { dockerHosts: ['172.17.0.1'] })).type.not.toRaiseError()
    expect<WorkerTierOptions>().type.toBe<FastifyAwsWorkerOptions>()
  })
})

describe('isSqsdRequest', () => {
  test("fits Fastify's LogController", () => {
    expect(isSqsdRequest).type.toBeCallableWith({ headers: {} } as FastifyRequest)
    expect(new LogController({ disableRequestLogging: isSqsdRequest })).type.toBe<LogController>()
  })
})
