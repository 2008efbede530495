import Fastify, { LogController } from 'fastify'
import { Job, defaultRegistry } from 'fastify-aws/jobs'
import { isSqsdRequest, fastifyAwsWorker } from 'fastify-aws/worker'

class HelloJob extends Job {
  static override readonly jobName = 'HelloJob'
  async perform(name: string): Promise<void> {
    this.context.log.info(`Hello, ${name}!`)
  }
}
defaultRegistry.register(HelloJob)

// One log line per job: Fastify's own request lines stay on for the app's routes, off for sqsd's POSTs.
const app = Fastify({ logger: true, logController: new LogController({ disableRequestLogging: isSqsdRequest }) })
app.get('/', async () => 'ok') // EB health check
await app.register(fastifyAwsWorker, { enabled: true, threads: 8 })
await app.listen({ port: Number(process.env.PORT ?? 8080), host: process.env.HOST ?? '0.0.0.0' })
