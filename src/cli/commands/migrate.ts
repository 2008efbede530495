// `fastify-aws migrate`: every table config under db/table-config, planned, printed and applied one by one.
import { readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CliUsageError, RecordMigrationError } from '../../errors.js'
import { isTableConfig, migrate, migrationClient, type TableConfig } from '../../record/index.js'
import { parseFlags } from '../args.js'
import type { Command } from '../command.js'
import { enableTypeScript, TYPESCRIPT_HELP } from '../typescript-loader.js'

const help = `Usage: fastify-aws migrate [--dry-run] [--dir db/table-config] [--only Model[,Model...]]

Creates or updates the DynamoDB table of every table config (aws-record's aws_record:migrate, made safe).
Each file under --dir (.ts, .mts, .js, .mjs, in name order) exports a config made by defineTableConfig (as
default or named export). For each table it prints what it will do, then does it, waiting until the table
and its indexes are ACTIVE after each step:
  create table           keys, indexes (global and local), billing, from the model and the config
  update billing          on-demand <-> provisioned, table throughput
  add index               one global secondary index per UpdateTable (DynamoDB takes one at a time)
  update index throughput
  enable TTL              on the config's ttlAttribute
  nothing                 the table already matches
It never deletes or changes an index, never disables TTL, and refuses a table whose keys differ from the
model's. The first failure stops with the table and the cause; tables done before stay done.

TypeScript configs load with no build step through the app's tsx (npm install --save-dev tsx), or on
Node >= 22.18 through Node's own type stripping.

Options:
  --dry-run            print the plan, change nothing
  --dir DIR            folder of table configs (default db/table-config)
  --only MODEL         only these models (repeat, or comma-separate)
  --endpoint URL       DynamoDB endpoint (emulators; else config/aws.yml or AWS_ENDPOINT_URL_DYNAMODB)
  --region REGION      AWS region
`

const EXTENSIONS = /\.(ts|mts|js|mjs)$/

function listFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...listFiles(path))
    else if (EXTENSIONS.test(name) && !name.endsWith('.d.ts') && !name.endsWith('.d.mts')) out.push(path)
  }
  return out
}

/** The table configs a module exports: its default export and any named ones (functions returning one count too). */
async function configsOf(mod: Record<string, unknown>): Promise<TableConfig[]> {
  const found: TableConfig[] = []
  for (const value of Object.values(mod)) {
    const v = typeof value === 'function' && !('prototype' in value && value.prototype) ? await (value as () => unknown)() : value
    if (isTableConfig(v) && !found.includes(v)) found.push(v)
  }
  return found
}

const command: Command = {
  summary: 'create or update the DynamoDB tables of db/table-config (fastify-aws/record)',
  help,
  async run(io) {
    const { values } = parseFlags(
      io.argv,
      {
        'dry-run': { type: 'boolean' },
        dir: { type: 'string' },
        only: { type: 'string', multiple: true },
        endpoint: { type: 'string' },
        region: { type: 'string' },
      },
      false,
    )
    const out = (line: string): void => void io.stdout.write(`${line}\n`)
    const dirName = values.dir ?? 'db/table-config'
    const dir = resolve(io.cwd, dirName)
    let files: string[]
    try {
      files = listFiles(dir)
    } catch {
      throw new CliUsageError(`No table-config folder ${dirName} (in ${io.cwd}): generate a model with "fastify-aws generate model", or pass --dir.`)
    }
    if (files.length === 0) throw new CliUsageError(`${dirName} holds no table configs (.ts, .js): generate one with "fastify-aws generate model".`)
    const only = new Set((values.only ?? []).flatMap((o) => o.split(',')).map((o) => o.trim()).filter(Boolean))

    if (files.some((f) => /\.m?ts$/.test(f))) {
      const loader = await enableTypeScript(io.cwd)
      if (loader === undefined) {
        const first = relative(io.cwd, files.find((f) => /\.m?ts$/.test(f))!)
        throw new CliUsageError(`${first} is TypeScript and this process cannot import it: ${TYPESCRIPT_HELP}.`)
      }
    }
    const configs: Array<{ file: string; config: TableConfig }> = []
    for (const file of files) {
      const shown = relative(io.cwd, file)
      let mod: Record<string, unknown>
      try {
        mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>
      } catch (err) {
        throw new CliUsageError(`${shown}: cannot load it: ${(err as Error).message.split('\n')[0]}`)
      }
      const found = await configsOf(mod)
      if (found.length === 0) throw new CliUsageError(`${shown} exports no table config: export default defineTableConfig({ model: ..., ... }).`)
      for (const config of found) configs.push({ file: shown, config })
    }
    const unknown = [...only].filter((m) => !configs.some((c) => c.config.modelName === m))
    if (unknown.length > 0) {
      throw new CliUsageError(`--only ${unknown.join(', ')}: no table config for that model; models: ${configs.map((c) => c.config.modelName).join(', ')}.`)
    }
    const chosen = configs.filter((c) => only.size === 0 || only.has(c.config.modelName))

    const overrides = { ...(values.endpoint ? { endpoint: values.endpoint } : {}), ...(values.region ? { region: values.region } : {}) }
    const counts = { created: 0, updated: 0, unchanged: 0 }
    const dryRun = values['dry-run'] === true
    for (const { file, config } of chosen) {
      out(`${config.modelName} → table ${config.tableName} (${file})`)
      const { client, owned } = migrationClient(config, overrides, { env: io.env, cwd: io.cwd })
      try {
        const result = await migrate(config, { client, dryRun, log: out })
        if (result.steps.length === 0) out('  nothing to do: the table matches')
        counts[result.outcome]++
      } catch (err) {
        const done = `${counts.created + counts.updated + counts.unchanged} of ${chosen.length} tables done before`
        if ((err as { code?: string }).code === 'FASTIFY_AWS_RECORD_MIGRATION') {
          ;(err as Error).message += ` (${done}; they stay migrated).`
          throw err
        }
        throw new RecordMigrationError(config.tableName, `${(err as Error).message} (${done}; they stay migrated).`, { cause: err })
      } finally {
        if (owned) client.destroy()
      }
    }
    const verb = dryRun ? 'would be ' : ''
    out(
      `${dryRun ? 'Dry run: ' : ''}${chosen.length} table${chosen.length === 1 ? '' : 's'}: ${counts.created} ${verb}created, ${counts.updated} ${verb}updated, ${counts.unchanged} unchanged.`,
    )
    return 0
  },
}

export default command
