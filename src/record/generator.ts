// The model generator (aws-record-rails' `rails g aws_record:model`): field specs and options parsed with the
// Rails generator's syntax, rendered as a TypeScript model and table config that read like hand-written code.
// Pure: no files, no processes (the CLI writes what this returns).
import { RecordGeneratorError } from '../errors.js'
import type { AttributeKind } from './marshal.js'
import { DYNAMODB_TYPE, KEY_KINDS } from './marshal.js'
import { RESERVED_NAMES } from './schema.js'

/** One parsed field. */
export interface GeneratedField {
  name: string
  kind: AttributeKind
  hashKey: boolean
  rangeKey: boolean
  persistNil: boolean
  databaseName: string | undefined
  /** TypeScript source of the default (`false`, `() => new Set<string>()`), or undefined. */
  defaultSource: string | undefined
  presence: boolean
  length: { min: number; max: number } | undefined
}

/** One parsed `--gsi`. */
export interface GeneratedIndex {
  name: string
  hashKey: string
  rangeKey: string | undefined
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'
  include: string[]
}

/** Everything `generate model` was asked for. */
export interface ModelSpec {
  name: string
  fields: GeneratedField[]
  indexes: GeneratedIndex[]
  /** undefined: on-demand. */
  throughput: { primary: [number, number]; indexes: Map<string, [number, number]> } | undefined
  tableName: string | undefined
  mutationTracking: boolean
  timestamps: boolean
  /** A `uuid` hash key was added (no field was the hash key). */
  addedUuidKey: boolean
}

/** The generator's options, as the CLI parsed them. */
export interface GeneratorOptions {
  tableConfig?: string[]
  onDemand?: boolean
  gsi?: string[]
  required?: string[]
  lengthValidations?: string[]
  timestamps?: boolean
  tableName?: string
  disableMutationTracking?: boolean
}

/** Type words of the generator (aws-record-rails' plus time, epoch_time and counter), case-insensitive. */
export const TYPE_WORDS: Readonly<Record<string, AttributeKind>> = {
  string: 'string',
  bool: 'boolean',
  boolean: 'boolean',
  int: 'integer',
  integer: 'integer',
  float: 'float',
  date: 'date',
  datetime: 'datetime',
  time: 'time',
  epoch_time: 'epochTime',
  list: 'list',
  map: 'map',
  string_set: 'stringSet',
  s_set: 'stringSet',
  sset: 'stringSet',
  num_set: 'numericSet',
  numeric_set: 'numericSet',
  nset: 'numericSet',
  counter: 'counter',
}

const OPTION_WORDS = ['hkey', 'rkey', 'persist_nil', 'db_attr_name', 'ddb_type', 'default_value']

/** The kind each ddb_type implies when no type word is given. */
const DDB_TYPE_KIND: Readonly<Record<string, AttributeKind>> = {
  S: 'string',
  N: 'float',
  BOOL: 'boolean',
  SS: 'stringSet',
  NS: 'numericSet',
  M: 'map',
  L: 'list',
}


const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/
const EXAMPLE = 'e.g. forum_uuid:hkey, created_at:datetime:db_attr_name{PostCreatedAtTime}, tags:sset:default_value{Set.new}'

function fail(message: string): never {
  throw new RecordGeneratorError(message)
}

/** Splits on `sep` outside `{...}` (so default_value{{"a":1}} keeps its colon and comma). */
function splitOutside(text: string, sep: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const c of text) {
    if (c === '{') depth++
    if (c === '}') depth = Math.max(0, depth - 1)
    if (c === sep && depth === 0) {
      parts.push(current)
      current = ''
    } else current += c
  }
  parts.push(current)
  return parts
}

/** `word{value}` → [word, value]; `word` → [word, undefined]. */
function optionParts(option: string): [string, string | undefined] {
  const m = /^(\w+)(?:\{(.*)\})?$/s.exec(option)
  if (!m) return [option, undefined]
  return [m[1]!, m[2]]
}

