// `instrumentSdkOperations()`: makes every AWS SDK v3 client in the process publish its operations on
// diagnostics channels, including clients the application constructs itself, by wrapping `send` on each copy
// of the SDK's client base class. The wrapper adds the publishing middleware to a client on its first call.
import { fileURLToPath } from 'node:url'
import { SdkInstrumentationError } from '../errors.js'
import { ensureAttached, instrumentClient, isSdkClient } from './instrumentation-attach.js'
import { findSdkClientBases, sdkClientBaseOf, type SdkClientBase, type SdkClientPrototype } from './instrumentation-discovery.js'

/** Options of {@link instrumentSdkOperations}. */
export interface InstrumentSdkOperationsOptions {
  /**
   * SDK client classes (`SQSClient`) or instances whose base class should be instrumented in addition to the
   * copies found on disk: needed for a bundled SDK, which has no `node_modules` to search. Instances also get
   * the middleware at once.
   */
  clients?: readonly object[]
  /**
   * Directories whose `node_modules` (and their parents', as `require` resolves) are searched for SDK copies.
   * Default: the current directory and this package's own directory. `[]` searches nowhere (use `clients`).
   */
  searchFrom?: readonly string[]
}

/** What {@link instrumentSdkOperations} did to one copy of the SDK client base class. */
export interface InstrumentedSdkBase {
  /** The module file of the copy, or `class <Name> (given)` for one reached through `clients`. */
  readonly source: string
  /** `patched` by this call, or `already-patched` by an earlier one (calling again is harmless). */
  readonly state: 'patched' | 'already-patched'
}

/** The result of {@link instrumentSdkOperations}: every SDK copy that now publishes. Never empty. */
export interface SdkInstrumentationStatus {
  readonly bases: readonly InstrumentedSdkBase[]
}

// Kept on the prototype under a registry symbol: a second call, or a second copy of fastify-aws, sees it and
// does not wrap twice.
const ORIGINAL_SEND = Symbol.for('fastify-aws.instrumentation.originalSend')

/**
 * Makes every AWS SDK v3 client publish each operation on diagnostics channels: `<Operation>.<ServiceId>.aws`
 * (e.g. `SendMessage.SQS.aws`) when it completes, and the `aws-sdk:operation` TracingChannel
 * (`tracing:aws-sdk:operation:start|end|asyncStart|asyncEnd|error`), each with an `AwsSdkOperationEvent`.
 *
 * It covers clients created before and after the call, ours and the application's own (`new SQSClient()`):
 * the base class's `send` is wrapped, and a client gets the publishing middleware on its next call.
 * Publishing costs nothing when nobody subscribes. Calling it again is harmless.
 *
 * @throws {SdkInstrumentationError} when no SDK client class is found (the message lists where it searched),
 *   when an entry of `clients` is not an SDK client class or instance, or when a base class cannot be patched.
 * @example
 * import { instrumentSdkOperations } from 'fastify-aws/aws'
 * instrumentSdkOperations()
 * diagnosticsChannel.subscribe('SendMessage.SQS.aws', (event) => console.log(event.duration))
 */
export function instrumentSdkOperations(options: InstrumentSdkOperationsOptions = {}): SdkInstrumentationStatus {
  const searchFrom = options.searchFrom ?? [process.cwd(), fileURLToPath(new URL('.', import.meta.url))]
  const given = (options.clients ?? []).map((c, i) => sdkClientBaseOf(c, `clients[${i}]`))
  const found = [...findSdkClientBases(searchFrom), ...given]
  if (found.length === 0) {
    const where = searchFrom.length ? `node_modules from ${searchFrom.join(', ')}` : 'nowhere (searchFrom is empty)'
    throw new SdkInstrumentationError(
      `no AWS SDK v3 client class was found: searched ${where} for @smithy/core/client and @smithy/smithy-client. ` +
        'Install an @aws-sdk/client-* package there, or pass the client classes you use: ' +
        'instrumentSdkOperations({ clients: [SQSClient] }).',
    )
  }
  const bases: InstrumentedSdkBase[] = []
  const done = new Set<SdkClientPrototype>()
  for (const base of found) {
    if (done.has(base.prototype)) continue
    done.add(base.prototype)
    bases.push({ source: base.source, state: patchSend(base) })
  }
  for (const client of options.clients ?? []) if (isSdkClient(client)) instrumentClient(client)
  return { bases }
}

/** True once `instrumentSdkOperations()` has patched the base class of this client class or instance. */
export function isSdkInstrumented(clientClassOrInstance: object): boolean {
  try {
    return Object.hasOwn(sdkClientBaseOf(clientClassOrInstance, 'value').prototype, ORIGINAL_SEND)
  } catch {
    return false
  }
}

function patchSend(base: SdkClientBase): InstrumentedSdkBase['state'] {
  const proto = base.prototype
  if (Object.hasOwn(proto, ORIGINAL_SEND)) return 'already-patched'
  const original = proto.send
  const send = function send(this: unknown, ...args: unknown[]): unknown {
    ensureAttached(this)
    return original.apply(this, args)
  }
  try {
    Object.defineProperty(proto, 'send', { value: send, writable: true, configurable: true, enumerable: false })
    // Marked only once the wrapper is in place, so a failed attempt is never reported as patched.
    Object.defineProperty(proto, ORIGINAL_SEND, { value: original, configurable: true })
  } catch (err) {
    // A prototype closed to new properties (preventExtensions) takes the new send but not the marker: undo it,
    // or a later call would wrap a second time.
    if (proto.send === send) Object.defineProperty(proto, 'send', { value: original, writable: true, configurable: true })
    const error = new SdkInstrumentationError(
      `the send() method of ${base.source} cannot be replaced (${(err as Error).message}); is its prototype frozen? ` +
        'Use instrumentClient(client) on each client instead.',
    )
    error.cause = err
    throw error
  }
  return 'patched'
}
