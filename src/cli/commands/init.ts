// `fastify-aws init`: writes an app's Elastic Beanstalk (and, with --docker, container) deployment files.
import { initApp } from '../../deploy/init.js'
import { intFlag, parseFlags } from '../args.js'
import type { Command } from '../command.js'

const help = `Usage: fastify-aws init [--worker] [--web] [--docker] [--force] [--entry FILE] [--port N] [--jobs FILE]

Writes the deployment files of the app in this folder, adapted to it (entry point from package.json's start
script or main, its port, its jobs module):
  --worker (the default)  .ebextensions/01-worker.config (the worker flag and every aws:elasticbeanstalk:sqsd
                          option, commented), .platform/nginx/conf.d/worker-timeouts.conf (nginx timeouts matched
                          to InactivityTimeout), Procfile, cron.yaml (one commented example)
  --web                   .ebextensions/01-web.config, and config/ files for the sessions and mail the app uses
  --docker                also Dockerfile, .dockerignore, compose.yaml and k8s/worker.yaml: the app beside
                          "fastify-aws sqsd" as a sidecar (the worker tier off EB)
  --force                 overwrite files that exist (without it nothing is written when one does)
  --entry FILE            the built file that starts the app (default: from package.json)
  --port N                the port the app listens on (default: from the start script or entry, else 8080)
  --jobs FILE             the built module registering the app's jobs

Then: npm run build && npx fastify-aws doctor && npx fastify-aws bundle
`

const command: Command = {
  summary: 'write an app\'s deployment files (.ebextensions, nginx timeouts, Procfile, cron.yaml; --docker)',
  help,
  async run(io) {
    const { values } = parseFlags(
      io.argv,
      {
        worker: { type: 'boolean' },
        web: { type: 'boolean' },
        docker: { type: 'boolean' },
        force: { type: 'boolean' },
        entry: { type: 'string' },
        port: { type: 'string' },
        jobs: { type: 'string' },
      },
      false,
    )
    const result = initApp({
      root: io.cwd,
      worker: values.worker,
      web: values.web,
      docker: values.docker,
      force: values.force,
      entry: values.entry,
      port: intFlag('port', values.port, 1),
      jobs: values.jobs,
    })
    const over = new Set(result.overwritten)
    io.stdout.write(`fastify-aws init: ${result.app.name} starts with node ${result.app.entry} on port ${result.app.port}\n`)
    for (const f of result.written) io.stdout.write(`  ${over.has(f) ? 'overwrote' : 'wrote'} ${f}\n`)
    io.stdout.write('Next: npm run build, then "npx fastify-aws doctor" and "npx fastify-aws bundle" (upload the zip to EB).\n')
    return 0
  },
}

export default command
