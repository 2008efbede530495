// fastify-aws/worker: the workerTier plugin's options, its decorator, and the request test for the LogController.
import Fastify, { LogController, type FastifyRequest } from 'fastify'
import { describe, expect, test } from 'tstyche'
import { isSqsdRequest, workerTier, type WorkerTierOptions, type WorkerTierState } from 'fastify-aws/worker'

const app = Fastify()

describe('workerTier', () => {
  test('registers with its options', () => {
    expect(app.register(workerTier, { enabled: true, threads: 8, path: '/', allowlist: ['HelloJob'] })).type.not.toRaiseError()
    expect(app.register(workerTier)).type.not.toRaiseError()
  })

  test('options are checked', () => {
    expect<WorkerTierOptions>().type.toHaveProperty('threads')
    expect(app.register(workerTier, { threads: '8' })).type.toRaiseError()
    expect(app.register(workerTier, { thread: 8 })).type.toRaiseError()
  })

  test('the instance gets its state, undefined when disabled', () => {
    expect(app.workerTier).type.toBe<WorkerTierState | undefined>()
  })
})

describe('isSqsdRequest', () => {
  test("fits Fastify's LogController", () => {
    expect(isSqsdRequest).type.toBeCallableWith({ headers: {} } as FastifyRequest)
    expect(new LogController({ disableRequestLogging: isSqsdRequest })).type.toBe<LogController>()
  })
})
