// Keeps the README true: configuration tables come from the option specs, examples from examples/*.ts (which the
// tests type-check and run). `npm run docs` rewrites the README between <!-- config:NAME --> and
// <!-- example:NAME --> markers, and writes docs/errors.md from src/errors.ts; test/docs/readme.test.ts fails when
// the committed files differ, and an error without a doc comment stops the generator.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { envNames, type ConfigSource, type OptionSpec } from '../src/config/index.js'
import { awsConfigOptions, awsConfigSource } from '../src/aws/config.js'
import { instrumentationOptions, instrumentationConfigSource } from '../src/aws/instrumentation-config.js'
import { workerOptions, workerConfigSource } from '../src/worker/options.js'
import { queueOptions, queueConfigSource } from '../src/queue/config.js'
import { sessionOptions, sessionConfigSource } from '../src/sessions/options.js'
import { mailConfigOptions, mailConfigSource } from '../src/mail/config.js'
import { sqsdOptions, sqsdConfigSource } from '../src/sqsd/options.js'
import { devOptions, devConfigSource } from '../src/dev/dev-options.js'
import { dashboardOptions, dashboardConfigSource } from '../src/dashboard/options.js'

type Spec = Record<string, OptionSpec<unknown>>

/** Every documented option set: README marker name → spec and source. */
export const configTables: ReadonlyArray<{ name: string; spec: Spec; source: ConfigSource }> = [
  { name: 'worker', spec: workerOptions, source: workerConfigSource },
  { name: 'queue', spec: queueOptions, source: queueConfigSource },
  { name: 'sessions', spec: sessionOptions, source: sessionConfigSource },
  { name: 'mail', spec: mailConfigOptions, source: mailConfigSource('default') },
  { name: 'aws', spec: awsConfigOptions, source: awsConfigSource },
  { name: 'instrumentation', spec: instrumentationOptions, source: instrumentationConfigSource },
  { name: 'sqsd', spec: sqsdOptions, source: sqsdConfigSource },
  { name: 'dev', spec: devOptions, source: devConfigSource },
  { name: 'dashboard', spec: dashboardOptions, source: dashboardConfigSource },
]

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

function shownDefault(s: OptionSpec<unknown>, key: string): string {
  if (key === 'threads' && s.kind === 'integer' && s.description.includes('at once')) return 'CPUs × 2'
  if (s.default === undefined) return '—'
  return `\`${Array.isArray(s.default) ? s.default.join(',') : String(s.default)}\``
}

