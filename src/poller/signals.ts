// SIGINT/SIGTERM → graceful stop; a second signal stops at once (running jobs aborted and released).
import type { JobLogger } from '../jobs/index.js'
import type { Poller } from './poller.js'

/**
 * Stops `poller` on the first SIGINT or SIGTERM (running jobs get the shutdown timeout), and on a second
 * one without waiting further. Returns a function that removes the handlers (they also go once stopped).
 */
export function stopOnSignals(poller: Poller, logger?: JobLogger, signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): () => void {
  let received = 0
  const onSignal = (signal: NodeJS.Signals): void => {
    received++
    logger?.info({ signal }, received === 1 ? `${signal}: shutting down gracefully` : `${signal} again: stopping now`)
    void poller.stop(received === 1 ? undefined : 0)
  }
  for (const s of signals) process.on(s, onSignal)
  const remove = (): void => {
    for (const s of signals) process.off(s, onSignal)
  }
  poller.once('closed', remove)
  return remove
}
