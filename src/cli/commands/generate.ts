// `fastify-aws generate model NAME [field[:type][:opts]...] [options]`: aws-record-rails' model generator for a
// TypeScript app. Writes the model and its table config, never overwriting without --force.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve, sep } from 'node:path'
import { CliUsageError } from '../../errors.js'
import { buildModelSpec, fileBaseName, renderModel, renderTableConfig } from '../../record/generator.js'
import { parseFlags } from '../args.js'
import type { Command } from '../command.js'

const help = `Usage: fastify-aws generate model NAME [field[:type][:options]...] [options]

Writes a DynamoDB model (fastify-aws/record) and its table config, as aws-record-rails' generator does for
Rails: src/models/<name>.ts and db/table-config/<name>.ts. Then run \`npx fastify-aws migrate\`.

Fields: name[:type][:options]; the type defaults to string.
  Types: string, bool|boolean, int|integer, float, date, datetime, time, epoch_time, list, map,
         string_set|s_set|sset, num_set|numeric_set|nset, counter
  Options (comma-separated; may stand in the type's place, as forum_uuid:hkey):
    hkey                   the hash (partition) key
    rkey                   the range (sort) key
    persist_nil            write an unset value as NULL instead of leaving it out
    db_attr_name{Name}     the attribute's name in DynamoDB (e.g. a Rails app's name for it)
    ddb_type{S|N|BOOL|SS|NS|M|L}
                           the DynamoDB type: picks the field type when none is given, must agree otherwise
    default_value{...}     a JSON value (false, 0, "draft", [], {}), or Set.new (a new empty set per item),
                           or now (the current time per item)
  No hkey: the last field named like *uuid* becomes the hash key, else a uuid hash key is added; a uuid
  hash key gets a random UUID when an item is created without one.

Options:
  --table-config=primary:R-W [Index:R-W ...]
                           provisioned read/write capacity of the table and of each --gsi index
  --on-demand              on-demand billing (PAY_PER_REQUEST); the default without --table-config
  --gsi=Name:hkey{field}[,rkey{field}][,proj_type{ALL|KEYS_ONLY|INCLUDE}][,include{f1;f2}] ...
                           global secondary indexes (INCLUDE copies the include{} fields)
  --required=f1,f2         presence validations
  --length-validations=field:MIN-MAX ...
                           length validations
  --timestamps             datetime fields created (set on create) and updated (set on every save)
  --table-name=NAME        the table's name (default: the model name)
  --disable-mutation-tracking
                           changes are found by assignment only, not by comparing values
  --model-dir DIR          where the model goes (default src/models)
  --config-dir DIR         where the table config goes (default db/table-config)
  --skip-table-config      write the model only
  --force                  overwrite existing files

Example (the aws-record-rails README's Forum):
  npx fastify-aws generate model Forum forum_uuid:hkey post_id:rkey author_username post_title post_body \\
    tags:sset:default_value{Set.new} created_at:datetime:db_attr_name{PostCreatedAtTime} \\
    moderation:boolean:default_value{false} --table-config=primary:5-2 AuthorIndex:12-14 \\
    --required=post_title --length-validations=post_body:50-1000 --gsi=AuthorIndex:hkey{author_username}
`

/** Values that follow a multi-value option without repeating it (Thor's style: `--table-config=primary:5-2 AuthorIndex:12-14`). */
const FOLLOWERS: Readonly<Record<string, RegExp>> = {
  'table-config': /^\w+:\d+[-.,:]\d+$/,
  gsi: /^[A-Za-z_]\w*:hkey\{/,
  'length-validations': /^\w+:\d+-\d+$/,
}

/** Rewrites `--opt=a b c` (b, c matching the option's form) as `--opt=a --opt=b --opt=c`. */
export function expandFollowers(argv: readonly string[]): string[] {
  const out: string[] = []
  let current: string | undefined
  for (const arg of argv) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(arg)
    if (m) {
      current = m[1]! in FOLLOWERS ? m[1] : undefined
      out.push(arg)
      continue
    }
    if (current !== undefined && FOLLOWERS[current]!.test(arg)) {
      out.push(`--${current}=${arg}`)
      continue
    }
    current = undefined
    out.push(arg)
  }
  return out
}