/** Default value source for a field from `default_value{...}`. */
function defaultSource(field: string, kind: AttributeKind, raw: string): string {
  const text = raw.trim()
  const setType = kind === 'numericSet' ? 'number' : 'string'
  if (/^(Set\.new|new_set|empty_set|set)$/i.test(text)) {
    if (kind !== 'stringSet' && kind !== 'numericSet') fail(`Field ${field}: default_value{${raw}} is an empty set, but ${field} is ${kind}; use it on a string_set or num_set field.`)
    return `() => new Set<${setType}>()`
  }
  if (/^(now|Time\.now|DateTime\.now)$/.test(text)) {
    if (!['date', 'datetime', 'time', 'epochTime'].includes(kind)) fail(`Field ${field}: default_value{${raw}} is the current time, but ${field} is ${kind}.`)
    // A factory: each item gets its own time (the Rails template's Time.now is frozen at class load).
    return '() => new Date()'
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    if (kind === 'string' && /^[\w .@/-]*$/.test(text)) return JSON.stringify(text)
    fail(`Field ${field}: default_value{${raw}} is not a JSON value (strings in double quotes, true/false, numbers, [] or {}) or a keyword (Set.new, now); ${EXAMPLE}.`)
  }
  const wrong = (): never => fail(`Field ${field}: default_value{${raw}} does not fit a ${kind} field.`)
  switch (kind) {
    case 'string':
    case 'date':
    case 'datetime':
    case 'time':
      if (typeof value !== 'string') wrong()
      return kind === 'string' ? JSON.stringify(value) : `() => new Date(${JSON.stringify(value)})`
    case 'boolean':
      if (typeof value !== 'boolean') wrong()
      return String(value)
    case 'integer':
    case 'counter':
      if (!Number.isInteger(value)) wrong()
      return String(value)
    case 'float':
    case 'epochTime':
      if (typeof value !== 'number') wrong()
      return kind === 'epochTime' ? `() => new Date(${(value as number) * 1000})` : String(value)
    case 'list':
      if (!Array.isArray(value)) wrong()
      // A factory, so no two items share one array.
      return `() => ${JSON.stringify(value)}`
    case 'map':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) wrong()
      return `() => (${JSON.stringify(value)})`
    case 'stringSet':
    case 'numericSet':
      if (!Array.isArray(value) || !value.every((v) => typeof v === (kind === 'stringSet' ? 'string' : 'number'))) wrong()
      return `() => new Set<${setType}>(${JSON.stringify(value)})`
  }
}

