// Time as the scheduler sees it, so tests can move it by hand instead of waiting for a minute to pass.

/** A handle returned by {@link Clock.setTimer}. */
export type TimerHandle = unknown

/** The current time and one-shot timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Calls `fn` once after `ms` milliseconds. */
  setTimer(fn: () => void, ms: number): TimerHandle
  /** Cancels a timer that has not fired. */
  clearTimer(handle: TimerHandle): void
}

// setTimeout takes at most 2^31-1 ms (about 24.8 days); a longer wait is made of several timers.
const MAX_TIMER_MS = 2 ** 31 - 1

/** The real clock: `Date.now()` and Node timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS)),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
}
