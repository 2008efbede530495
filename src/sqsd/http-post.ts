// One POST to the worker app with aws-sqsd's two timeouts: ConnectTimeout and InactivityTimeout.
import http from 'node:http'

/** How one POST ended: the app's status, or why there was none. */
export type PostOutcome =
  | { kind: 'response'; status: number; /** First bytes of the body, for the log. */ text: string }
  | { kind: 'connect-timeout' | 'inactivity-timeout' | 'aborted' | 'error'; error: string }

/** What {@link postToApp} needs besides the request. */
export interface PostTarget {
  /** Base URL: protocol, host and port are used; the path comes from the request. */
  url: URL
  /** Keep-alive agent whose `maxSockets` is HttpConnections. */
  agent: http.Agent
  /** Seconds to open a TCP connection. */
  connectTimeout: number
  /** Seconds without any data from the app. */
  inactivityTimeout: number
  /** Aborts the POST (daemon shutdown after the drain timeout). */
  signal?: AbortSignal
}

const LOG_BYTES = 200

/** A keep-alive agent for the daemon: at most `connections` sockets, as aws-sqsd's HTTP connection pool. */
export function createSqsdAgent(connections: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections })
}

/**
 * POSTs `body` to `path` on the target. Never rejects: every ending is a {@link PostOutcome}. Like the real
 * daemon, a keep-alive connection the app closed just before it was reused is retried once at once: the app
 * never saw that request.
 */
export async function postToApp(target: PostTarget, path: string, headers: Record<string, string>, body: string): Promise<PostOutcome> {
  const first = await postOnce(target, path, headers, body)
  if (first.kind === 'error' && first.error === STALE_SOCKET) return postOnce(target, path, headers, body)
  return first
}

const STALE_SOCKET = 'connection closed by server before the request was sent'

function postOnce(target: PostTarget, path: string, headers: Record<string, string>, body: string): Promise<PostOutcome> {
  return new Promise((resolve) => {
    let settled = false
    let connectTimer: NodeJS.Timeout | undefined
    const done = (outcome: PostOutcome): void => {
      if (settled) return
      settled = true
      if (connectTimer) clearTimeout(connectTimer)
      target.signal?.removeEventListener('abort', onAbort)
      resolve(outcome)
    }
    const payload = Buffer.from(body, 'utf8')
    const req = http.request({
      host: target.url.hostname.replace(/^\[|\]$/g, ''),
      port: target.url.port || 80,
      method: 'POST',
      path,
      agent: target.agent,
      headers: { ...headers, 'Content-Length': String(payload.length) },
    })
    const onAbort = (): void => {
      req.destroy()
      done({ kind: 'aborted', error: 'the daemon stopped before the app answered' })
    }
    if (target.signal?.aborted) return onAbort()
    target.signal?.addEventListener('abort', onAbort, { once: true })

    req.on('socket', (socket) => {
      // A reused keep-alive socket is already connected; only a new one gets the connect timer.
      if (!socket.connecting) return
      connectTimer = setTimeout(() => {
        req.destroy()
        done({ kind: 'connect-timeout', error: `no connection within ${target.connectTimeout} s (ConnectTimeout)` })
      }, target.connectTimeout * 1000)
      socket.once('connect', () => clearTimeout(connectTimer))
    })
    // Socket inactivity, as em-http's inactivity_timeout: the timer restarts on every byte either way.
    req.setTimeout(target.inactivityTimeout * 1000, () => {
      req.destroy()
      done({ kind: 'inactivity-timeout', error: `no data from the app for ${target.inactivityTimeout} s (InactivityTimeout)` })
    })
    req.on('error', (err: NodeJS.ErrnoException) => {
      const stale = req.reusedSocket && err.code === 'ECONNRESET'
      done({ kind: 'error', error: stale ? STALE_SOCKET : `${err.code ?? 'error'}: ${err.message}` })
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let kept = 0
      res.on('data', (chunk: Buffer) => {
        if (kept < LOG_BYTES) {
          chunks.push(chunk)
          kept += chunk.length
        }
      })
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8').slice(0, LOG_BYTES).trim()
        done({ kind: 'response', status: res.statusCode ?? 0, text })
      })
      res.on('error', (err) => done({ kind: 'error', error: `response interrupted: ${err.message}` }))
    })
    req.end(payload)
  })
}