/** Parses one field spec `name[:type][:opts]`. */
export function parseField(spec: string): GeneratedField {
  const segments = splitOutside(spec, ':')
  if (segments.length > 3) fail(`Field "${spec}" has ${segments.length} parts; the form is name[:type][:options] (${EXAMPLE}).`)
  const [name = '', second, third] = segments
  if (!IDENTIFIER.test(name)) fail(`Field "${spec}": "${name}" is not a valid attribute name (letters, digits and _, not starting with a digit); ${EXAMPLE}.`)
  if (RESERVED_NAMES.has(name)) fail(`Field "${spec}": "${name}" is reserved (a method of every item); name it otherwise and add db_attr_name{${name}} to keep the stored name.`)
  let typeWord: string | undefined = second
  let options = third
  // "forum_uuid:hkey": options in the type's place (as the Rails generator reads them).
  if (second !== undefined && OPTION_WORDS.some((w) => second.toLowerCase().startsWith(w))) {
    if (third !== undefined) fail(`Field "${spec}": options come after the type (name:type:options), not before it.`)
    typeWord = undefined
    options = second
  }
  let kind: AttributeKind | undefined
  if (typeWord !== undefined && typeWord !== '') {
    kind = TYPE_WORDS[typeWord.toLowerCase()]
    if (kind === undefined) fail(`Field "${spec}": invalid type "${typeWord}"; types are ${Object.keys(TYPE_WORDS).join(', ')}.`)
  }
  const field: GeneratedField = {
    name,
    kind: kind ?? 'string',
    hashKey: false,
    rangeKey: false,
    persistNil: false,
    databaseName: undefined,
    defaultSource: undefined,
    presence: false,
    length: undefined,
  }
  let defaultRaw: string | undefined
  for (const option of options === undefined || options === '' ? [] : splitOutside(options, ',')) {
    const [word, value] = optionParts(option.trim())
    switch (word) {
      case 'hkey':
        field.hashKey = true
        break
      case 'rkey':
        field.rangeKey = true
        break
      case 'persist_nil':
        field.persistNil = true
        break
      case 'db_attr_name':
        if (value === undefined || !/^\w+$/.test(value)) fail(`Field "${spec}": db_attr_name needs a name in braces, e.g. db_attr_name{PostCreatedAtTime}.`)
        field.databaseName = value
        break
      case 'ddb_type': {
        const t = value?.toUpperCase()
        if (t === undefined || !['S', 'N', 'B', 'BOOL', 'SS', 'NS', 'BS', 'M', 'L'].includes(t)) {
          fail(`Field "${spec}": ddb_type needs one of S, N, B, BOOL, SS, NS, BS, M, L in braces, e.g. ddb_type{S}.`)
        }
        if (t === 'B' || t === 'BS') fail(`Field "${spec}": ddb_type{${t}}: binary attributes are not supported by aws-record's types either; store base64 text in a string field.`)
        // aws-record ignores ddb_type on typed attributes (the DSL overwrites it); here it picks the type, or must agree with it.
        if (kind === undefined) field.kind = DDB_TYPE_KIND[t]!
        else if (DYNAMODB_TYPE[kind] !== t) fail(`Field "${spec}": ddb_type{${t}} contradicts type ${typeWord} (stored as ${DYNAMODB_TYPE[kind]}); drop one of them.`)
        break
      }
      case 'default_value':
        if (value === undefined || value === '') fail(`Field "${spec}": default_value needs a value in braces, e.g. default_value{false} or default_value{Set.new}.`)
        defaultRaw = value
        break
      default:
        fail(`Field "${spec}": invalid option "${option}"; options are hkey, rkey, persist_nil, db_attr_name{Name}, ddb_type{S}, default_value{...}.`)
    }
  }
  if (field.hashKey && field.rangeKey) fail(`Field "${spec}": a field cannot be both hkey and rkey.`)
  if ((field.hashKey || field.rangeKey) && !KEY_KINDS.has(field.kind)) {
    fail(`Field "${spec}": a ${field.kind} field cannot be a key; keys are string, int, float, date, datetime, time or epoch_time.`)
  }
  if (defaultRaw !== undefined) field.defaultSource = defaultSource(name, field.kind, defaultRaw)
  return field
}

function pair(text: string, what: string, example: string): [number, number] {
  const m = /^(\d+)[-.,:](\d+)$/.exec(text)
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) fail(`${what}: "${text}" is not READ-WRITE capacity units (whole numbers >= 1); ${example}.`)
  return [Number(m[1]), Number(m[2])]
}

