// FIFO message fields: the group a job belongs to and the deduplication id of its envelope.
import { createHash } from 'node:crypto'
import type { EnqueueRequest, JobEnvelope } from '../jobs/index.js'
import type { QueueSettings } from './config.js'

/** MessageGroupId: `set({ messageGroupId })`, else the job's static `messageGroupId`, else the queue's, else the global default. */
export function messageGroupIdFor(request: EnqueueRequest, queue: QueueSettings): string {
  return request.options.messageGroupId ?? request.job.messageGroupId ?? queue.messageGroupId
}

/** Keys left out of the hash: the job's `deduplicateWithout` (plus `job_id`), else the queue's setting. */
export function excludedKeysFor(request: EnqueueRequest, queue: QueueSettings): readonly string[] {
  const own = request.job.deduplicateWithout
  if (own === undefined) return queue.excludedDeduplicationKeys
  return own.includes('job_id') ? own : [...own, 'job_id']
}

/**
 * MessageDeduplicationId: lowercase hex SHA-256 of the envelope's JSON without the excluded keys, keys in
 * envelope order (as aws-activejob-sqs computes it). With the default exclusions `enqueued_at` is still
 * hashed, so only re-sends of the same envelope are deduplicated; exclude it to dedup equal jobs.
 */
export function deduplicationId(envelope: JobEnvelope, excluded: readonly string[]): string {
  const skip = new Set(excluded)
  const kept = Object.fromEntries(Object.entries(envelope).filter(([k]) => !skip.has(k)))
  return createHash('sha256').update(JSON.stringify(kept)).digest('hex')
}
