// Options of the ready-made Lambda handler: FASTIFY_AWS_LAMBDA_* in the function's environment (or
// config/fastify_aws_lambda.yml in the image), with the one precedence rule of every part.
import { defineOptions, loadConfig, option, type LoadConfigOptions } from '../config/index.js'
import { ConfigError } from '../errors.js'

/** Every option of the ready-made handler; ENV names are `FASTIFY_AWS_LAMBDA_<KEY>`. */
export const defaultHandlerOptions = defineOptions({
  jobs_module: option.string({
    description: "Module that registers the app's jobs: a path relative to LAMBDA_TASK_ROOT (dist/jobs.js) or a package name",
  }),
  log_level: option.enum({
    description: 'Level of the job run lines written to stdout (CloudWatch Logs)',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
    default: 'info',
  }),
})

/** Where the ready-made handler's options are read from. */
export const defaultHandlerConfigSource = { names: ['fastify_aws_lambda'], envPrefix: 'FASTIFY_AWS_LAMBDA_' } as const

/** The ready-made handler's settings; a missing jobs module is a {@link ConfigError} saying how to set it. */
export function loadDefaultHandlerSettings(load: Omit<LoadConfigOptions<typeof defaultHandlerOptions>, 'code'> = {}) {
  const { values } = loadConfig(defaultHandlerConfigSource, defaultHandlerOptions, load)
  const jobsModule = values.jobs_module
  if (jobsModule === undefined) {
    throw new ConfigError(
      "FASTIFY_AWS_LAMBDA_JOBS_MODULE is not set: the ready-made Lambda handler needs the module that registers your jobs. Set it in the function's environment or the image (ENV FASTIFY_AWS_LAMBDA_JOBS_MODULE=dist/jobs.js), as a path relative to LAMBDA_TASK_ROOT or a package name.",
    )
  }
  return { ...values, jobs_module: jobsModule }
}
