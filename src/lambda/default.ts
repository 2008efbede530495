/**
 * A ready-made handler for an SQS-triggered Lambda function, so a container image needs no handler file of its own:
 *
 * ```dockerfile
 * ENV FASTIFY_AWS_LAMBDA_JOBS_MODULE=dist/jobs.js
 * CMD ["node_modules/fastify-aws/dist/lambda/default.handler"]
 * ```
 *
 * The jobs module (a path relative to `LAMBDA_TASK_ROOT`, or a package name) registers the app's jobs as
 * `fastify-aws poll --jobs` takes them: a default export, `registerJobs` or `registerServiceJobs` function given a
 * registry, or `defaultRegistry.register(...)` on import. Run lines go to stdout (CloudWatch Logs), synchronously.
 * @module
 */
import { pino } from 'pino'
import { loadJobsModule } from '../jobs/index.js'
import { loadDefaultHandlerSettings } from './default-options.js'
import { createLambdaHandler, type LambdaSqsHandler } from './handler.js'

/** Where the ready-made handler reads its settings and jobs module from (tests point these elsewhere). */
export interface DefaultHandlerSource {
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv
  /** Directory of the jobs module and config/ (default: `LAMBDA_TASK_ROOT`, else the current directory). */
  cwd?: string
}

/**
 * Builds the ready-made handler. Loading starts at once (during the function's init phase); a problem (no
 * FASTIFY_AWS_LAMBDA_JOBS_MODULE, a module that cannot be imported or registers no job) fails every invocation with
 * that error, so the records stay in the queue and the cause is in the function's log.
 */
export function createDefaultLambdaHandler(source: DefaultHandlerSource = {}): LambdaSqsHandler {
  const env = source.env ?? process.env
  const cwd = source.cwd ?? env.LAMBDA_TASK_ROOT ?? process.cwd()
  const ready = (async (): Promise<LambdaSqsHandler> => {
    const settings = loadDefaultHandlerSettings({ env, cwd })
    const registry = await loadJobsModule(settings.jobs_module, { cwd, namedBy: `FASTIFY_AWS_LAMBDA_JOBS_MODULE=${settings.jobs_module}` })
    // Synchronous: the environment may freeze as soon as the handler returns, holding back lines still buffered.
    const logger = pino({ level: settings.log_level }, pino.destination({ sync: true }))
    return createLambdaHandler({ registry, logger, configLoad: { env, cwd } })
  })()
  ready.catch(() => {}) // reported by the invocations that await it, not as an unhandled rejection at init
  return async (event, context) => (await ready)(event, context)
}

/** The handler Lambda calls: `node_modules/fastify-aws/dist/lambda/default.handler`. */
export const handler: LambdaSqsHandler = createDefaultLambdaHandler()
