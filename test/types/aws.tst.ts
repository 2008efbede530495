// fastify-aws/aws: AWS clients get the one logger type of the library.
import { SQSClient } from '@aws-sdk/client-sqs'
import Fastify from 'fastify'
import { describe, expect, test } from 'tstyche'
import type { JobLogger } from 'fastify-aws/jobs'
import { createAwsClient, sdkLoggerFor, type PinoLike, type SdkLogger } from 'fastify-aws/aws'

describe('logger', () => {
  test("createAwsClient and sdkLoggerFor take Fastify's logger", () => {
    const app = Fastify()
    expect(createAwsClient(SQSClient, { logger: app.log })).type.toBe<SQSClient>()
    expect(sdkLoggerFor(app.log, 'warn')).type.toBe<SdkLogger>()
    expect(sdkLoggerFor(app.log, 'loud')).type.toRaiseError()
  })

  test('the deprecated PinoLike is JobLogger', () => {
    expect<PinoLike>().type.toBe<JobLogger>()
  })
})