/** A bad field spec or option is a usage error (exit code 2), with the generator's message. */
function usage<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if ((err as { code?: string }).code === 'FASTIFY_AWS_RECORD_GENERATOR') throw new CliUsageError((err as Error).message)
    throw err
  }
}

const command: Command = {
  summary: 'generate a DynamoDB model and its table config (generate model NAME field:type ...)',
  help,
  async run(io) {
    const [what, ...rest] = io.argv
    if (what !== 'model') {
      throw new CliUsageError(what === undefined ? 'Say what to generate: fastify-aws generate model NAME [fields...] (see --help).' : `Cannot generate "${what}"; only "model" (fastify-aws generate model NAME ...).`)
    }
    const { values, positionals } = parseFlags(expandFollowers(rest), {
      'table-config': { type: 'string', multiple: true },
      'on-demand': { type: 'boolean' },
      gsi: { type: 'string', multiple: true },
      required: { type: 'string', multiple: true },
      'length-validations': { type: 'string', multiple: true },
      timestamps: { type: 'boolean' },
      'table-name': { type: 'string' },
      'disable-mutation-tracking': { type: 'boolean' },
      'model-dir': { type: 'string' },
      'config-dir': { type: 'string' },
      'skip-table-config': { type: 'boolean' },
      force: { type: 'boolean' },
    })
    const [name, ...fields] = positionals
    if (name === undefined) throw new CliUsageError('Give the model name: fastify-aws generate model NAME [field[:type][:options]...], e.g. generate model Forum forum_uuid:hkey post_id:rkey.')
    const spec = usage(() => buildModelSpec(name, fields, {
      tableConfig: values['table-config'],
      onDemand: values['on-demand'],
      gsi: values.gsi,
      required: values.required,
      lengthValidations: values['length-validations'],
      timestamps: values.timestamps,
      tableName: values['table-name'],
      disableMutationTracking: values['disable-mutation-tracking'],
    }))
    const base = fileBaseName(spec.name)
    const modelPath = resolve(io.cwd, values['model-dir'] ?? 'src/models', `${base}.ts`)
    const configPath = resolve(io.cwd, values['config-dir'] ?? 'db/table-config', `${base}.ts`)
    const targets = [modelPath, ...(values['skip-table-config'] ? [] : [configPath])]
    const existing = targets.filter((p) => existsSync(p))
    if (existing.length > 0 && !values.force) {
      throw new CliUsageError(`${existing.map((p) => relative(io.cwd, p)).join(' and ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written. Pass --force to overwrite.`)
    }
    const shown = `fastify-aws generate model ${name}`
    mkdirSync(dirname(modelPath), { recursive: true })
    writeFileSync(modelPath, renderModel(spec, shown))
    io.stdout.write(`${existing.includes(modelPath) ? 'overwrote' : 'created'} ${relative(io.cwd, modelPath)}\n`)
    if (!values['skip-table-config']) {
      let modelImport = relative(dirname(configPath), modelPath).split(sep).join('/').replace(/\.ts$/, '.js')
      if (!modelImport.startsWith('.')) modelImport = `./${modelImport}`
      mkdirSync(dirname(configPath), { recursive: true })
      writeFileSync(configPath, renderTableConfig(spec, modelImport, shown))
      io.stdout.write(`${existing.includes(configPath) ? 'overwrote' : 'created'} ${relative(io.cwd, configPath)}\n`)
    }
    if (spec.addedUuidKey) io.stdout.write('No field was the hash key: added uuid (a random UUID for each new item).\n')
    if (spec.throughput === undefined) io.stdout.write('Billing: on-demand (pass --table-config=primary:R-W for provisioned capacity).\n')
    io.stdout.write(`Next: npx fastify-aws migrate${values['config-dir'] ? ` --dir ${values['config-dir']}` : ''}   (creates the table ${spec.tableName ?? spec.name})\n`)
    return 0
  },
}


export default command
