#!/usr/bin/env node
// `npm run bundle`: writes the Elastic Beanstalk source bundle (a zip) of the reference service, with the built code.
//
//   node scripts/bundle.js [--root <dir>] [--out <file.zip>]
//
// Included: package.json, package-lock.json, Procfile, cron.yaml, .ebextensions/, .platform/, dist/, build/ (the
// reference service, built beside the library), config/ (when present). Not included: node_modules (EB installs
// the dependencies), src/, test/, anything else.
// package.json goes in without its `prepare`/`prestart` scripts: EB runs `npm install` with dev dependencies
// omitted, so `prepare` (tsc) would fail the deployment; dist/ is already in the bundle.
// The library declares fastify as a peer (the app brings it), kept for its own tests as a dev dependency; the
// service is the app here, so in the bundle the required peers become dependencies, and package-lock.json is
// re-derived from the same lock by npm (same versions, no download) so `npm ci --omit=dev` installs them.
// The zip is written by yazl (streamed, ZIP64 when needed), which a `fastify-aws bundle` command can use as well.
import { execFileSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ZipFile } from 'yazl'

const REQUIRED_FILES = ['package.json', 'package-lock.json', 'Procfile']
const OPTIONAL_FILES = ['cron.yaml']
const REQUIRED_DIRS = ['dist', '.ebextensions']
const OPTIONAL_DIRS = ['.platform', 'config', 'build']
/** Scripts that must not run on the instance (they need dev dependencies or src/). */
const DROPPED_SCRIPTS = ['prepare', 'prestart']

function fail(message) {
  process.stderr.write(`bundle: ${message}\n`)
  process.exit(1)
}

function parseArgs(argv) {
  const out = { root: resolve(dirname(fileURLToPath(import.meta.url)), '..'), out: undefined }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = argv[i + 1]
    if ((flag === '--root' || flag === '--out') && value !== undefined && !value.startsWith('--')) {
      out[flag.slice(2)] = resolve(value)
      i++
    } else if (flag === '--help' || flag === '-h') {
      process.stdout.write('Usage: node scripts/bundle.js [--root <dir>] [--out <file.zip>]\n')
      process.exit(0)
    } else {
      fail(`unknown or incomplete argument "${flag}". Usage: node scripts/bundle.js [--root <dir>] [--out <file.zip>]`)
    }
  }
  out.out ??= join(out.root, 'fastify-aws-bundle.zip')
  return out
}

/** Every file under `dir` (sorted, so the bundle is the same for the same tree), as paths relative to `root`. */
function walk(root, dir, files, dirs) {
  dirs.push(relative(root, dir))
  for (const name of readdirSync(dir).sort()) {
    if (name === '.DS_Store') continue
    const abs = join(dir, name)
    const st = statSync(abs)
    if (st.isDirectory()) walk(root, abs, files, dirs)
    else if (st.isFile()) files.push(relative(root, abs))
  }
}

/**
 * The package.json the instance installs from: no build scripts, and the peers the app must provide (not the
 * optional ones) as dependencies, at the version range the repository tests with (its devDependencies).
 */
function deployedManifest(pkg) {
  const manifest = { ...pkg }
  if (pkg.scripts) {
    manifest.scripts = { ...pkg.scripts }
    for (const s of DROPPED_SCRIPTS) delete manifest.scripts[s]
  }
  const optional = pkg.peerDependenciesMeta ?? {}
  const promoted = Object.keys(pkg.peerDependencies ?? {}).filter((name) => !optional[name]?.optional && !pkg.dependencies?.[name])
  if (promoted.length === 0) return { manifest, promoted }
  const dependencies = { ...pkg.dependencies }
  const devDependencies = { ...pkg.devDependencies }
  const peerDependencies = { ...pkg.peerDependencies }
  for (const name of promoted) {
    dependencies[name] = devDependencies[name] ?? peerDependencies[name]
    delete devDependencies[name]
    delete peerDependencies[name]
  }
  manifest.dependencies = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => (a < b ? -1 : 1)))
  manifest.devDependencies = devDependencies
  manifest.peerDependencies = peerDependencies
  if (Object.keys(peerDependencies).length === 0) delete manifest.peerDependencies
  return { manifest, promoted }
}

