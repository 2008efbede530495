// One Ctrl-C stops cleanly (even when npm relays it a second time); a later second one forces the exit.
import { EventEmitter } from 'node:events'
import t from 'tap'
import { listenForStop } from '../../src/jobs/shutdown.js'

function fakeProcess() {
  const emitter = new EventEmitter()
  return {
    proc: emitter as unknown as Pick<NodeJS.Process, 'on' | 'off'>,
    send: (signal: NodeJS.Signals) => emitter.emit(signal, signal),
    listeners: () => emitter.listenerCount('SIGINT') + emitter.listenerCount('SIGTERM'),
  }
}

t.test('the first signal resolves; a relayed copy is ignored; a later one forces', async (t) => {
  const p = fakeProcess()
  let clock = 1000
  const forced: string[] = []
  const stop = listenForStop((s) => void forced.push(s), p.proc, () => clock)
  p.send('SIGINT')
  t.equal(await stop.stopped, 'SIGINT')
  clock += 5
  p.send('SIGINT')
  t.same(forced, [], 'the same Ctrl-C relayed by npm does not force')
  clock += 2000
  p.send('SIGTERM')
  t.same(forced, ['SIGTERM'], 'a second signal later forces the exit')
  stop.dispose()
  t.equal(p.listeners(), 0, 'dispose removes the handlers')
})

t.test('after a fast clean stop, a relayed copy arriving late is still ignored until the window ends', async (t) => {
  const p = fakeProcess()
  let clock = 1000
  const forced: string[] = []
  const stop = listenForStop((s) => void forced.push(s), p.proc, () => clock)
  p.send('SIGINT')
  await stop.stopped
  clock += 970
  stop.dispose()
  t.equal(p.listeners(), 2, 'a handler stays for what is left of the window (SIGINT and SIGTERM)')
  p.send('SIGINT')
  t.same(forced, [], 'the late copy neither forces nor falls through to the default (death by the signal)')
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(p.listeners(), 0, 'then nothing is left listening')
})

t.test('dispose without a signal (start-up failed) removes everything at once', async (t) => {
  const p = fakeProcess()
  listenForStop(() => {}, p.proc).dispose()
  t.equal(p.listeners(), 0)
})
