// `npm start`: the reference service on PORT (8080) and HOST (0.0.0.0: containers need it; the sqsd guard, not the
// bind address, keeps job requests local). SIGINT/SIGTERM close it gracefully. Start-up problems are one line on
// stderr and exit code 1.
import { listenForStop } from 'fastify-aws/jobs'
import { buildServiceApp } from './app.js'

// An empty PORT counts as unset, as empty ENV values do everywhere in fastify-aws. Digits only: Number() would also
// take '', '1e3', '0x50' or ' 80 '.
const portText = process.env.PORT?.trim() || '8080'
const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN
const host = process.env.HOST?.trim() || '0.0.0.0'
if (!Number.isInteger(port) || port > 65535) {
  console.error(`PORT must be a whole number from 0 to 65535, got ${JSON.stringify(process.env.PORT)}`)
  process.exit(1)
}

let app
try {
  app = await buildServiceApp()
} catch (err) {
  const e = err as Error & { code?: string }
  console.error(`fastify-aws: cannot start: ${e.message}${e.code ? ` [${e.code}]` : ''}`)
  process.exit(1)
}

// The first SIGINT/SIGTERM closes gracefully (running jobs finish); a second one, later, exits at once.
const stop = listenForStop()
void stop.stopped.then((signal) => {
  app.log.info({ signal }, 'Shutting down')
  app.close().then(
    () => process.exit(0),
    (err: unknown) => {
      app.log.error({ err }, 'Error while shutting down')
      process.exit(1)
    },
  )
})

try {
  await app.listen({ port, host })
} catch (err) {
  // EADDRINUSE, EACCES (ports below 1024), an unknown HOST: one line, not an unhandled rejection's stack.
  const e = err as Error & { code?: string }
  console.error(`fastify-aws: cannot listen on ${host}:${port}: ${e.message}${e.code ? ` [${e.code}]` : ''}`)
  await app.close().catch(() => undefined)
  process.exit(1)
}
