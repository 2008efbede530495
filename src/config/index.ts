/**
 * Configuration for every part of fastify-aws, with one precedence rule:
 * code > ENV > YAML (`config/<name>/<NODE_ENV>.yml`, else `config/<name>.yml`) > defaults.
 * @module
 */
export { option, defineOptions, type OptionSpec, type OptionKind, type OptionValues, type OptionInput } from './options.js'
export {
  loadConfig,
  envName,
  envNames,
  type ConfigSource,
  type LoadConfigOptions,
  type LoadedConfig,
  type ValueSource,
} from './loader.js'
export { fromCamelCaseOptions, camelCase, snakeCase, type CamelCase, type CamelCaseKeys } from './casing.js'
export { interpolate, yamlExpansionProblem, MAX_YAML_VALUES } from './yaml-file.js'
export { loadCronYaml, parseCronYaml, nextFireTime, scheduleProblem, type CronEntry, type CronYamlCheck } from './cron-yaml.js'
