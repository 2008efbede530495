/**
 * The jobs dashboard: a Fastify plugin showing queues (live counts, dead-letter queues), this process's recent job
 * runs, dead letters (browse, redrive, delete), cron.yaml tasks ("run now") and an enqueue form.
 * @module
 */
export { fastifyAwsDashboard, type FastifyAwsDashboardOptions, type JobsDashboardState } from './plugin.js'
export {
  dashboardOptions,
  dashboardConfigSource,
  loadDashboardSettings,
  type DashboardSettings,
  type DashboardSettingsInput,
} from './options.js'
export { RunRecorder, percentile, type RecordedRun, type RunOutcome, type JobClassStats, type RunFilter } from './recorder.js'
export { isLoopbackAddress, type DashboardAuthHook } from './guard.js'
