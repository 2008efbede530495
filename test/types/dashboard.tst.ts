// fastify-aws/dashboard: the fastifyAwsDashboard plugin's options (the auth hook in both Fastify forms), its decorator,
// and the RunRecorder a bench or an app may start on its own.
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import { describe, expect, test } from 'tstyche'
import {
  fastifyAwsDashboard,
  loadDashboardSettings,
  RunRecorder,
  type DashboardAuthHook,
  type JobClassStats,
  type FastifyAwsDashboardOptions,
  type JobsDashboardState,
  type RecordedRun,
} from 'fastify-aws/dashboard'

const app = Fastify()

describe('fastifyAwsDashboard', () => {
  test('registers with its options, or none', () => {
    expect(app.register(fastifyAwsDashboard)).type.not.toRaiseError()
    expect(app.register(fastifyAwsDashboard, { prefix: '/ops/jobs', readOnly: true, username: 'ops', password: 'pw', runs: 1000 })).type.not.toRaiseError()
    expect(app.register(fastifyAwsDashboard, { queues: { reports: 'http://127.0.0.1:9324/000000000000/reports' }, cronFile: false })).type.not.toRaiseError()
  })

  test('options are checked', () => {
    expect<FastifyAwsDashboardOptions>().type.toHaveProperty('enqueueAllowlist')
    expect(app.register(fastifyAwsDashboard, { runs: '500' })).type.toRaiseError()
    expect(app.register(fastifyAwsDashboard, { readonly: true })).type.toRaiseError()
  })

  test('the auth hook takes the async form and the callback form', () => {
    expect(app.register(fastifyAwsDashboard, { auth: async (request: FastifyRequest, reply: FastifyReply) => { if (!request.headers.authorization) return reply.code(401).send() } })).type.not.toRaiseError()
    expect(app.register(fastifyAwsDashboard, { auth: async (request) => { if (request.ip !== '10.0.0.1') throw new Error('no') } })).type.not.toRaiseError()
    expect(app.register(fastifyAwsDashboard, { auth: (_request, _reply, done) => done() })).type.not.toRaiseError()
    expect((request: string) => request).type.not.toBeAssignableTo<DashboardAuthHook>()
  })

  test('the instance gets its state', () => {
    expect(app.jobsDashboard).type.toBe<JobsDashboardState>()
    expect(app.jobsDashboard.recorder).type.toBe<RunRecorder>()
  })
})

describe('RunRecorder', () => {
  test('keeps runs and per-class stats', () => {
    const recorder = new RunRecorder(100).start()
    expect(recorder.runs({ outcome: 'failed' })).type.toBe<RecordedRun[]>()
    expect(recorder.stats()).type.toBe<JobClassStats[]>()
    expect(recorder.runs({ outcome: 'exploded' })).type.toRaiseError()
  })
})

describe('loadDashboardSettings', () => {
  test('snake_case keys, as in YAML', () => {
    expect(loadDashboardSettings({ read_only: true }).read_only).type.toBe<boolean>()
    expect(loadDashboardSettings({ readOnly: true })).type.toRaiseError()
  })
})
