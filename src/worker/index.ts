/**
 * The Elastic Beanstalk worker tier for Fastify: sqsd guard, job dispatch, cron.yaml periodic tasks, capacity.
 * @module
 */
export { fastifyAwsWorker, workerTier, type WorkerTierState } from './plugin.js'
export { fastifyAwsSqsdGuard, sqsdGuard, isSqsdRequest, createAddressCheck, claimedAddresses, type SqsdGuardOptions } from './guard.js'
export { runningInDocker, defaultGateways, dockerHostAddresses, DEFAULT_DOCKER_BRIDGE } from './docker-host.js'
// cron.yaml is read in config (the worker and the sqsd daemon both use it); re-exported where it was first published.
export { loadCronYaml, parseCronYaml, nextFireTime, scheduleProblem, type CronEntry, type CronYamlCheck } from '../config/index.js'
export { workerOptions, workerConfigSource, loadWorkerSettings, type WorkerSettings, type FastifyAwsWorkerOptions, type WorkerTierOptions, type WorkerConfigLoad } from './options.js'
export { deliveryFromHeaders, isSqsdUserAgent } from './sqsd-headers.js'
