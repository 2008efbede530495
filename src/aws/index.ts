/**
 * AWS SDK v3 clients built one way for every part, logging through pino, and every SDK operation published on
 * diagnostics channels (`instrumentSdkOperations`, the `fastifyAwsInstrumentation` plugin).
 * @module
 */
export {
  createAwsClient,
  clientOrCreate,
  type AwsClientOptions,
  type AwsCredentials,
  type AwsCredentialsInput,
  type AwsClientConstructor,
  type RailsCredentialsOptions,
} from './client-factory.js'
export { sdkLoggerFor, type SdkLogger, type SdkLogLevel, type PinoLike } from './logger-bridge.js'
export { loadAwsClientOptions, loadRailsCredentialsLocation, awsConfigOptions, awsConfigSource } from './config.js'
export {
  awsCredentialsIn,
  readRailsCredentials,
  type RailsCredentialsDocument,
  type RailsCredentialsLocation,
} from './rails-credentials.js'
export type { RailsSerializer } from './rails-encryption.js'
export { VERSION } from './version.js'
export {
  instrumentSdkOperations,
  isSdkInstrumented,
  type InstrumentSdkOperationsOptions,
  type InstrumentedSdkBase,
  type SdkInstrumentationStatus,
} from './instrumentation.js'
export { instrumentClient } from './instrumentation-attach.js'
export { INSTRUMENTATION_MIDDLEWARE_NAME } from './instrumentation-middleware.js'
export {
  AWS_SDK_OPERATION_TRACING_CHANNEL,
  awsSdkOperationTracingChannel,
  awsSdkOperationChannel,
  awsSdkOperationChannelName,
  type AwsSdkOperationEvent,
} from './instrumentation-channels.js'
export {
  fastifyAwsInstrumentation,
  logFieldsOf,
  operationLine,
  type FastifyAwsInstrumentationOptions,
  type AwsOperationLogFields,
} from './instrumentation-plugin.js'
export {
  instrumentationOptions,
  instrumentationConfigSource,
  loadInstrumentationSettings,
  operationLogLevels,
  type OperationLogLevel,
  type InstrumentationSettings,
} from './instrumentation-config.js'
