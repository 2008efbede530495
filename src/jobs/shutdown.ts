// Ctrl-C handling for every long-running process (dev, sqsd, the poller, the reference service): the first
// SIGINT/SIGTERM stops cleanly, a second one (not the same key press arriving twice) forces the exit.

/** Handlers installed by {@link listenForStop}. */
export interface StopListener {
  /** Resolves with the first SIGINT or SIGTERM. */
  stopped: Promise<NodeJS.Signals>
  /**
   * Removes the handlers (after the clean stop, or when start-up failed). Within
   * {@link REPEATED_SIGNAL_WINDOW_MS} of the first signal a repeat of it is still ignored until the window ends:
   * `npm run` relays the key press late when it is busy, and a relayed copy arriving after a fast clean stop
   * would otherwise kill the process with the signal (npm then dies of it too, instead of exiting 0).
   */
  dispose(): void
}

/**
 * A Ctrl-C reaches the whole process group, and `npm run` also forwards it to its child: one key press can
 * arrive twice within milliseconds. A repeat inside this window is that same press, not a second one.
 */
export const REPEATED_SIGNAL_WINDOW_MS = 1000

/**
 * Listens for `signals` (SIGINT and SIGTERM). The first resolves `stopped`; a second one (later than
 * {@link REPEATED_SIGNAL_WINDOW_MS}), while the caller shuts down, calls `force` (default: exit with 130 at
 * once), for when a clean stop hangs.
 */
export function listenForStop(
  force: (signal: NodeJS.Signals) => void = () => process.exit(130),
  proc: Pick<NodeJS.Process, 'on' | 'off'> = process,
  now: () => number = Date.now,
  signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
): StopListener {
  let firstAt: number | undefined
  let resolveStopped!: (signal: NodeJS.Signals) => void
  const stopped = new Promise<NodeJS.Signals>((resolve) => (resolveStopped = resolve))
  const handler = (signal: NodeJS.Signals): void => {
    if (firstAt === undefined) {
      firstAt = now()
      resolveStopped(signal)
    } else if (now() - firstAt > REPEATED_SIGNAL_WINDOW_MS) {
      force(signal)
    }
  }
  for (const s of signals) proc.on(s, handler)
  const remove = (listener: (signal: NodeJS.Signals) => void): void => {
    for (const s of signals) proc.off(s, listener)
  }
  return {
    stopped,
    dispose: () => {
      remove(handler)
      const windowLeft = firstAt === undefined ? 0 : firstAt + REPEATED_SIGNAL_WINDOW_MS - now()
      if (windowLeft <= 0) return
      const ignoreRepeat = (): void => {}
      for (const s of signals) proc.on(s, ignoreRepeat)
      // Signal handlers do not keep the process alive, and neither does this timer: an exiting process exits.
      setTimeout(() => remove(ignoreRepeat), windowLeft).unref()
    },
  }
}
