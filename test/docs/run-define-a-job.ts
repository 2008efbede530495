// Runs examples/define-a-job.ts as a user's app would (resolving 'fastify-aws/*' through tsconfig paths under tsx).
import { defaultRegistry, runJob } from 'fastify-aws/jobs'
import '../../examples/define-a-job.js'

const run = await runJob(JSON.stringify({ job_class: 'ReportJob', arguments: ['2026-11', { region: 'eu' }] }), {
  registry: defaultRegistry,
  delivery: { transport: 'inline' },
})
console.log(JSON.stringify({ registered: defaultRegistry.has('ReportJob'), outcome: run.outcome }))