/** The markdown table of one option set. */
export function configTable(spec: Spec, source: ConfigSource): string {
  const file = `config/${source.names[0]}.yml`
  const rows = [
    `YAML: \`config/${source.names[0]}/<NODE_ENV>.yml\`, else \`${file}\`${source.envPrefix ? ` (or the file named by \`${source.envPrefix}CONFIG_FILE\`)` : ''}.` +
      source.names
        .slice(1)
        .map((other) => ` The name \`${other}\` is read the same way; files under both names are an error.`)
        .join(''),
    '',
    '| YAML key | ENV | default | what it does |',
    '|---|---|---|---|',
  ]
  for (const [key, s] of Object.entries(spec)) {
    if (s.kind === 'code') continue
    const env = envNames(source, key, s)
    rows.push(
      `| ${s.yaml === false ? '—' : `\`${key}\``} | ${env.length ? env.map((n) => `\`${n}\``).join(', ') : '—'} | ${shownDefault(s, key)} | ${cell(s.description)} (${cell(s.expected)}) |`,
    )
  }
  return rows.join('\n')
}

/** Replaces what stands between `<!-- kind:name -->` and `<!-- /kind:name -->`. */
function fill(text: string, kind: string, name: string, body: string): string {
  const re = new RegExp(`(<!-- ${kind}:${name} -->\\n)[\\s\\S]*?(<!-- /${kind}:${name} -->)`)
  return text.replace(re, (_m, open: string, close: string) => `${open}${body}\n${close}`)
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-')
}

/** The table of contents: every `##` and `###` heading outside code blocks, after the marker. */
export function tableOfContents(readme: string): string {
  const lines: string[] = []
  let fenced = false
  let afterToc = false
  for (const line of readme.split('\n')) {
    if (line.startsWith('<!-- /toc:readme -->')) afterToc = true
    if (line.startsWith('```')) fenced = !fenced
    if (fenced || !afterToc) continue
    const m = /^(##|###) (.+)$/.exec(line)
    if (m) lines.push(`${m[1] === '###' ? '  ' : ''}- [${m[2]!}](#${headingAnchor(m[2]!)})`)
  }
  return lines.join('\n')
}

/** Where each subpath is documented at length. */
const SUBPATH_PAGES: Record<string, string> = {
  '.': '#jobs',
  './jobs': 'docs/jobs.md',
  './worker': 'docs/worker.md',
  './queue': 'docs/queue.md',
  './sqs': 'docs/queue.md',
  './poller': 'docs/queue.md#the-poller',
  './lambda': 'docs/queue.md#lambda',
  './sqsd': 'docs/dev.md',
  './dev': 'docs/dev.md',
  './sessions': 'docs/sessions.md',
  './record': 'docs/record.md',
  './mail': 'docs/mail.md',
  './aws': 'docs/instrumentation.md',
  './config': '#configuration',
  './errors': 'docs/errors.md',
  './dashboard': 'docs/dashboard.md',
}

/** The first sentence of a module's leading doc comment, `{@link X}` as `X`. */
function moduleSummary(file: URL): string {
  let source: string
  try {
    source = readFileSync(file, 'utf8')
  } catch {
    return ''
  }
  const doc = /\/\*\*([\s\S]*?)\*\//.exec(source)
  if (!doc) return ''
  const text = oneLineDoc(`/**${doc[1]}*/`)
    .replace(/@module.*$/, '')
    .replace(/\{@link ([^}]+)\}/g, '`$1`')
    .trim()
  return /^[\s\S]*?\.(?=\s|$)/.exec(text)?.[0] ?? text
}

/** Every subpath of package.json's `exports` with what it holds (its module doc) and where it is documented. */
export function subpathTable(exportsField: Readonly<Record<string, unknown>>): string {
  const rows = ['| import | what it holds | docs |', '|---|---|---|']
  for (const [subpath, target] of Object.entries(exportsField)) {
    if (subpath === './package.json') continue
    const built = typeof target === 'object' && target !== null ? (target as { default?: string }).default : String(target)
    const source = built?.replace(/^\.\/dist\//, '../src/').replace(/\.js$/, '.ts')
    // The root's doc comment names the package; what a reader wants in this table is what it carries.
    const summary =
      subpath === '.'
        ? 'The core: everything of `fastify-aws/jobs` and `fastify-aws/worker`, and the error classes as `errors`.'
        : source
          ? moduleSummary(new URL(source, import.meta.url))
          : ''
    const page = SUBPATH_PAGES[subpath]
    const name = subpath === '.' ? 'fastify-aws' : `fastify-aws/${subpath.slice(2)}`
    rows.push(`| \`${name}\` | ${cell(summary)} | ${page ? `[${page.replace(/^#/, '')}](${page})` : '—'} |`)
  }
  return rows.join('\n')
}

/** The README with every marked table and example regenerated. */
export function renderReadme(readme: string): string {
  let out = readme
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> }
  out = fill(out, 'exports', 'readme', subpathTable(pkg.exports))
  out = fill(out, 'toc', 'readme', tableOfContents(out))
  for (const { name, spec, source } of configTables) out = fill(out, 'config', name, configTable(spec, source))
  for (const m of readme.matchAll(/<!-- example:([\w-]+) -->/g)) {
    const name = m[1]!
    const code = readFileSync(new URL(`../examples/${name}.ts`, import.meta.url), 'utf8').trimEnd()
    out = fill(out, 'example', name, `\`\`\`ts\n${code}\n\`\`\``)
  }
  return out
}

// ── docs/errors.md ─────────────────────────────────────────────────────────────────────────

/** One error of src/errors.ts, as its source declares it. */
export interface ErrorEntry {
  /** The exported class name, e.g. `UnknownJobError`. */
  name: string
  code: string
  /** The doc comment, on one line. */
  doc: string
  /** The message template (`%s`, `%d` are the arguments). */
  message: string
  /** The HTTP status given to createError, when one is. */
  status: number | undefined
}

/** A `// ── name ──` section of src/errors.ts with its errors. */
export interface ErrorSection {
  title: string
  /** Comment lines right under the section header. */
  note: string
  errors: ErrorEntry[]
}

const SECTION = /^\/\/ ── (.+?) ─+$/

/**
 * Reads the error catalogue from the source of src/errors.ts: every `export const X = createError(...)`, grouped by
 * the file's `// ── section ──` headers. Throws, naming the export, when one has no doc comment or is not a
 * createError call with literal code and message (a new error must be documented before `npm run docs` passes).
 */
export function errorCatalog(source: string, file = 'src/errors.ts'): ErrorSection[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true)
  const sections: ErrorSection[] = []
  const problems: string[] = []
  for (const statement of sf.statements) {
    const comments = (ts.getLeadingCommentRanges(source, statement.getFullStart()) ?? []).map((r) => source.slice(r.pos, r.end))
    let note: string[] | undefined
    for (const c of comments) {
      const header = SECTION.exec(c)
      if (header) {
        sections.push({ title: header[1]!, note: '', errors: [] })
        note = []
      } else if (note && c.startsWith('//')) note.push(c.replace(/^\/\/\s?/, ''))
    }
    if (note && sections.length) sections[sections.length - 1]!.note = note.join(' ')
    if (!ts.isVariableStatement(statement) || !statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue
    for (const decl of statement.declarationList.declarations) {
      const name = decl.name.getText(sf)
      const call = decl.initializer
      if (!call || !ts.isCallExpression(call) || call.expression.getText(sf) !== 'createError') {
        problems.push(`${name} is not a createError(...) call`)
        continue
      }
      const [code, message, status] = call.arguments
      if (!code || !ts.isStringLiteral(code) || !message || !ts.isStringLiteral(message)) {
        problems.push(`${name}: createError needs a literal code and message`)
        continue
      }
      const docs = comments.filter((c) => c.startsWith('/**'))
      const doc = docs.length ? oneLineDoc(docs[docs.length - 1]!) : ''
      if (doc === '') problems.push(`${name} (${code.text}) has no doc comment saying when it is thrown`)
      if (!sections.length) problems.push(`${name} comes before any "// ── part ──" section`)
      sections[sections.length - 1]?.errors.push({
        name,
        code: code.text,
        doc,
        message: message.text,
        status: status && ts.isNumericLiteral(status) ? Number(status.text) : undefined,
      })
    }
  }
  const seen = new Set<string>()
  for (const e of sections.flatMap((s) => s.errors)) {
    if (!e.code.startsWith('FASTIFY_AWS_')) problems.push(`${e.name}: code ${e.code} does not start with FASTIFY_AWS_`)
    if (seen.has(e.code)) problems.push(`${e.name}: code ${e.code} is used twice`)
    seen.add(e.code)
  }
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}.`)
  return sections.filter((s) => s.errors.length > 0)
}

function oneLineDoc(comment: string): string {
  return comment
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, '').trim())
    .filter((l) => l !== '')
    .join(' ')
}

/** Where each part's errors are explained at length. */
const PART_PAGES: Record<string, string> = {
  config: '../README.md#configuration',
  jobs: 'jobs.md',
  worker: 'worker.md',
  queue: 'queue.md',
  poller: 'queue.md#the-poller',
  lambda: 'queue.md#lambda',
  dev: 'dev.md',
  sessions: 'sessions.md#errors',
  mail: 'mail.md',
  record: 'record.md#errors',
  aws: 'instrumentation.md',
  credentials: 'credentials.md',
  dashboard: 'dashboard.md',
}

/** docs/errors.md: every error code, by part, from the source of src/errors.ts. */
export function renderErrorsPage(source: string): string {
  const sections = errorCatalog(source)
  const count = sections.reduce((n, s) => n + s.errors.length, 0)
  const out = [
    '# Error codes',
    '',
    '<!-- Generated from src/errors.ts by `npm run docs` (scripts/readme.ts); edit the doc comments there, not this file. -->',
    '',
    `Every error fastify-aws throws is created in \`src/errors.ts\` with [@fastify/error](https://github.com/fastify/fastify-error)`,
    `and has a stable \`code\`. Match on \`err.code\`, never on the message: messages may be improved, codes do not change.`,
    `All ${count} of them are below, by part. The classes are exported from \`fastify-aws/errors\`, so \`err instanceof UnknownJobError\``,
    'works too (every instance has `name` `FastifyError`).',
    '',
    '```ts',
    "import { UnknownQueueError } from 'fastify-aws/errors'",
    '',
    'try {',
    "  await ReportJob.set({ queue: 'reports' }).performLater('2026-05')",
    '} catch (err) {',
    "  if ((err as { code?: string }).code !== 'FASTIFY_AWS_UNKNOWN_QUEUE') throw err",
    "  // or: if (!(err instanceof UnknownQueueError)) throw err",
    '}',
    '```',
    '',
    '- **Message**: `%s` and `%d` stand for the details filled in when the error is thrown (a name, a file, a count).',
    '  A message that is only `%s` is written whole by the code that throws it, naming the file, key, value or flag and the fix.',
    '- **Status**: `statusCode` when the error sets one, which Fastify uses when the error reaches a route\'s reply; the others',
    '  have `statusCode` 500. The EB worker answers sqsd with its own statuses (see [worker.md](worker.md#status-codes)).',
    '- `cause` holds the underlying error (an SDK exception, a parse failure) where there is one.',
    '',
  ]
  for (const section of sections) {
    const page = PART_PAGES[section.title.split(' ')[0]!]
    out.push(`## ${section.title}`, '')
    if (section.note) out.push(section.note, '')
    if (page) out.push(`More in [${page.replace(/#.*$/, '').replace(/^\.\.\//, '')}](${page}).`, '')
    out.push('| code | class | when | status | message |', '|---|---|---|---|---|')
    for (const e of section.errors) {
      out.push(`| \`${e.code}\` | \`${e.name}\` | ${cell(e.doc)} | ${e.status ?? '—'} | ${codeCell(e.message)} |`)
    }
    out.push('')
  }
  return out.join('\n')
}

/** Text in a table cell as inline code: pipes escaped, backticks made safe by a longer fence. */
function codeCell(text: string): string {
  const escaped = cell(text)
  return escaped.includes('`') ? `\`\` ${escaped} \`\`` : `\`${escaped}\``
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = new URL('../README.md', import.meta.url)
  writeFileSync(path, renderReadme(readFileSync(path, 'utf8')))
  const errors = readFileSync(new URL('../src/errors.ts', import.meta.url), 'utf8')
  writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsPage(errors))
  console.log('README configuration tables and examples, and docs/errors.md, regenerated')
}
