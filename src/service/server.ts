// `npm start`: the reference service on PORT (8080) and HOST (0.0.0.0: containers need it; the sqsd guard, not the
// bind address, keeps job requests local). SIGINT/SIGTERM close it gracefully.
import { buildServiceApp } from './app.js'

const port = Number(process.env.PORT ?? 8080)
const host = process.env.HOST ?? '0.0.0.0'
if (!Number.isInteger(port) || port < 0 || port > 65535) {
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
await app.listen({ port, host })

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'Shutting down')
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'Error while shutting down')
        process.exit(1)
      },
    )
  })
}
