// Every SDK operation on diagnostics channels, against fauxqs (SQS) and dynalite (DynamoDB) over real sockets.
import t from 'tap'
import diagnosticsChannel from 'node:diagnostics_channel'
import { AsyncLocalStorage } from 'node:async_hooks'
import { SQSClient, CreateQueueCommand, SendMessageCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs'
import { DynamoDBClient, CreateTableCommand, PutItemCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import { startSqs, startDynalite, freePort, testAws } from '../helpers/emulators.js'
import {
  instrumentSdkOperations,
  instrumentClient,
  isSdkInstrumented,
  awsSdkOperationTracingChannel,
  AWS_SDK_OPERATION_TRACING_CHANNEL,
  INSTRUMENTATION_MIDDLEWARE_NAME,
  type AwsSdkOperationEvent,
} from '../../src/aws/index.js'
import { createInstrumentationMiddleware } from '../../src/aws/instrumentation-middleware.js'

type Phase = 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error'

/** Records every TracingChannel event, and the per-operation channels named in `names`. */
function record(names: string[] = []) {
  const tracing: Array<[Phase, AwsSdkOperationEvent]> = []
  const byName: Array<[string, AwsSdkOperationEvent]> = []
  const on = (phase: Phase) => (message: unknown) => tracing.push([phase, message as AwsSdkOperationEvent])
  const subscribers = {
    start: on('start'),
    end: on('end'),
    asyncStart: on('asyncStart'),
    asyncEnd: on('asyncEnd'),
    error: on('error'),
  }
  awsSdkOperationTracingChannel.subscribe(subscribers)
  const perName = names.map((name) => {
    const fn = (message: unknown) => byName.push([name, message as AwsSdkOperationEvent])
    diagnosticsChannel.subscribe(name, fn)
    return () => diagnosticsChannel.unsubscribe(name, fn)
  })
  return {
    tracing,
    byName,
    phases: () => tracing.map(([p]) => p),
    stop() {
      awsSdkOperationTracingChannel.unsubscribe(subscribers)
      for (const off of perName) off()
    },
  }
}

const sqsServer = await startSqs()
const ddbServer = await startDynalite()
t.teardown(() => sqsServer.close())
t.teardown(() => ddbServer.close())

// Created before instrumentSdkOperations(): it must be covered too (the base class's send is wrapped).
const earlySqs = new SQSClient({ ...testAws, endpoint: sqsServer.endpoint })
t.teardown(() => earlySqs.destroy())
// A client caching resolved handlers, used once before instrumentation: its cache must not hide the middleware.
const cachingSqs = new SQSClient({ ...testAws, endpoint: sqsServer.endpoint, cacheMiddleware: true })
t.teardown(() => cachingSqs.destroy())
await cachingSqs.send(new CreateQueueCommand({ QueueName: 'cached' }))

const patchedBefore = isSdkInstrumented(SQSClient)
const status = instrumentSdkOperations()
// All setup is awaited before the first assertion: tap ends the root test (and tears down) once its queue drains.
const sqs = new SQSClient({ ...testAws, endpoint: sqsServer.endpoint })
t.teardown(() => sqs.destroy())
const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'instrumented' }))

t.test('instrumentSdkOperations reports what it patched, and a second call is harmless', async (t) => {
  t.equal(AWS_SDK_OPERATION_TRACING_CHANNEL, 'aws-sdk:operation')
  t.notOk(patchedBefore, 'nothing is patched before the call')
  t.ok(status.bases.length >= 1)
  t.ok(status.bases.every((b) => b.state === 'patched'))
  t.match(status.bases[0]?.source ?? '', /@smithy[/\\]core/)
  const again = instrumentSdkOperations({ clients: [SQSClient, DynamoDBClient] })
  t.same(
    again.bases.map((b) => b.state),
    again.bases.map(() => 'already-patched'),
  )
  t.ok(isSdkInstrumented(SQSClient))
  t.ok(isSdkInstrumented(earlySqs))
  t.notOk(isSdkInstrumented({}))
})

t.test('SQS success: per-operation channel and TracingChannel carry one stable payload', async (t) => {
  const rec = record(['SendMessage.SQS.aws', 'CreateQueue.SQS.aws'])
  t.teardown(() => rec.stop())
  const input = { QueueUrl: queueUrl, MessageBody: 'hello' }
  const out = await sqs.send(new SendMessageCommand(input))

  t.same(rec.phases(), ['start', 'end', 'asyncStart', 'asyncEnd'])
  const event = rec.tracing[0]![1]
  t.ok(rec.tracing.every(([, e]) => e === event), 'the same object through every event')
  t.same(rec.byName.map(([n]) => n), ['SendMessage.SQS.aws'])
  t.equal(rec.byName[0]![1], event)
  t.match(event, {
    name: 'SendMessage.SQS.aws',
    serviceId: 'SQS',
    operation: 'SendMessage',
    clientName: 'SQSClient',
    commandName: 'SendMessageCommand',
    requestId: out.$metadata.requestId,
    httpStatusCode: 200,
    attempts: 1,
    totalRetryDelay: 0,
    error: undefined,
  })
  t.equal(event.input, input, 'the input as given')
  t.equal(event.output, out, 'the output the caller received')
  t.equal(event.result, out)
  t.type(event.requestId, 'string')
  t.type(event.duration, 'number')
  t.ok(event.duration! >= 0)
  t.type(event.startedAt, 'number')
})

