// Optional Fastify plugin: one log line per AWS SDK operation, written through the logger of the request that
// made the call (so it carries the request's reqId), or through the app logger for calls outside a request.
import { AsyncLocalStorage } from 'node:async_hooks'
import fp from 'fastify-plugin'
import type { FastifyBaseLogger, FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify'
import type { LoadConfigOptions } from '../config/index.js'
import { awsSdkOperationTracingChannel, type AwsSdkOperationEvent } from './instrumentation-channels.js'
import {
  loadInstrumentationSettings,
  type instrumentationOptions,
  type OperationLogLevel,
} from './instrumentation-config.js'
import { instrumentSdkOperations, type InstrumentSdkOperationsOptions, type SdkInstrumentationStatus } from './instrumentation.js'
import { CONFIG_OPTION_RENAMED, deprecatedOption } from '../deprecations.js'

/** Options of {@link fastifyAwsInstrumentation}; each overrides its ENV/YAML counterpart. */
export interface FastifyAwsInstrumentationOptions extends InstrumentSdkOperationsOptions {
  /** Level of the per-operation line (`FASTIFY_AWS_INSTRUMENTATION_LOG_LEVEL`, YAML `log_level`; default `debug`). */
  logLevel?: OperationLogLevel
  /** Log calls made outside any request through `fastify.log` (`..._LOG_OUTSIDE_REQUESTS`, default true). */
  logOutsideRequests?: boolean
  /** Where configuration is read from (directory of `config/`, ENV, NODE_ENV, explicit YAML file). */
  configLoad?: Omit<LoadConfigOptions<typeof instrumentationOptions>, 'code'> & { configFile?: string }
  /** @deprecated Renamed {@link FastifyAwsInstrumentationOptions.configLoad}; warns once (FASTIFY_AWS_DEP006). */
  config?: Omit<LoadConfigOptions<typeof instrumentationOptions>, 'code'> & { configFile?: string }
}

/** The fields of one operation as they appear in its log line, under `awsOperation`. */
export interface AwsOperationLogFields {
  serviceId: string
  operation: string
  requestId: string | undefined
  httpStatusCode: number | undefined
  attempts: number | undefined
  /** Milliseconds, rounded to 0.01. */
  durationMs: number | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    /** What `instrumentSdkOperations()` patched when the instrumentation plugin was registered. */
    awsInstrumentation: SdkInstrumentationStatus
  }
}

// pino and Fastify loggers both have it; a custom logger without it is simply always asked to write.
type MaybeLevelAware = FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean }

// One store for every app in the process, so a plugin instance can tell its own requests from another app's.
const currentRequest = new AsyncLocalStorage<{ owner: FastifyInstance; request: FastifyRequest }>()

const instrumentation: FastifyPluginCallback<FastifyAwsInstrumentationOptions> = (fastify, opts, done) => {
  const { logLevel, logOutsideRequests, clients, searchFrom } = opts
  const { configFile, ...load } = opts.configLoad ?? deprecatedOption(opts.config, CONFIG_OPTION_RENAMED, 'fastifyAwsInstrumentation') ?? {}
  let settings: ReturnType<typeof loadInstrumentationSettings>
  let status: SdkInstrumentationStatus
  try {
    settings = loadInstrumentationSettings(
      { log_level: logLevel, log_outside_requests: logOutsideRequests },
      { ...load, ...(configFile !== undefined ? { code: { configFile } } : {}) },
    )
    status = instrumentSdkOperations({
      ...(clients !== undefined ? { clients } : {}),
      ...(searchFrom !== undefined ? { searchFrom } : {}),
    })
  } catch (err) {
    // A callback plugin reports bad options through done(): a throw would escape avvio as an uncaught exception.
    done(err as Error)
    return
  }

  // Which request an SDK call belongs to: the rest of the lifecycle runs inside this onRequest hook's
  // continuation. Fastify runs body parsing in an AsyncResource made in the request's context, so the store
  // survives a body that arrives in several chunks (the plugin test sends one).
  fastify.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, next: () => void): void => {
    currentRequest.run({ owner: fastify, request }, next)
  })

  const level = settings.log_level
  // asyncEnd fires once per operation, success or failure, in the async context of the call that made it.
  const onOperationEnd = (message: unknown): void => {
    const current = currentRequest.getStore()
    // Another app in this process owns the request: its own plugin instance logs the line.
    if (current !== undefined && current.owner !== fastify) return
    const log = (current?.request.log ?? (settings.log_outside_requests ? fastify.log : undefined)) as
      | MaybeLevelAware
      | undefined
    if (log === undefined || log.isLevelEnabled?.(level) === false) return
    const event = message as AwsSdkOperationEvent
    const fields = { awsOperation: logFieldsOf(event), ...(event.error !== undefined ? { err: event.error } : {}) }
    log[level](fields, operationLine(event))
  }
  awsSdkOperationTracingChannel.asyncEnd.subscribe(onOperationEnd)
  fastify.addHook('onClose', (_instance: FastifyInstance, closed: () => void) => {
    awsSdkOperationTracingChannel.asyncEnd.unsubscribe(onOperationEnd)
    closed()
  })

  fastify.decorate('awsInstrumentation', status)
  done()
}

/** The structured fields logged for one operation (no input or output: they may hold secrets and bodies). */
export function logFieldsOf(event: AwsSdkOperationEvent): AwsOperationLogFields {
  return {
    serviceId: event.serviceId,
    operation: event.operation,
    requestId: event.requestId,
    httpStatusCode: event.httpStatusCode,
    attempts: event.attempts,
    durationMs: event.duration === undefined ? undefined : Math.round(event.duration * 100) / 100,
  }
}

/** `AWS SQS.SendMessage 200 in 3.12 ms`, or `AWS SQS.GetQueueUrl failed (QueueDoesNotExist) in 2.50 ms`. */
export function operationLine(event: AwsSdkOperationEvent): string {
  const took = event.duration === undefined ? '' : ` in ${event.duration.toFixed(2)} ms`
  const retries = event.attempts !== undefined && event.attempts > 1 ? ` after ${event.attempts} attempts` : ''
  const what = `AWS ${event.serviceId}.${event.operation}`
  if (event.error === undefined) return `${what} ${event.httpStatusCode ?? 'ok'}${took}${retries}`
  const name = (event.error as { name?: unknown } | null)?.name
  return `${what} failed (${typeof name === 'string' ? name : 'error'})${took}${retries}`
}

/**
 * Fastify plugin that instruments every AWS SDK v3 client (see `instrumentSdkOperations`) and logs each
 * operation at `debug` through `request.log` of the request that made it, so the line carries its `reqId`.
 * Calls outside a request go to `fastify.log` unless `logOutsideRequests: false`.
 *
 * @example
 * await app.register(fastifyAwsInstrumentation)            // then, in a route:
 * await sqs.send(new SendMessageCommand(...))              // → {"reqId":"req-1","awsOperation":{...},"msg":"AWS SQS.SendMessage 200 in 3.12 ms"}
 */
export const fastifyAwsInstrumentation = fp(instrumentation, {
  name: 'fastify-aws-instrumentation',
  fastify: '5.x',
})
