// The layering rule of DESIGN.md, checked on every import in src/ (static, dynamic, type-only and re-exports):
// cli → features → core → errors; a feature never imports another feature (dev, which assembles the stack, is the
// one exception); core parts import only the core parts below them; jobs imports no AWS client; nothing imports
// cli, the reference service or the package by its own name.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import ts from 'typescript'

const root = join(import.meta.dirname, '..')
const src = join(root, 'src')

/** Core parts by rank: each may import only core parts of a lower rank (so the core has no cycles). */
const CORE: Readonly<Record<string, number>> = { config: 1, jobs: 1, aws: 2, sqs: 3, queue: 4 }
const FEATURES = new Set(['worker', 'poller', 'lambda', 'sqsd', 'dev', 'sessions', 'mail', 'record', 'dashboard', 'deploy'])
/** The one feature that assembles others (the local stack: the daemon, the worker, the app). */
const ASSEMBLES_FEATURES = new Set(['dev'])

type Layer = 'errors' | 'core' | 'feature' | 'cli' | 'root'

/** The part a file in src/ belongs to: its top folder, or `errors` / `index` for the files at the top. */
function partOf(file: string): string {
  const [first, ...rest] = relative(src, file).split(sep)
  return rest.length === 0 ? first!.replace(/\.[jt]s$/, '') : first!
}

function layerOf(part: string): Layer | undefined {
  // deprecations.ts sits beside errors.ts: every part may warn, and it imports nothing of the library.
  if (part === 'errors' || part === 'deprecations') return 'errors'
  if (part === 'index') return 'root'
  if (part === 'cli') return 'cli'
  if (part in CORE) return 'core'
  if (FEATURES.has(part)) return 'feature'
  return undefined
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

/** Every module specifier a file imports, re-exports or import()s with a literal. */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((i) => i.fileName)
}

/** Why `from` (a part) may not import `spec` (resolved against `file`), or undefined when it may. */
function violation(file: string, from: string, spec: string): string | undefined {
  if (spec === 'fastify-aws' || spec.startsWith('fastify-aws/')) return 'imports the package by its own name; use a relative path'
  const fromLayer = layerOf(from)!
  if (spec.startsWith('@aws-sdk/') && from === 'jobs') return 'jobs imports no AWS client'
  if (!spec.startsWith('.')) return undefined
  const target = resolve(dirname(file), spec)
  if (!target.startsWith(src + sep)) return `imports ${relative(root, target)}, outside src/ (the reference service and tests are not part of the library)`
  const to = partOf(target)
  if (to === from) return undefined
  const toLayer = layerOf(to)
  if (toLayer === undefined) return `imports ${to}, which has no layer`
  if (toLayer === 'cli') return 'nothing imports cli'
  if (toLayer === 'root') return 'nothing imports the package root (src/index.ts)'
  if (fromLayer === 'errors') return 'errors imports nothing of the library'
  if (fromLayer === 'core') {
    if (toLayer === 'feature') return `core part ${from} imports feature ${to}`
    if (toLayer === 'core' && CORE[to]! >= CORE[from]!) return `core part ${from} imports core part ${to}, which is not below it (${Object.entries(CORE).map(([p, r]) => `${p} ${r}`).join(', ')})`
  }
  if (fromLayer === 'feature' && toLayer === 'feature' && !ASSEMBLES_FEATURES.has(from)) return `feature ${from} imports feature ${to}; move what both need into a core part`
  return undefined
}

const files = sourceFiles(src)

t.test('every part of src/ has a layer', async (t) => {
  const unknown = [...new Set(files.map(partOf))].filter((p) => layerOf(p) === undefined)
  t.same(unknown, [], 'a new folder gets its layer here and in DESIGN.md')
})

t.test('every import in src/ points down the layers: cli → features → core → errors', async (t) => {
  const problems: string[] = []
  for (const file of files) {
    const from = partOf(file)
    if (layerOf(from) === undefined) continue
    for (const spec of importsOf(file)) {
      const why = violation(file, from, spec)
      if (why) problems.push(`${relative(root, file)}: '${spec}': ${why}`)
    }
  }
  t.same(problems, [], problems.join('\n'))
  t.ok(files.length > 50, `checked ${files.length} files`)
})

t.test('the check catches each kind of forbidden import', async (t) => {
  const at = (part: string) => join(src, part, 'x.ts')
  t.match(violation(at('worker'), 'worker', '../sqsd/daemon.js'), /feature worker imports feature sqsd/)
  t.equal(violation(at('dev'), 'dev', '../sqsd/daemon.js'), undefined, 'dev assembles the stack')
  t.match(violation(at('jobs'), 'jobs', '@aws-sdk/client-sqs'), /jobs imports no AWS client/)
  t.match(violation(at('jobs'), 'jobs', '../sqs/index.js'), /core part jobs imports core part sqs/)
  t.match(violation(at('sqs'), 'sqs', '../queue/index.js'), /core part sqs imports core part queue/)
  t.match(violation(at('queue'), 'queue', '../poller/index.js'), /core part queue imports feature poller/)
  t.match(violation(at('poller'), 'poller', '../cli/main.js'), /nothing imports cli/)
  t.match(violation(at('dev'), 'dev', '../../service/app.js'), /outside src\//)
  t.match(violation(at('worker'), 'worker', 'fastify-aws/jobs'), /by its own name/)
  t.match(violation(join(src, 'errors.ts'), 'errors', './jobs/index.js'), /errors imports nothing/)
  t.equal(violation(at('cli'), 'cli', '../poller/index.js'), undefined)
  t.equal(violation(at('queue'), 'queue', '../jobs/index.js'), undefined)
})

t.test('the reference service uses the package as any app does: fastify-aws/*, never ../src', async (t) => {
  const service = join(root, 'service')
  const problems: string[] = []
  for (const file of sourceFiles(service)) {
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.') && !resolve(dirname(file), spec).startsWith(service + sep)) problems.push(`${relative(root, file)}: '${spec}'`)
    }
  }
  t.same(problems, [], 'import fastify-aws/<part> instead')
})
