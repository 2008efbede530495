// Ctrl-C handling for every long-running process (dev, sqsd, the poller, the reference service): the first
// SIGINT/SIGTERM stops cleanly, a second one (not the same key press arriving twice) forces the exit.

/** Handlers installed by {@link listenForStop}. */
export interface StopListener {
  /** Resolves with the first SIGINT or SIGTERM. */
  stopped: Promise<NodeJS.Signals>
  /** Removes the handlers (after the clean stop, or when start-up failed). */
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
  return {
    stopped,
    dispose: () => {
      for (const s of signals) proc.off(s, handler)
    },
  }
}
