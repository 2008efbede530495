/**
 * AWS SDK v3 clients built one way for every part, logging through pino.
 * @module
 */
export {
  createAwsClient,
  clientOrCreate,
  type AwsClientOptions,
  type AwsCredentials,
  type AwsCredentialsInput,
  type AwsClientConstructor,
} from './client-factory.js'
export { sdkLoggerFor, type SdkLogger, type SdkLogLevel, type PinoLike } from './logger-bridge.js'
export { loadAwsClientOptions, awsConfigOptions, awsConfigSource } from './config.js'
export { VERSION } from './version.js'
