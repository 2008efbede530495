// An SES failure as one error type, keeping SES's own code: callers branch on `sesCode`, not on SDK classes.
import { MailDeliveryError } from '../errors.js'
import type { SesApi } from './message.js'

/** A failed send: `code` is `FASTIFY_AWS_MAIL_DELIVERY`, `sesCode` SES's error code, `cause` the SDK error. */
export type MailDeliveryFailure = InstanceType<typeof MailDeliveryError> & {
  /** SES's error code (`MessageRejected`, `AccountSuspendedException`, `TooManyRequestsException`, ...), or the network error code. */
  readonly sesCode: string
  /** True when trying again later may succeed (throttling, 5xx, network); false for a rejected message. */
  readonly retryable: boolean
  /** HTTP status SES answered with, when it answered. */
  readonly httpStatusCode: number | undefined
}

interface SdkErrorShape {
  name?: unknown
  code?: unknown
  message?: unknown
  $fault?: unknown
  $retryable?: unknown
  $metadata?: { httpStatusCode?: number }
}

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'LimitExceededException'])

/** Wraps whatever the SDK threw into a {@link MailDeliveryFailure}. */
export function deliveryFailure(api: SesApi, err: unknown): MailDeliveryFailure {
  const e = (err !== null && typeof err === 'object' ? err : {}) as SdkErrorShape
  const isServiceError = typeof e.$fault === 'string'
  const sesCode = isServiceError
    ? String(e.name)
    : typeof e.code === 'string'
      ? e.code
      : typeof e.name === 'string'
        ? e.name
        : 'Error'
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(err)
  const httpStatusCode = e.$metadata?.httpStatusCode
  const retryable =
    !isServiceError || e.$retryable !== undefined || THROTTLING.has(sesCode) || e.$fault === 'server' || (httpStatusCode ?? 0) >= 500
  const failure = new MailDeliveryError(api === 'v2' ? 'v2 SendEmail' : 'v1 SendRawEmail', sesCode, message, { cause: err })
  return Object.assign(failure, { sesCode, retryable, httpStatusCode })
}
