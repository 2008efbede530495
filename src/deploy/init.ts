// `fastify-aws init`: writes an app's deployment files, adapted to it, and never overwrites one without `force`.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { DeployInitError } from '../errors.js'
import { appFacts, webParts, type AppFactOverrides } from './app-facts.js'
import * as templates from './templates.js'
import type { AppFacts } from './templates.js'

export interface InitOptions extends AppFactOverrides { root: string; worker?: boolean; web?: boolean; docker?: boolean; force?: boolean }
export interface InitResult { app: AppFacts; written: string[]; overwritten: string[] }

export function plannedFiles(options: InitOptions, app: AppFacts): Map<string, string> {
  const web = options.web === true
  const worker = options.worker === true || !web
  if (worker && web) {
    throw new DeployInitError('--worker and --web together: the worker config sets sqsd options that a web environment refuses. A bundle serves one tier; run init with one of them.')
  }
  const files = new Map<string, string>([['Procfile', templates.procfile(app)]])
  if (worker) {
    files.set('.ebextensions/01-worker.config', templates.workerConfig(app))
    files.set('.platform/nginx/conf.d/worker-timeouts.conf', templates.nginxTimeouts())
    files.set('cron.yaml', templates.cronYaml())
  } else {
    const uses = webParts(options.root, app.entry)
    files.set('.ebextensions/01-web.config', templates.webConfig(app, uses))
    if (uses.sessions) files.set('config/aws_dynamo_db_session_store.yml', templates.sessionsYaml())
    if (uses.mail) files.set('config/mail.yml', templates.mailYaml())
  }
  if (options.docker) {
    files.set('Dockerfile', templates.dockerfile(app))
    files.set('.dockerignore', templates.dockerignore())
    files.set('compose.yaml', templates.composeFile(app))
    files.set('k8s/worker.yaml', templates.kubernetesManifest(app))
  }
  return files
}

export function initApp(options: InitOptions): InitResult {
  const app = appFacts(options.root, options)
  const files = plannedFiles(options, app)
  const existing = [...files.keys()].filter((f) => existsSync(join(options.root, f)))
  if (existing.length > 0 && !options.force) {
    throw new DeployInitError(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written. Run "fastify-aws init --force" to overwrite ${existing.length === 1 ? 'it' : 'them'}.`)
  }
  for (const [path, text] of files) {
    const abs = join(options.root, path)
    mkdirSync(dirname(abs), { recursive: true })
    writeFileSync(abs, text)
  }
  return { app, written: [...files.keys()], overwritten: existing }
}
