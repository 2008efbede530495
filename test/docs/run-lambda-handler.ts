// Invokes examples/lambda-handler.ts as Lambda would: the SQS event (JSON in LAMBDA_EVENT) in, the answer printed
// as the last line of stdout (the example's pino writes synchronously, so its lines come before it).
import type { SqsEvent } from 'fastify-aws/lambda'
import { handler } from '../../examples/lambda-handler.js'

const event = JSON.parse(process.env.LAMBDA_EVENT ?? '{}') as SqsEvent
const result = await handler(event)
console.log(JSON.stringify(result))