/** Parses `--gsi Name:hkey{f}[,rkey{f}][,proj_type{ALL}]`. */
export function parseIndex(spec: string, fields: readonly GeneratedField[]): GeneratedIndex {
  const example = 'e.g. --gsi=AuthorIndex:hkey{author_username},rkey{created_at},proj_type{ALL}'
  const [name = '', rest, extra] = splitOutside(spec, ':')
  if (!IDENTIFIER.test(name) || rest === undefined || extra !== undefined) fail(`--gsi "${spec}": the form is Name:hkey{field}[,rkey{field}][,proj_type{ALL|KEYS_ONLY|INCLUDE}]; ${example}.`)
  const index: GeneratedIndex = { name, hashKey: '', rangeKey: undefined, projection: 'ALL', include: [] }
  for (const option of splitOutside(rest, ',')) {
    const [word, value] = optionParts(option.trim())
    if (value === undefined) fail(`--gsi "${spec}": "${option}" needs a value in braces; ${example}.`)
    if (word === 'hkey' || word === 'rkey') {
      const field = fields.find((f) => f.name === value)
      if (!field) fail(`--gsi "${spec}": ${word}{${value}} names no field of the model (fields: ${fields.map((f) => f.name).join(', ')}).`)
      if (!KEY_KINDS.has(field.kind)) fail(`--gsi "${spec}": ${value} is ${field.kind} and cannot be an index key.`)
      if (word === 'hkey') index.hashKey = value
      else index.rangeKey = value
    } else if (word === 'proj_type') {
      const p = value.toUpperCase()
      if (p !== 'ALL' && p !== 'KEYS_ONLY' && p !== 'INCLUDE') fail(`--gsi "${spec}": proj_type must be ALL, KEYS_ONLY or INCLUDE, not ${value}.`)
      index.projection = p
    } else if (word === 'include') {
      index.include = value.split(/[;\s]+/).filter(Boolean)
      for (const f of index.include) if (!fields.some((x) => x.name === f)) fail(`--gsi "${spec}": include{${value}} names ${f}, which is no field of the model.`)
    } else {
      fail(`--gsi "${spec}": unknown part "${option}"; ${example}.`)
    }
  }
  if (index.hashKey === '') fail(`--gsi "${spec}": an index needs hkey{field}; ${example}.`)
  if (index.projection === 'INCLUDE' && index.include.length === 0) fail(`--gsi "${spec}": proj_type{INCLUDE} needs the attributes to copy, e.g. include{post_title;tags}.`)
  return index
}

