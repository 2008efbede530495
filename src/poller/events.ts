// The poller's events (BullMQ's worker vocabulary), typed.
import type { JobRun } from '../jobs/index.js'
import type { ReceivedMessage } from './received.js'

/** What happened to a message the poller could not or did not run to success. */
export interface FailedEvent {
  message: ReceivedMessage
  error: Error
  /** The run, when the job ran (absent for unparseable bodies and unknown jobs). */
  run?: JobRun
  /** True for messages that can never run (malformed body, unknown job, unsupported argument). */
  permanent: boolean
  /** What the poller did with the message. */
  action: 'left' | 'deleted' | 'dead-lettered'
}

/** A job received before its `scheduled_at`, sent back to the queue for the remaining time. */
export interface DelayedEvent {
  message: ReceivedMessage
  jobId: string
  /** Seconds until scheduled_at; the new message waits min(this, 900). */
  remainingSeconds: number
}

/** Listener signatures of every poller event. */
export interface PollerEvents {
  /** Polling started on every queue. */
  ready: []
  /** A job started. */
  active: [message: ReceivedMessage, jobId: string, jobClass: string]
  /** A job succeeded and its message was deleted. */
  completed: [run: JobRun, message: ReceivedMessage]
  /** A job failed and will run again (after `run.delaySeconds`, or the queue's visibility timeout). */
  retrying: [run: JobRun, message: ReceivedMessage]
  /** A job was discarded by its policy; its message was deleted. */
  discarded: [run: JobRun, message: ReceivedMessage]
  /** A job failed for good (no attempts left, not retryable) or its message can never run. */
  failed: [event: FailedEvent]
  /** An early job was sent back to wait. */
  delayed: [event: DelayedEvent]
  /** A receive returned no message. */
  drained: [queue: string]
  /** An SQS call failed (receive, delete, visibility change, re-send); the poller carries on. */
  error: [error: Error]
  /** stop() began. */
  closing: []
  /** stop() finished: every job ended or was released. */
  closed: []
}
