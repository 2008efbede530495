// The SDK middleware that publishes one operation on the diagnostics channels. It sits at the `initialize` step
// with high priority, the outermost place in the stack (as the Ruby plugin's priority-99 handler), so the
// traced span covers serialization, signing, every retry and the network.
import type { Channel } from 'node:diagnostics_channel'
import { performance } from 'node:perf_hooks'
import {
  awsSdkOperationChannel,
  awsSdkOperationChannelName,
  awsSdkOperationTracingChannel,
  tracingHasSubscribers,
  type AwsSdkOperationEvent,
} from './instrumentation-channels.js'

/** Name of the middleware in a client's stack (`client.middlewareStack.identify()` lists it). */
export const INSTRUMENTATION_MIDDLEWARE_NAME = 'fastifyAwsInstrumentationMiddleware'

// The slice of the SDK's middleware types this file relies on (`@smithy/types` is not a direct dependency).
/** @internal */
export interface SdkHandlerArgs {
  input: unknown
}
/** @internal */
export interface SdkHandlerResult {
  output: unknown
  response?: unknown
}
/** @internal */
export type SdkHandler = (args: SdkHandlerArgs) => Promise<SdkHandlerResult>
/** @internal The handler context the SDK builds per call (`clientName`, `commandName`, the smithy context). */
export interface SdkHandlerContext {
  clientName?: string
  commandName?: string
  __smithy_context?: { operation?: string }
}
/** @internal */
export type SdkInitializeMiddleware = (next: SdkHandler, context: SdkHandlerContext) => SdkHandler

interface ResponseMetadata {
  requestId?: string
  httpStatusCode?: number
  attempts?: number
  totalRetryDelay?: number
}

/**
 * The instrumentation middleware for the clients of one service.
 *
 * `checkPerCall` must be true for clients that cache resolved handlers (`cacheMiddleware: true`): their handler
 * is built once, so the "anyone listening?" question has to be asked on every call instead of once per build.
 * Otherwise the question is asked when the SDK builds the handler for a call, and with nobody listening the
 * middleware hands back `next` itself: nothing is added to the call path.
 */
export function createInstrumentationMiddleware(serviceId: string, checkPerCall: boolean): SdkInitializeMiddleware {
  // One channel per operation of this service; keyed by operation so a call costs a Map lookup, not a string build.
  const channels = new Map<string, Channel>()
  return (next, context) => {
    const commandName = context.commandName ?? 'UnknownCommand'
    // Smithy-built commands carry the model's operation name; older generated commands only their class name.
    const operation = context.__smithy_context?.operation ?? commandName.replace(/Command$/, '')
    let channel = channels.get(operation)
    if (channel === undefined) {
      channel = awsSdkOperationChannel(operation, serviceId)
      channels.set(operation, channel)
    }
    // The common case, nobody listening: hand back `next` before allocating anything for this call.
    if (!checkPerCall && !tracingHasSubscribers() && !channel.hasSubscribers) return next
    return observedHandler(next, context, serviceId, operation, commandName, channel)
  }
}

/** The handler that asks, on each call, whether anyone listens, and observes the call if so. */
function observedHandler(
  next: SdkHandler,
  context: SdkHandlerContext,
  serviceId: string,
  operation: string,
  commandName: string,
  opChannel: Channel,
): SdkHandler {
  return (args) => {
    const tracing = tracingHasSubscribers()
    if (!tracing && !opChannel.hasSubscribers) return next(args)
    const event = newEvent(serviceId, operation, context.clientName ?? `${serviceId}Client`, commandName, args.input)
    return observe(next, args, event, tracing, opChannel)
  }
}

function newEvent(
  serviceId: string,
  operation: string,
  clientName: string,
  commandName: string,
  input: unknown,
): AwsSdkOperationEvent {
  // Every field exists from the start, so the object keeps one shape through all its events.
  return {
    name: awsSdkOperationChannelName(operation, serviceId),
    serviceId,
    operation,
    clientName,
    commandName,
    input,
    startedAt: Date.now(),
    output: undefined,
    result: undefined,
    error: undefined,
    requestId: undefined,
    httpStatusCode: undefined,
    attempts: undefined,
    totalRetryDelay: undefined,
    duration: undefined,
  }
}

/**
 * Runs one operation and publishes it: `start` (with bound stores entered), `end` once the call is under way,
 * then on settlement `error` (failures only), the per-operation channel, `asyncStart` and `asyncEnd`.
 * Every operation ends with `asyncStart`/`asyncEnd`, even one whose handler throws synchronously, so one
 * `asyncEnd` subscriber sees every operation exactly once.
 */
function observe(
  next: SdkHandler,
  args: SdkHandlerArgs,
  event: AwsSdkOperationEvent,
  tracing: boolean,
  opChannel: Channel,
): Promise<SdkHandlerResult> {
  const tc = awsSdkOperationTracingChannel
  const run = (): Promise<SdkHandlerResult> => {
    const t0 = performance.now()
    let pending: Promise<SdkHandlerResult>
    try {
      pending = next(args)
    } catch (err) {
      pending = Promise.reject(err)
    }
    if (tracing) tc.end.publish(event)
    return pending.then(
      (result) => {
        event.duration = performance.now() - t0
        event.output = result.output
        event.result = result.output
        readMetadata(event, result.output)
        settle(event, tracing, opChannel)
        return result
      },
      (err: unknown) => {
        event.duration = performance.now() - t0
        event.error = err
        readMetadata(event, err)
        if (tracing) tc.error.publish(event)
        settle(event, tracing, opChannel)
        throw err
      },
    )
  }
  return tracing ? tc.start.runStores(event, run) : run()
}

function settle(event: AwsSdkOperationEvent, tracing: boolean, opChannel: Channel): void {
  if (opChannel.hasSubscribers) opChannel.publish(event)
  if (tracing) {
    awsSdkOperationTracingChannel.asyncStart.publish(event)
    awsSdkOperationTracingChannel.asyncEnd.publish(event)
  }
}

// Outputs and service errors carry `$metadata`; the retry middleware adds attempts to network errors too.
function readMetadata(event: AwsSdkOperationEvent, carrier: unknown): void {
  if (carrier === null || typeof carrier !== 'object') return
  const meta = (carrier as { $metadata?: ResponseMetadata }).$metadata
  if (meta === undefined || meta === null) return
  event.requestId = meta.requestId
  event.httpStatusCode = meta.httpStatusCode
  event.attempts = meta.attempts
  event.totalRetryDelay = meta.totalRetryDelay
}
