// The publishing middleware on its own: the edge cases a real emulator does not produce (older generated
// commands without a smithy context, a handler that throws synchronously, a client without a serviceId).
import t from 'tap'
import diagnosticsChannel from 'node:diagnostics_channel'
import { awsSdkOperationTracingChannel, instrumentClient, type AwsSdkOperationEvent } from '../../src/aws/index.js'
import { createInstrumentationMiddleware, type SdkHandler, type SdkInitializeMiddleware } from '../../src/aws/instrumentation-middleware.js'

function listen(name: string) {
  const events: AwsSdkOperationEvent[] = []
  const phases: string[] = []
  const fn = (m: unknown) => events.push(m as AwsSdkOperationEvent)
  const on = (phase: string) => () => void phases.push(phase)
  const subs = { start: on('start'), end: on('end'), asyncStart: on('asyncStart'), asyncEnd: on('asyncEnd'), error: on('error') }
  diagnosticsChannel.subscribe(name, fn)
  awsSdkOperationTracingChannel.subscribe(subs)
  return {
    events,
    phases,
    stop() {
      diagnosticsChannel.unsubscribe(name, fn)
      awsSdkOperationTracingChannel.unsubscribe(subs)
    },
  }
}

t.test('a command without a smithy context is named from its class; the client name falls back to the service', async (t) => {
  const rec = listen('ListThings.Legacy.aws')
  t.teardown(() => rec.stop())
  const next: SdkHandler = async () => ({ output: { $metadata: { requestId: 'r-1', httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 } } })
  await createInstrumentationMiddleware('Legacy', false)(next, { commandName: 'ListThingsCommand' })({ input: { a: 1 } })
  t.match(rec.events, [
    { name: 'ListThings.Legacy.aws', operation: 'ListThings', commandName: 'ListThingsCommand', clientName: 'LegacyClient', requestId: 'r-1', input: { a: 1 } },
  ])
})

t.test('a handler that throws synchronously still ends with error, asyncStart and asyncEnd', async (t) => {
  const rec = listen('Boom.Svc.aws')
  t.teardown(() => rec.stop())
  const boom = new Error('sync boom')
  const next: SdkHandler = () => {
    throw boom
  }
  const handler = createInstrumentationMiddleware('Svc', false)(next, { commandName: 'BoomCommand', __smithy_context: { operation: 'Boom' } })
  await t.rejects(handler({ input: {} }), boom, 'the caller gets the same error, as a rejection')
  t.same(rec.phases, ['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
  t.equal(rec.events[0]?.error, boom)
  t.type(rec.events[0]?.duration, 'number')
  t.equal(rec.events[0]?.attempts, undefined, 'no $metadata, nothing made up')
})

t.test('a thrown non-object is passed through untouched', async (t) => {
  const rec = listen('Odd.Svc.aws')
  t.teardown(() => rec.stop())
  const next: SdkHandler = () => Promise.reject('plain string')
  const handler = createInstrumentationMiddleware('Svc', false)(next, { commandName: 'OddCommand' })
  await t.rejects(handler({ input: {} }))
  t.equal(rec.events[0]?.error, 'plain string')
  t.equal(rec.events[0]?.requestId, undefined)
})

t.test('a client without serviceId publishes under its class name minus "Client"', async (t) => {
  let added: SdkInitializeMiddleware | undefined
  class WidgetClient {
    config = {}
    middlewareStack = {
      add(mw: SdkInitializeMiddleware) {
        added = mw
      },
    }
  }
  instrumentClient(new WidgetClient())
  const rec = listen('Spin.Widget.aws')
  t.teardown(() => rec.stop())
  await added!(async () => ({ output: {} }), { commandName: 'SpinCommand' })({ input: {} })
  t.equal(rec.events.length, 1)
  t.equal(rec.events[0]?.serviceId, 'Widget')
})

t.test('instrumentClient names what it was given when that is not a client', async (t) => {
  t.throws(() => instrumentClient(function notAClient() {}), { message: /given the function notAClient, which is not an AWS SDK v3 client/ })
  t.throws(() => instrumentClient(Object.create(null) as object), { message: /given an object of class Object/ })
})
