// A TCP proxy on 127.0.0.1 in front of a server, to play a network that fails the way real ones do: not there yet
// (nothing listening), or frozen (connections stay open and carry nothing, as after a lost NAT mapping).
import { createServer, connect, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

/** The proxy's controls. */
export interface TcpProxy {
  /** `http://127.0.0.1:PORT`, stable across close/listen. */
  readonly url: string
  readonly port: number
  /** Starts (or restarts) listening on the same port. */
  listen(): Promise<void>
  /** Every connection, open and new, stops carrying data (sockets stay open). */
  freeze(): void
  /** New connections carry data again; frozen ones stay frozen (a dead mapping does not come back). */
  thaw(): void
  /** Connections accepted so far. */
  readonly accepted: number
  close(): Promise<void>
}

/** A proxy to `targetPort` on a free port, not listening yet when `listening` is false. */
export async function startTcpProxy(targetPort: number, listening = true): Promise<TcpProxy> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as AddressInfo).port
  await new Promise<void>((resolve) => probe.close(() => resolve()))

  let frozen = false
  let accepted = 0
  const sockets = new Set<Socket>()
  const frozenPairs = new Set<Socket>()
  let server: Server | undefined

  const onConnection = (client: Socket): void => {
    accepted++
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    if (frozen) {
      frozenPairs.add(client) // accepted, never answered
      return
    }
    const upstream = connect(targetPort, '127.0.0.1')
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk: Buffer) => {
        if (frozenPairs.has(client)) return // swallowed: the peer waits for ever
        to.write(chunk)
      })
    forward(client, upstream)
    forward(upstream, client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  }

  const proxy: TcpProxy = {
    url: `http://127.0.0.1:${port}`,
    port,
    get accepted() {
      return accepted
    },
    async listen() {
      server = createServer(onConnection)
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve))
    },
    freeze() {
      frozen = true
      for (const s of sockets) frozenPairs.add(s)
    },
    thaw() {
      frozen = false
    },
    async close() {
      for (const s of sockets) s.destroy()
      if (server?.listening) await new Promise<void>((resolve) => server!.close(() => resolve()))
    },
  }
  if (listening) await proxy.listen()
  return proxy
}
