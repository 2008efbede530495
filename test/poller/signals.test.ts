// stopOnSignals: the first signal stops gracefully, a copy relayed within the double Ctrl-C window is ignored, a
// later one stops at once; the handlers go when the poller has closed. (SIGUSR2 keeps tap's own handlers out of it.)
import { EventEmitter } from 'node:events'
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { REPEATED_SIGNAL_WINDOW_MS } from '../../src/jobs/index.js'
import { stopOnSignals, type Poller } from '../../src/poller/index.js'

t.test('graceful first, at once on a later second signal, handlers removed on close', async (t) => {
  const stops: Array<number | undefined> = []
  const poller = Object.assign(new EventEmitter(), { stop: async (timeout?: number) => void stops.push(timeout) })
  const lines: string[] = []
  const logger = { info: (_o: unknown, msg?: string) => void lines.push(msg ?? '') }
  const before = process.listenerCount('SIGUSR2')
  stopOnSignals(poller as unknown as Poller, logger as never, ['SIGUSR2'])
  t.equal(process.listenerCount('SIGUSR2'), before + 1)
  process.emit('SIGUSR2', 'SIGUSR2')
  await new Promise((r) => setImmediate(r))
  t.same(stops, [undefined], 'the shutdown timeout applies')
  process.emit('SIGUSR2', 'SIGUSR2')
  t.same(stops, [undefined], 'the same key press relayed again is not a second one')
  await sleep(REPEATED_SIGNAL_WINDOW_MS + 50)
  process.emit('SIGUSR2', 'SIGUSR2')
  t.same(stops, [undefined, 0], 'a later second signal stops now')
  t.same(lines, ['SIGUSR2: shutting down gracefully', 'SIGUSR2 again: stopping now'])
  poller.emit('closed')
  t.equal(process.listenerCount('SIGUSR2'), before, 'handlers removed once closed')
})