/** Checks and assembles a whole `generate model` request. */
export function buildModelSpec(name: string, fieldSpecs: readonly string[], options: GeneratorOptions): ModelSpec {
  if (!/^[A-Z][A-Za-z0-9_]*$/.test(name ?? '')) fail(`Model name "${name ?? ''}" must be a class name (a capital letter, then letters, digits, _), e.g. Forum.`)
  const fields = fieldSpecs.map(parseField)
  const seen = new Map<string, string>()
  for (const f of fields) {
    if (seen.has(f.name)) fail(`Field ${f.name} is given twice.`)
    seen.set(f.name, f.name)
  }
  for (const f of fields) {
    if (f.databaseName !== undefined && f.databaseName !== f.name && seen.has(f.databaseName)) {
      fail(`Field ${f.name}: db_attr_name{${f.databaseName}} is the name of another field; stored names must differ.`)
    }
  }
  if (fields.filter((f) => f.hashKey).length > 1) fail(`Only one field can be hkey (${fields.filter((f) => f.hashKey).map((f) => f.name).join(', ')} are).`)
  if (fields.filter((f) => f.rangeKey).length > 1) fail(`Only one field can be rkey (${fields.filter((f) => f.rangeKey).map((f) => f.name).join(', ')} are).`)
  let addedUuidKey = false
  const hashGiven = fields.some((f) => f.hashKey)
  if (!hashGiven) {
    // As the Rails generator: the last field named like *uuid* becomes the hash key, else a uuid key is added.
    const uuid = [...fields].reverse().find((f) => f.name.includes('uuid') && f.kind === 'string' && !f.rangeKey)
    if (uuid) uuid.hashKey = true
    else {
      addedUuidKey = true
      fields.unshift({ name: 'uuid', kind: 'string', hashKey: true, rangeKey: false, persistNil: false, databaseName: undefined, defaultSource: undefined, presence: false, length: undefined })
    }
  }
  // A key the generator chose gets a random UUID when a new item has none (the Rails generator leaves that to the app).
  const hash = fields.find((f) => f.hashKey)!
  if (!hashGiven && hash.defaultSource === undefined) hash.defaultSource = '() => randomUUID()'

  const indexes = (options.gsi ?? []).map((g) => parseIndex(g, fields))
  const names = new Set<string>()
  for (const ix of indexes) {
    if (names.has(ix.name)) fail(`--gsi ${ix.name} is given twice.`)
    names.add(ix.name)
  }

  for (const r of (options.required ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean)) {
    const f = fields.find((x) => x.name === r)
    if (!f) fail(`--required names ${r}, which is no field of the model (fields: ${fields.map((x) => x.name).join(', ')}).`)
    f.presence = true
  }
  for (const spec of options.lengthValidations ?? []) {
    const m = /^(\w+):(\d+)-(\d+)$/.exec(spec)
    if (!m) fail(`--length-validations "${spec}": the form is field:MIN-MAX, e.g. --length-validations=post_body:50-1000.`)
    const f = fields.find((x) => x.name === m[1])
    if (!f) fail(`--length-validations names ${m[1]}, which is no field of the model.`)
    if (Number(m[2]) > Number(m[3])) fail(`--length-validations "${spec}": MIN is above MAX.`)
    f.length = { min: Number(m[2]), max: Number(m[3]) }
  }

  let throughput: ModelSpec['throughput']
  const tc = options.tableConfig ?? []
  if (tc.length > 0 && options.onDemand) fail('--table-config and --on-demand contradict each other: provisioned capacity, or on-demand, not both.')
  if (tc.length > 0) {
    const example = 'e.g. --table-config=primary:5-2 AuthorIndex:12-14'
    const entries = new Map<string, [number, number]>()
    for (const entry of tc) {
      const [key = '', value, extra] = entry.split(':')
      if (value === undefined || extra !== undefined) fail(`--table-config "${entry}": the form is primary:READ-WRITE then Index:READ-WRITE per --gsi; ${example}.`)
      if (entries.has(key)) fail(`--table-config names ${key} twice.`)
      entries.set(key, pair(value, `--table-config ${key}`, example))
    }
    const primary = entries.get('primary')
    if (!primary) fail(`--table-config needs primary:READ-WRITE for the table; ${example}.`)
    entries.delete('primary')
    for (const key of entries.keys()) if (!names.has(key)) fail(`--table-config names ${key}, which is no --gsi index (indexes: ${[...names].join(', ') || 'none'}).`)
    for (const ix of indexes) if (!entries.has(ix.name)) fail(`--table-config has no capacity for index ${ix.name}; add ${ix.name}:READ-WRITE (${example}).`)
    throughput = { primary, indexes: entries }
  }

  const timestamps = options.timestamps === true
  if (timestamps) {
    for (const n of ['created', 'updated']) if (fields.some((f) => f.name === n)) fail(`--timestamps adds a field ${n}, and the model already has one.`)
    for (const n of ['created', 'updated']) {
      fields.push({ name: n, kind: 'datetime', hashKey: false, rangeKey: false, persistNil: false, databaseName: undefined, defaultSource: undefined, presence: false, length: undefined })
    }
  }
  if (options.tableName !== undefined && !/^[A-Za-z0-9_.-]{3,255}$/.test(options.tableName)) {
    fail(`--table-name "${options.tableName}" is not a DynamoDB table name (3-255 of letters, digits, _ . -).`)
  }
  return {
    name,
    fields,
    indexes,
    throughput,
    tableName: options.tableName,
    mutationTracking: options.disableMutationTracking !== true,
    timestamps,
    addedUuidKey,
  }
}

/** `ForumPost` → `forum-post`. */
export function fileBaseName(modelName: string): string {
  return modelName
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase()
}

const BUILDER: Readonly<Record<AttributeKind, string>> = {
  string: 'string',
  boolean: 'boolean',
  integer: 'integer',
  float: 'float',
  date: 'date',
  datetime: 'datetime',
  time: 'time',
  epochTime: 'epochTime',
  list: 'list',
  map: 'map',
  stringSet: 'stringSet',
  numericSet: 'numericSet',
  counter: 'counter',
}

