// `fastify-aws sessions create-table` and `delete-table`.
import { CliUsageError } from '../../errors.js'
import { createSessionTable, deleteSessionTable, type SessionSettings } from '../../sessions/index.js'
import { intFlag, parseFlags } from '../args.js'
import type { CommandIo } from '../command.js'
import { sessionContext, tableFlags } from './sessions-options.js'

/** Creates the table (idempotent), waits for ACTIVE, enables TTL. */
export async function runCreateTable(io: CommandIo): Promise<number> {
  const { values } = parseFlags(
    io.argv,
    { ...tableFlags, provisioned: { type: 'boolean' }, 'read-capacity': { type: 'string' }, 'write-capacity': { type: 'string' } },
    false,
  )
  const extra: SessionSettings = {}
  if (values.provisioned) extra.billing_mode = 'PROVISIONED'
  const read = intFlag('read-capacity', values['read-capacity'], 1)
  const write = intFlag('write-capacity', values['write-capacity'], 1)
  if ((read !== undefined || write !== undefined) && !values.provisioned) {
    throw new CliUsageError('--read-capacity and --write-capacity need --provisioned (on-demand tables have no capacity).')
  }
  if (read !== undefined) extra.read_capacity = read
  if (write !== undefined) extra.write_capacity = write
  const { settings, client } = sessionContext(io, values, extra)
  try {
    const result = await createSessionTable(client, settings, (line) => io.stdout.write(`${line}\n`))
    io.stdout.write(`Table ${settings.table_name} is ACTIVE${result.created ? ' (created)' : ''}.\n`)
    return 0
  } finally {
    client.destroy()
  }
}

/** Deletes the table after --yes; a missing table is not an error. */
export async function runDeleteTable(io: CommandIo): Promise<number> {
  const { values } = parseFlags(io.argv, { ...tableFlags, yes: { type: 'boolean' } }, false)
  const { settings, client } = sessionContext(io, values)
  try {
    if (!values.yes) {
      throw new CliUsageError(`Deleting table ${settings.table_name} loses every session in it; pass --yes to confirm.`)
    }
    const deleted = await deleteSessionTable(client, settings.table_name, (line) => io.stdout.write(`${line}\n`))
    if (deleted) io.stdout.write(`Table ${settings.table_name} deleted.\n`)
    return 0
  } finally {
    client.destroy()
  }
}