/** package-lock.json for `manifest`, derived by npm from the repository's lock: the same versions, flags recomputed. */
function deployedLock(root, manifestText) {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-bundle-lock-'))
  try {
    writeFileSync(join(dir, 'package.json'), manifestText)
    writeFileSync(join(dir, 'package-lock.json'), readFileSync(join(root, 'package-lock.json')))
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    try {
      execFileSync(npm, ['install', '--package-lock-only', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      })
    } catch (err) {
      fail(`npm could not derive the bundle's package-lock.json: ${String(err.stderr ?? err.message).trim()}`)
    }
    return readFileSync(join(dir, 'package-lock.json'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main() {
  const { root, out } = parseArgs(process.argv.slice(2))
  for (const f of REQUIRED_FILES) if (!existsSync(join(root, f))) fail(`${f} is missing in ${root}; a source bundle needs it.`)
  for (const d of REQUIRED_DIRS) {
    if (!existsSync(join(root, d))) {
      fail(d === 'dist' ? `dist/ is missing in ${root}: run "npm run build" first (or "npm run bundle", which builds).` : `${d}/ is missing in ${root}.`)
    }
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const procfile = readFileSync(join(root, 'Procfile'), 'utf8')
  for (const m of procfile.matchAll(/node\s+(\S+\.m?js)/g)) {
    if (!existsSync(join(root, m[1]))) fail(`the Procfile starts ${m[1]}, which does not exist: run "npm run build" first.`)
  }

  const files = []
  const dirs = []
  for (const f of [...REQUIRED_FILES, ...OPTIONAL_FILES]) if (existsSync(join(root, f))) files.push(f)
  for (const d of [...REQUIRED_DIRS, ...OPTIONAL_DIRS]) if (existsSync(join(root, d))) walk(root, join(root, d), files, dirs)

  const { manifest, promoted } = deployedManifest(pkg)
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`
  /** Files whose bundled content differs from the repository's. */
  const rewritten = new Map([['package.json', Buffer.from(manifestText)]])
  if (promoted.length > 0) rewritten.set('package-lock.json', deployedLock(root, manifestText))

  const entries = [
    ...dirs.map((d) => ({ name: `${d.split(sep).join('/')}/`, abs: join(root, d) })),
    ...files.map((f) => ({ name: f.split(sep).join('/'), abs: join(root, f), data: rewritten.get(f) })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))

  const zip = new ZipFile()
  for (const e of entries) {
    const st = statSync(e.abs)
    const options = { mtime: st.mtime, mode: 0o100000 | (st.mode & 0o777), compressionLevel: 9 }
    if (e.name.endsWith('/')) zip.addEmptyDirectory(e.name, { mtime: st.mtime, mode: 0o40755 })
    else if (e.data) zip.addBuffer(e.data, e.name, options)
    else zip.addFile(e.abs, e.name, options)
  }
  zip.end()
  let size = 0
  await new Promise((resolvePromise, reject) => {
    const file = createWriteStream(out)
    zip.outputStream.on('data', (chunk) => (size += chunk.length))
    zip.outputStream.on('error', reject)
    file.on('error', reject)
    file.on('close', resolvePromise)
    zip.outputStream.pipe(file)
  }).catch((err) => {
    rmSync(out, { force: true })
    fail(`cannot write ${out}: ${err.message}`)
  })
  const shown = relative(process.cwd(), out) || out
  const note = promoted.length > 0 ? `; ${promoted.join(', ')} from peer to dependency` : ''
  process.stdout.write(`bundle: wrote ${shown.startsWith('..') ? out : shown} (${files.length} files, ${size} bytes${note})\n`)
}

await main()
