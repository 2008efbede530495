// Options of the Fastify instrumentation plugin: FASTIFY_AWS_INSTRUMENTATION_*, config/instrumentation.yml, code.
import { defineOptions, loadConfig, option, type LoadConfigOptions, type OptionInput } from '../config/index.js'

/** Log levels an SDK operation line may be written at. */
export const operationLogLevels = ['trace', 'debug', 'info'] as const

/** A level from {@link operationLogLevels}. */
export type OperationLogLevel = (typeof operationLogLevels)[number]

/** Every option of the instrumentation plugin; ENV names are `FASTIFY_AWS_INSTRUMENTATION_<KEY>`. */
export const instrumentationOptions = defineOptions({
  log_level: option.enum({
    description: 'Level of the one line logged per AWS SDK operation',
    values: operationLogLevels,
    default: 'debug',
  }),
  log_outside_requests: option.boolean({
    description: 'Also log operations made outside any request (start-up, pollers, timers) through the app logger',
    default: true,
  }),
})

/** Where the instrumentation options are read from. */
export const instrumentationConfigSource = {
  names: ['instrumentation'],
  envPrefix: 'FASTIFY_AWS_INSTRUMENTATION_',
} as const

/** Instrumentation options as code gives them (snake_case keys, as in YAML). */
export type InstrumentationSettings = OptionInput<typeof instrumentationOptions>

/** Resolves the instrumentation options: code > ENV > YAML > defaults. */
export function loadInstrumentationSettings(
  code: InstrumentationSettings = {},
  load: Omit<LoadConfigOptions<typeof instrumentationOptions>, 'code'> = {},
) {
  return loadConfig(instrumentationConfigSource, instrumentationOptions, { ...load, code }).values
}
