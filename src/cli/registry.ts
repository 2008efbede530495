// Every subcommand, loaded lazily so `fastify-aws poll` never loads the session store and so on.
import type { Command } from './command.js'

type Loader = () => Promise<Command>

/** name → loader. Add a line here when a part gains a command (`src/cli/commands/<name>.ts`, default export). */
export const commands: ReadonlyMap<string, Loader> = new Map<string, Loader>([
  ['poll', async () => (await import('./commands/poll.js')).default],
  ['dev', async () => (await import('./commands/dev.js')).default],
  ['sqsd', async () => (await import('./commands/sqsd.js')).default],
  ['enqueue', async () => (await import('./commands/enqueue.js')).default],
  ['cron', async () => (await import('./commands/cron.js')).default],
  ['sessions', async () => (await import('./commands/sessions.js')).default],
  ['mail', async () => (await import('./commands/mail.js')).default],
  ['generate', async () => (await import('./commands/generate.js')).default],
  ['migrate', async () => (await import('./commands/migrate.js')).default],
  ['credentials', async () => (await import('./commands/credentials.js')).default],
  ['dashboard', async () => (await import('./commands/dashboard.js')).default],
  ['init', async () => (await import('./commands/init.js')).default],
  ['bundle', async () => (await import('./commands/bundle.js')).default],
  ['doctor', async () => (await import('./commands/doctor.js')).default],
])
