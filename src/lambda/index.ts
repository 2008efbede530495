/**
 * The Lambda handler for SQS triggers: runs each record's job with the same runner as the poller and the
 * worker tier, and answers with `batchItemFailures` so only failed records come back.
 * @module
 */
export {
  createLambdaHandler,
  type LambdaHandlerOptions,
  type LambdaSqsHandler,
  type LambdaPermanentFailureHandler,
} from './handler.js'
export { type SqsEvent, type SqsRecord, type SqsBatchResponse, type SqsRecordMessageAttribute } from './event.js'
export { queueOfRecord, deliveryOfRecord, type RecordQueue } from './record.js'
