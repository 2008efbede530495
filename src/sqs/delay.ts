// SQS's delay limit, and how long a job that arrived early still has to wait.

/** SQS's longest DelaySeconds; later jobs hop (see docs/queue.md, "Delays over 15 minutes"). */
export const MAX_DELAY_SECONDS = 900

/** Whole seconds until `scheduledAt` (rounded up, so a job never runs early), 0 when due or unscheduled. */
export function remainingDelaySeconds(scheduledAt: string | null, nowMs: number): number {
  if (scheduledAt === null) return 0
  const at = Date.parse(scheduledAt)
  if (Number.isNaN(at)) return 0
  return Math.max(0, Math.ceil((at - nowMs) / 1000))
}
