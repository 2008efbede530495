// `fastify-aws sessions collect-garbage`: deletes expired sessions with progress and a final count.
import { collectGarbage, type SessionSettings } from '../../sessions/index.js'
import { intFlag, parseFlags } from '../args.js'
import type { CommandIo } from '../command.js'
import { sessionContext, tableFlags } from './sessions-options.js'

/** Scans for expired sessions and deletes them in batches of 25. */
export async function runCollectGarbage(io: CommandIo): Promise<number> {
  const { values } = parseFlags(
    io.argv,
    { ...tableFlags, 'max-age': { type: 'string' }, 'max-stale': { type: 'string' }, quiet: { type: 'boolean' } },
    false,
  )
  const extra: SessionSettings = {}
  const maxAge = intFlag('max-age', values['max-age'], 1)
  const maxStale = intFlag('max-stale', values['max-stale'], 1)
  if (maxAge !== undefined) extra.max_age = maxAge
  if (maxStale !== undefined) extra.max_stale = maxStale
  const { settings, client } = sessionContext(io, values, extra)
  try {
    const rules = [
      'expire_at passed',
      settings.max_age !== undefined ? `created over ${settings.max_age} s ago` : undefined,
      settings.max_stale !== undefined ? `idle over ${settings.max_stale + settings.touch_after} s` : undefined,
    ].filter(Boolean)
    if (!values.quiet) io.stdout.write(`Collecting expired sessions in ${settings.table_name} (${rules.join(', or ')})...\n`)
    const result = await collectGarbage(client, settings, {
      onProgress: (p) => {
        if (!values.quiet) io.stdout.write(`  scanned ${p.scanned}, deleted ${p.deleted}\n`)
      },
    })
    io.stdout.write(`Deleted ${result.deleted} expired sessions (${result.scanned} scanned).\n`)
    return 0
  } finally {
    client.destroy()
  }
}