t.test('fields a finished operation knows are unset at start and end', async (t) => {
  const seen: Array<{ phase: string; duration: unknown; output: unknown }> = []
  const snap = (phase: string) => (m: unknown) => {
    const e = m as AwsSdkOperationEvent
    seen.push({ phase, duration: e.duration, output: e.output })
  }
  const subs = { start: snap('start'), end: snap('end'), asyncStart: snap('asyncStart'), asyncEnd: snap('asyncEnd'), error: snap('error') }
  awsSdkOperationTracingChannel.subscribe(subs)
  t.teardown(() => awsSdkOperationTracingChannel.unsubscribe(subs))
  await sqs.send(new GetQueueUrlCommand({ QueueName: 'instrumented' }))
  t.same(seen.slice(0, 2), [
    { phase: 'start', duration: undefined, output: undefined },
    { phase: 'end', duration: undefined, output: undefined },
  ])
  t.ok(seen.slice(2).every((s) => typeof s.duration === 'number' && s.output !== undefined))
})

t.test('SQS service error: QueueDoesNotExist with its request id', async (t) => {
  const rec = record(['GetQueueUrl.SQS.aws'])
  t.teardown(() => rec.stop())
  const err = await sqs.send(new GetQueueUrlCommand({ QueueName: 'missing' })).catch((e: unknown) => e)
  t.match(err, { name: 'QueueDoesNotExist' })

  t.same(rec.phases(), ['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
  const event = rec.byName[0]![1]
  t.equal(rec.tracing[2]![1], event)
  t.equal(event.error, err, 'the error the caller received')
  t.match(event, {
    name: 'GetQueueUrl.SQS.aws',
    operation: 'GetQueueUrl',
    serviceId: 'SQS',
    httpStatusCode: 400,
    attempts: 1,
    output: undefined,
  })
  t.type(event.requestId, 'string')
  t.equal(event.requestId, (err as { $metadata: { requestId: string } }).$metadata.requestId)
})

t.test('network error: closed port, every retry counted, no request id', async (t) => {
  const port = await freePort()
  const dead = new SQSClient({ ...testAws, endpoint: `http://127.0.0.1:${port}`, maxAttempts: 2 })
  t.teardown(() => dead.destroy())
  const rec = record(['ListQueues.SQS.aws'])
  t.teardown(() => rec.stop())
  const err = await dead.send(new (await import('@aws-sdk/client-sqs')).ListQueuesCommand({})).catch((e: unknown) => e)
  t.match(err, { code: 'ECONNREFUSED' })
  t.same(rec.phases(), ['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
  const event = rec.byName[0]![1]
  t.equal(event.error, err)
  t.match(event, { operation: 'ListQueues', serviceId: 'SQS', attempts: 2, requestId: undefined, httpStatusCode: undefined })
  t.type(event.duration, 'number')
})

t.test('DynamoDB success and ResourceNotFoundException', async (t) => {
  const ddb = new DynamoDBClient({ ...testAws, endpoint: ddbServer.endpoint })
  t.teardown(() => ddb.destroy())
  await ddb.send(
    new CreateTableCommand({
      TableName: 'items',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  const rec = record(['PutItem.DynamoDB.aws', 'DescribeTable.DynamoDB.aws'])
  t.teardown(() => rec.stop())
  await ddb.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' } } }))
  const err = await ddb.send(new DescribeTableCommand({ TableName: 'missing' })).catch((e: unknown) => e)
  t.match(err, { name: 'ResourceNotFoundException' })

  t.same(rec.byName.map(([n]) => n), ['PutItem.DynamoDB.aws', 'DescribeTable.DynamoDB.aws'])
  const [put, describe] = rec.byName.map(([, e]) => e)
  t.match(put, { serviceId: 'DynamoDB', operation: 'PutItem', clientName: 'DynamoDBClient', httpStatusCode: 200, attempts: 1, error: undefined })
  t.type(put!.requestId, 'string')
  t.match(describe, { serviceId: 'DynamoDB', operation: 'DescribeTable', httpStatusCode: 400, output: undefined })
  t.equal(describe!.error, err)
  t.type(describe!.requestId, 'string')
  t.same(rec.phases(), ['start', 'end', 'asyncStart', 'asyncEnd', 'start', 'end', 'error', 'asyncStart', 'asyncEnd'])
})

t.test('a client created before instrumentSdkOperations() publishes too', async (t) => {
  const rec = record(['GetQueueUrl.SQS.aws'])
  t.teardown(() => rec.stop())
  await earlySqs.send(new GetQueueUrlCommand({ QueueName: 'instrumented' }))
  t.equal(rec.byName.length, 1)
  t.ok(earlySqs.middlewareStack.identify().some((m) => m.startsWith(INSTRUMENTATION_MIDDLEWARE_NAME)))
})

t.test('a handler-caching client used before instrumentation publishes too', async (t) => {
  const rec = record(['CreateQueue.SQS.aws'])
  t.teardown(() => rec.stop())
  await cachingSqs.send(new CreateQueueCommand({ QueueName: 'cached' }))
  t.equal(rec.byName.length, 1)
  // and the per-call check keeps working once subscribers leave and come back
  rec.stop()
  await cachingSqs.send(new CreateQueueCommand({ QueueName: 'cached' }))
  const again = record(['CreateQueue.SQS.aws'])
  t.teardown(() => again.stop())
  await cachingSqs.send(new CreateQueueCommand({ QueueName: 'cached' }))
  t.equal(again.byName.length, 1)
  t.equal(rec.byName.length, 1)
})

t.test('the middleware is added once per client, however often it is asked', async (t) => {
  const client = instrumentClient(new SQSClient({ ...testAws, endpoint: sqsServer.endpoint }))
  t.teardown(() => client.destroy())
  instrumentClient(client)
  await client.send(new GetQueueUrlCommand({ QueueName: 'instrumented' }))
  const names = client.middlewareStack.identify().filter((m) => m.startsWith(INSTRUMENTATION_MIDDLEWARE_NAME))
  t.equal(names.length, 1)
  t.match(names[0], /initialize/)
})

t.test('without subscribers the middleware hands back the next handler itself: nothing added per call', async (t) => {
  const next = async () => ({ output: {} })
  const context = { commandName: 'NoSubscribersHereCommand', __smithy_context: { operation: 'NoSubscribersHere' } }
  t.equal(createInstrumentationMiddleware('SQS', false)(next, context), next)
  t.not(createInstrumentationMiddleware('SQS', true)(next, context), next, 'handler-caching clients check per call')
  const fn = () => {}
  diagnosticsChannel.subscribe('NoSubscribersHere.SQS.aws', fn)
  t.teardown(() => diagnosticsChannel.unsubscribe('NoSubscribersHere.SQS.aws', fn))
  t.not(createInstrumentationMiddleware('SQS', false)(next, context), next)
})

t.test('nothing is published without subscribers, and a late subscriber sees the next call', async (t) => {
  await sqs.send(new GetQueueUrlCommand({ QueueName: 'instrumented' }))
  const rec = record(['GetQueueUrl.SQS.aws'])
  t.teardown(() => rec.stop())
  t.equal(rec.byName.length, 0)
  await sqs.send(new GetQueueUrlCommand({ QueueName: 'instrumented' }))
  t.equal(rec.byName.length, 1)
})

t.test('a per-operation subscriber alone is enough to get the event', async (t) => {
  const got: AwsSdkOperationEvent[] = []
  const fn = (m: unknown) => got.push(m as AwsSdkOperationEvent)
  diagnosticsChannel.subscribe('GetQueueUrl.SQS.aws', fn)
  t.teardown(() => diagnosticsChannel.unsubscribe('GetQueueUrl.SQS.aws', fn))
  await sqs.send(new GetQueueUrlCommand({ QueueName: 'instrumented' }))
  t.equal(got.length, 1)
  t.type(got[0]!.duration, 'number')
})

t.test('a store bound to the start channel is active for the whole operation (span context)', async (t) => {
  const als = new AsyncLocalStorage<string>()
  awsSdkOperationTracingChannel.start.bindStore(als, (event) => `span:${event.operation}`)
  t.teardown(() => awsSdkOperationTracingChannel.start.unbindStore(als))
  const client = new SQSClient({ ...testAws, endpoint: sqsServer.endpoint })
  t.teardown(() => client.destroy())
  const seenInRequest: Array<string | undefined> = []
  client.middlewareStack.add(
    (next) => async (args) => {
      seenInRequest.push(als.getStore())
      return next(args)
    },
    { step: 'finalizeRequest', name: 'probe' },
  )
  await client.send(new GetQueueUrlCommand({ QueueName: 'instrumented' }))
  t.same(seenInRequest, ['span:GetQueueUrl'])
  t.equal(als.getStore(), undefined, 'and not outside it')
})
