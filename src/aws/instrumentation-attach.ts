// Puts the instrumentation middleware into one client's middleware stack, once.
import { SdkInstrumentationError } from '../errors.js'
import {
  createInstrumentationMiddleware,
  INSTRUMENTATION_MIDDLEWARE_NAME,
  type SdkInitializeMiddleware,
} from './instrumentation-middleware.js'

// Registry symbols (Symbol.for) so two copies of this module agree on what is already done.
const STACK_DONE = Symbol.for('fastify-aws.instrumentation.stack')
const CLIENT_DONE = Symbol.for('fastify-aws.instrumentation.client')

interface MiddlewareStackLike {
  add(middleware: SdkInitializeMiddleware, options: Record<string, unknown>): void
  [STACK_DONE]?: true
}

/** @internal The shape of an SDK v3 client this module touches. */
export interface SdkClientLike {
  config: { serviceId?: unknown; cacheMiddleware?: unknown }
  middlewareStack: MiddlewareStackLike
  handlers?: unknown
  [CLIENT_DONE]?: true
}

/** @internal True when `value` looks like an SDK v3 client instance (a config and a middleware stack). */
export function isSdkClient(value: unknown): value is SdkClientLike {
  if (value === null || typeof value !== 'object') return false
  const v = value as Partial<SdkClientLike>
  return (
    typeof v.config === 'object' &&
    v.config !== null &&
    typeof v.middlewareStack === 'object' &&
    v.middlewareStack !== null &&
    typeof v.middlewareStack.add === 'function'
  )
}

/** @internal The service id to publish under: the model's `serviceId`, else the client class name minus `Client`. */
export function serviceIdOf(client: SdkClientLike): string {
  const id = client.config.serviceId
  if (typeof id === 'string' && id !== '') return id
  const name = (client as object).constructor?.name ?? ''
  return name.replace(/Client$/, '') || 'Unknown'
}

/** @internal Attaches the middleware to a client known to be an SDK client; false when it was already there. */
export function attachToClient(client: SdkClientLike): boolean {
  if (client[CLIENT_DONE] === true) return false
  const stack = client.middlewareStack
  if (stack[STACK_DONE] !== true) {
    stack.add(createInstrumentationMiddleware(serviceIdOf(client), client.config.cacheMiddleware === true), {
      step: 'initialize',
      priority: 'high',
      name: INSTRUMENTATION_MIDDLEWARE_NAME,
      tags: ['FASTIFY_AWS_INSTRUMENTATION'],
      // A stack shared by two clients (DynamoDBDocumentClient and its DynamoDBClient) gets it once.
      override: true,
    })
    mark(stack, STACK_DONE)
  }
  // A client caching resolved handlers (`cacheMiddleware: true`) built them without the middleware: drop the
  // cache, as the SDK itself does whenever a call bypasses it.
  if (client.handlers !== undefined) delete client.handlers
  mark(client, CLIENT_DONE)
  return true
}

function mark(target: object, symbol: symbol): void {
  Object.defineProperty(target, symbol, { value: true, enumerable: false, configurable: true, writable: true })
}

/**
 * Makes one client publish its operations, without touching any class: for code that prefers not to patch the
 * SDK globally, or for a client whose SDK copy {@link instrumentSdkOperations} cannot reach (a bundle).
 * Calling it again on the same client changes nothing. Returns the client.
 *
 * @throws {SdkInstrumentationError} when `client` is not an AWS SDK v3 client.
 * @example
 * const sqs = instrumentClient(new SQSClient({}))
 */
export function instrumentClient<C extends object>(client: C): C {
  if (!isSdkClient(client)) {
    throw new SdkInstrumentationError(
      `instrumentClient() was given ${describe(client)}, which is not an AWS SDK v3 client (it has no config and ` +
        'middlewareStack.add()). Pass a client instance such as new SQSClient({}).',
    )
  }
  attachToClient(client)
  return client
}

/** @internal A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'function') return `the function ${value.name || '(anonymous)'}`
  if (typeof value === 'object') return `an object of class ${(value as object).constructor?.name ?? 'Object'}`
  return `a ${typeof value}`
}

/** @internal The per-call check of the patched `send`: attaches on a client's first call, then costs a property read. */
export function ensureAttached(target: unknown): void {
  if ((target as SdkClientLike | null | undefined)?.[CLIENT_DONE] === true) return
  if (isSdkClient(target)) attachToClient(target)
}
