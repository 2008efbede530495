// What `npm pack` puts in the published package: the built library, its sources (the source maps point at them),
// README and LICENSE; no tests, benchmarks, reference service, coverage data or bundles.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join, posix } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'

const repo = join(import.meta.dirname, '..', '..')
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  bin: Record<string, string>
  exports: Record<string, string | { types: string; default: string }>
}

// --ignore-scripts: list what is on disk (npm ci and npm run build made dist/); do not rebuild it under other tests.
const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, maxBuffer: 64 * 1024 * 1024 })
const [packed] = JSON.parse(stdout) as [{ files: { path: string }[] }]
const paths = packed.files.map((f) => f.path).sort()
const shipped = new Set(paths)
const stale = 'dist/ is out of date with src/: run "npm run build"'

t.test('only the library, its sources, README, LICENSE and package.json', async (t) => {
  t.same(paths.filter((p) => !/^(dist|src)\//.test(p)), ['LICENSE', 'README.md', 'package.json'])
  for (const forbidden of [/^test\//, /^bench\//, /^\.tap\//, /^coverage\//, /\.zip$/, /(^|\/)service\//, /node_modules\//, /\.tsbuildinfo$/, /^scripts\//, /^examples\//]) {
    t.same(paths.filter((p) => forbidden.test(p)), [], `nothing matching ${forbidden}`)
  }
  t.match(readFileSync(join(repo, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/, 'LICENSE is the Apache License 2.0, as package.json says')
})

t.test('every export and the binary point at shipped files', async (t) => {
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    for (const file of typeof target === 'string' ? [target] : [target.types, target.default]) {
      t.ok(shipped.has(posix.normalize(file)), `${subpath}: ${file} is in the package (${stale})`)
    }
  }
  for (const file of Object.values(pkg.bin)) t.ok(shipped.has(posix.normalize(file)), `bin ${file}`)
})

t.test('every source map points at shipped sources', async (t) => {
  const maps = paths.filter((p) => p.endsWith('.map'))
  t.ok(maps.some((p) => p.endsWith('.js.map')) && maps.some((p) => p.endsWith('.d.ts.map')), 'source maps and declaration maps')
  const missing: string[] = []
  for (const map of maps) {
    const { sources, sourceRoot = '' } = JSON.parse(readFileSync(join(repo, map), 'utf8')) as { sources: string[]; sourceRoot?: string }
    for (const source of sources) {
      const target = posix.normalize(posix.join(dirname(map), sourceRoot, source))
      if (!shipped.has(target)) missing.push(`${map} → ${target}`)
    }
  }
  t.same(missing, [], `no map points at a file outside the package (${stale})`)
  const compiled = paths.filter((p) => p.startsWith('dist/') && p.endsWith('.js'))
  const orphans = compiled.filter((p) => !shipped.has(p.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')))
  t.same(orphans, [], `every compiled file has its source (${stale})`)
})
