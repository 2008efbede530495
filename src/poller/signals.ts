// SIGINT/SIGTERM → graceful stop; a second signal stops at once (running jobs aborted and released). The signals
// are read by the one stop handler every long-running process uses, with its double Ctrl-C window.
import { listenForStop, type JobLogger } from '../jobs/index.js'
import type { Poller } from './poller.js'

/**
 * Stops `poller` on the first SIGINT or SIGTERM (running jobs get the shutdown timeout), and on a second one
 * without waiting further (a copy of the same Ctrl-C, relayed by npm within a second, is not a second one).
 * Returns a function that removes the handlers (they also go once stopped).
 */
export function stopOnSignals(poller: Poller, logger?: JobLogger, signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): () => void {
  const stop = listenForStop(
    (signal) => {
      logger?.info({ signal }, `${signal} again: stopping now`)
      void poller.stop(0)
    },
    process,
    Date.now,
    signals,
  )
  void stop.stopped.then((signal) => {
    logger?.info({ signal }, `${signal}: shutting down gracefully`)
    void poller.stop()
  })
  poller.once('closed', stop.dispose)
  return stop.dispose
}