function fieldLine(f: GeneratedField): string {
  const options: string[] = []
  if (f.hashKey) options.push('hashKey: true')
  if (f.rangeKey) options.push('rangeKey: true')
  if (f.databaseName !== undefined && f.databaseName !== f.name) options.push(`databaseName: '${f.databaseName}'`)
  if (f.persistNil) options.push('persistNil: true')
  if (f.defaultSource !== undefined) options.push(`default: ${f.defaultSource}`)
  const rules: string[] = []
  if (f.presence) rules.push('presence: true')
  if (f.length) rules.push(`length: { min: ${f.length.min}, max: ${f.length.max} }`)
  if (rules.length > 0) options.push(`validate: { ${rules.join(', ')} }`)
  return `    ${f.name}: attr.${BUILDER[f.kind]}(${options.length ? `{ ${options.join(', ')} }` : ''}),`
}

/** The model file's source. */
export function renderModel(spec: ModelSpec, command: string): string {
  const uses = spec.fields.some((f) => f.defaultSource?.includes('randomUUID()'))
  const lines = [
    `// Made by \`${command}\`; edit it freely.`,
    ...(uses ? ["import { randomUUID } from 'node:crypto'"] : []),
    "import { attr, defineModel } from 'fastify-aws/record'",
    '',
    `/** ${spec.name} items, in the DynamoDB table "${spec.tableName ?? spec.name}". */`,
    `export const ${spec.name} = defineModel('${spec.name}', {`,
  ]
  if (spec.tableName !== undefined) lines.push(`  tableName: '${spec.tableName}',`)
  lines.push('  attributes: {', ...spec.fields.map(fieldLine), '  },')
  if (spec.indexes.length > 0) {
    lines.push('  globalSecondaryIndexes: {')
    for (const ix of spec.indexes) {
      const parts = [`hashKey: '${ix.hashKey}'`]
      if (ix.rangeKey) parts.push(`rangeKey: '${ix.rangeKey}'`)
      parts.push(
        ix.projection === 'INCLUDE'
          ? `projection: { type: 'INCLUDE', nonKeyAttributes: [${ix.include.map((n) => `'${n}'`).join(', ')}] }`
          : `projection: { type: '${ix.projection}' }`,
      )
      lines.push(`    ${ix.name}: { ${parts.join(', ')} },`)
    }
    lines.push('  },')
  }
  if (spec.timestamps) lines.push("  timestamps: { createdAt: 'created', updatedAt: 'updated' },")
  if (!spec.mutationTracking) lines.push('  mutationTracking: false,')
  lines.push('})', '', `/** One ${spec.name} item. */`, `export type ${spec.name} = InstanceType<typeof ${spec.name}>`, '')
  return lines.join('\n')
}

/** The table config file's source; `modelImport` is the relative import path of the model (ending in .js). */
export function renderTableConfig(spec: ModelSpec, modelImport: string, command: string): string {
  const lines = [
    `// Made by \`${command}\`. \`npx fastify-aws migrate\` creates or updates the table from it.`,
    "import { defineTableConfig } from 'fastify-aws/record'",
    `import { ${spec.name} } from '${modelImport}'`,
    '',
    'export default defineTableConfig({',
    `  model: ${spec.name},`,
  ]
  if (spec.throughput === undefined) {
    lines.push("  billingMode: 'PAY_PER_REQUEST',")
  } else {
    lines.push(`  readCapacityUnits: ${spec.throughput.primary[0]},`, `  writeCapacityUnits: ${spec.throughput.primary[1]},`)
    if (spec.indexes.length > 0) {
      lines.push('  globalSecondaryIndexes: {')
      for (const ix of spec.indexes) {
        const [r, w] = spec.throughput.indexes.get(ix.name)!
        lines.push(`    ${ix.name}: { readCapacityUnits: ${r}, writeCapacityUnits: ${w} },`)
      }
      lines.push('  },')
    }
  }
  lines.push('})', '')
  return lines.join('\n')
}
