// `fastify-aws bundle`: the Elastic Beanstalk source bundle (a zip) of the app it runs in, with the built code.
// In: package.json (without the scripts that need dev dependencies, and required peers as dependencies), the lock
// file, Procfile, cron.yaml, .ebextensions/, .platform/, config/, and the build folders the Procfile starts from.
// Not in: node_modules (EB installs the dependencies), sources, tests. Refused: a missing or stale build, a
// node_modules/ or a secret-looking file inside what goes in, an engines.node no EB platform branch meets.
import { execFileSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import semver from 'semver'
import { ZipFile } from 'yazl'
import { DeployBundleError } from '../errors.js'
import { readManifest, type AppManifest } from './app-facts.js'
import { nodeScript } from './deployment-files.js'
import { EB_NODE_VERSIONS } from './eb-platform.js'

const REQUIRED_FILES = ['package.json', 'package-lock.json', 'Procfile']
const OPTIONAL_FILES = ['cron.yaml']
const REQUIRED_DIRS = ['.ebextensions']
const OPTIONAL_DIRS = ['.platform', 'config']
/** Scripts that must not run on the instance (they need dev dependencies or the sources). */
const DROPPED_SCRIPTS = ['prepare', 'prestart', 'postinstall']
/** Files that hold secrets and must never ship in a bundle (keys of Rails credentials included). */
const SECRET = /^(?:\.env(?:\..*)?|\.npmrc|.*\.key|.*\.pem)$/

/** What {@link bundleApp} needs. */
export interface BundleOptions {
  /** The app's root (where package.json is). */
  root: string
  /** The zip to write (default `<root>/<name>-bundle.zip`). */
  out?: string | undefined
  /** Folders of sources the build is compared with (default `src` when it exists). */
  sources?: readonly string[] | undefined
}

/** What {@link bundleApp} wrote. */
export interface BundleResult {
  out: string
  files: number
  bytes: number
  /** Peers moved to dependencies in the bundled package.json. */
  promoted: string[]
}

/** Writes the source bundle, or throws a {@link DeployBundleError} naming what is wrong and the fix (nothing written). */
export async function bundleApp(options: BundleOptions): Promise<BundleResult> {
  const { root } = options
  for (const f of REQUIRED_FILES) {
    if (!existsSync(join(root, f))) throw new DeployBundleError(`${f} is missing in ${root}; a source bundle needs it${f === 'Procfile' ? ' (run "fastify-aws init")' : f === 'package-lock.json' ? ' (run "npm install")' : ''}.`)
  }
  for (const d of REQUIRED_DIRS) if (!existsSync(join(root, d))) throw new DeployBundleError(`${d}/ is missing in ${root}: run "fastify-aws init" to write it.`)
  const pkg = readManifest(root)
  checkEngines(pkg)

  const targets = readFileSync(join(root, 'Procfile'), 'utf8')
    .split('\n')
    .map((line) => nodeScript(line.replace(/^[\w-]+:\s*/, '')))
    .filter((t): t is string => t !== undefined)
  if (targets.length === 0) throw new DeployBundleError('the Procfile starts no "node <file>": write "web: node dist/server.js" (your built entry point) in it.')
  for (const target of targets) {
    if (!existsSync(join(root, target))) throw new DeployBundleError(`the Procfile starts ${target}, which does not exist: run "npm run build" first.`)
  }
  const buildDirs = [...new Set([...targets, ...packageEntries(pkg)].map((t) => t.replace(/^\.\//, '').split('/')[0]!))].filter(
    (d) => existsSync(join(root, d)) && statSync(join(root, d)).isDirectory(),
  )
  checkFresh(root, buildDirs, options.sources ?? ['src'])

  const files: string[] = []
  const dirs: string[] = []
  for (const f of [...REQUIRED_FILES, ...OPTIONAL_FILES]) if (existsSync(join(root, f))) files.push(f)
  for (const d of [...REQUIRED_DIRS, ...buildDirs, ...OPTIONAL_DIRS]) if (existsSync(join(root, d)) && !dirs.includes(d)) walk(root, join(root, d), files, dirs)
  for (const f of targets.map((t) => t.replace(/^\.\//, ''))) if (!files.includes(f)) files.push(f) // an entry at the root

  const { manifest, promoted } = deployedManifest(pkg)
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`
  /** Files whose bundled content differs from the app's. */
  const rewritten = new Map<string, Buffer>([['package.json', Buffer.from(manifestText)]])
  if (promoted.length > 0) rewritten.set('package-lock.json', deployedLock(root, manifestText))

  const entries = [
    ...dirs.map((d) => ({ name: `${d.split(sep).join('/')}/`, abs: join(root, d), data: undefined })),
    ...files.map((f) => ({ name: f.split(sep).join('/'), abs: join(root, f), data: rewritten.get(f) })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))

  const out = options.out ?? join(root, `${(pkg.name ?? 'app').replace(/^@/, '').replace(/\//g, '-')}-bundle.zip`)
  // The output first: a path that cannot be written is refused before a single file is read.
  const file = createWriteStream(out)
  try {
    await once(file, 'open')
  } catch (err) {
    throw new DeployBundleError(`cannot write ${out}: ${(err as Error).message}. Give another path with --out.`)
  }
  const zip = new ZipFile()
  for (const e of entries) {
    const st = statSync(e.abs)
    if (e.name.endsWith('/')) zip.addEmptyDirectory(e.name, { mtime: st.mtime, mode: 0o40755 })
    else if (e.data) zip.addBuffer(e.data, e.name, { mtime: st.mtime, mode: 0o100000 | (st.mode & 0o777), compressionLevel: 9 })
    else zip.addFile(e.abs, e.name, { mtime: st.mtime, mode: 0o100000 | (st.mode & 0o777), compressionLevel: 9 })
  }
  zip.end()
  let bytes = 0
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject)
      zip.outputStream.on('data', (chunk: Buffer) => (bytes += chunk.length))
      zip.outputStream.on('error', reject)
      file.on('error', reject)
      file.on('close', resolve)
      zip.outputStream.pipe(file)
    })
  } catch (err) {
    file.destroy()
    rmSync(out, { force: true })
    throw new DeployBundleError(`cannot write ${out}: ${(err as Error).message}. Give another path with --out.`)
  }
  return { out, files: files.length, bytes, promoted }
}

/** Files package.json points at (main, bin, exports): an app that imports itself by name needs them too. */
function packageEntries(pkg: AppManifest): string[] {
  const out: string[] = []
  const visit = (v: unknown): void => {
    if (typeof v === 'string') out.push(v)
    else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) visit(x)
  }
  visit(pkg.main)
  visit(pkg.bin)
  visit(pkg.exports)
  return out.filter((f) => f.startsWith('./') || !f.startsWith('.'))
}

/** engines.node must admit the Node.js of at least one EB platform branch, or EB's npm refuses the install. */
function checkEngines(pkg: AppManifest): void {
  const range = pkg.engines?.node
  if (range === undefined) return
  if (semver.validRange(range) === null) throw new DeployBundleError(`package.json engines.node "${range}" is not a valid semver range: write e.g. ">=22".`)
  if (!EB_NODE_VERSIONS.some((v) => semver.satisfies(v, range))) {
    throw new DeployBundleError(
      `package.json engines.node "${range}" admits none of Elastic Beanstalk's Node.js platform branches (${EB_NODE_VERSIONS.join(', ')}): widen it (e.g. ">=22").`,
    )
  }
}

/** The newest source file must not be newer than the newest file of the build: else the bundle ships old code. */
function checkFresh(root: string, buildDirs: readonly string[], sources: readonly string[]): void {
  const present = sources.filter((s) => existsSync(join(root, s)))
  if (present.length === 0 || buildDirs.length === 0) return
  const newestSource = Math.max(...present.map((s) => newest(join(root, s))))
  const newestBuild = Math.max(...buildDirs.map((d) => newest(join(root, d))))
  if (newestSource > newestBuild) {
    throw new DeployBundleError(`the build in ${buildDirs.join(', ')}/ is older than ${present.join(', ')}/ (changed since the last build): run "npm run build" first.`)
  }
}

function newest(path: string): number {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let max = 0
  for (const name of readdirSync(path)) if (name !== 'node_modules') max = Math.max(max, newest(join(path, name)))
  return max
}

/** Every file under `dir` (sorted, so a bundle of the same tree is the same), refusing node_modules and secrets. */
function walk(root: string, dir: string, files: string[], dirs: string[]): void {
  dirs.push(relative(root, dir))
  for (const name of readdirSync(dir).sort()) {
    if (name === '.DS_Store') continue
    const abs = join(dir, name)
    const shown = relative(root, abs)
    if (name === 'node_modules') throw new DeployBundleError(`${shown}/ would go into the bundle: EB installs the dependencies itself. Remove it from ${relative(root, dir)}/.`)
    const st = statSync(abs)
    if (st.isDirectory()) walk(root, abs, files, dirs)
    else if (st.isFile()) {
      if (SECRET.test(name)) throw new DeployBundleError(`${shown} looks like a secret and would go into the bundle: move it out of ${relative(root, dir)}/ (set secrets as environment properties, or RAILS_MASTER_KEY).`)
      files.push(shown)
    }
  }
}

/**
 * The package.json the instance installs from: no build scripts, and the peers the app must provide (not the
 * optional ones) as dependencies, at the range the app tests with (its devDependencies).
 */
function deployedManifest(pkg: AppManifest): { manifest: AppManifest; promoted: string[] } {
  const manifest: AppManifest = { ...pkg }
  if (pkg.scripts) {
    const scripts = { ...pkg.scripts }
    for (const s of DROPPED_SCRIPTS) delete scripts[s]
    manifest.scripts = scripts
  }
  const optional = pkg.peerDependenciesMeta ?? {}
  const promoted = Object.keys(pkg.peerDependencies ?? {}).filter((name) => !optional[name]?.optional && !pkg.dependencies?.[name])
  if (promoted.length === 0) return { manifest, promoted }
  const dependencies = { ...pkg.dependencies }
  const devDependencies = { ...pkg.devDependencies }
  const peerDependencies = { ...pkg.peerDependencies }
  for (const name of promoted) {
    dependencies[name] = devDependencies[name] ?? peerDependencies[name]!
    delete devDependencies[name]
    delete peerDependencies[name]
  }
  manifest.dependencies = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => (a < b ? -1 : 1)))
  manifest.devDependencies = devDependencies
  manifest.peerDependencies = peerDependencies
  if (Object.keys(peerDependencies).length === 0) delete manifest.peerDependencies
  return { manifest, promoted }
}

/** package-lock.json for `manifest`, derived by npm from the app's lock: the same versions, flags recomputed. */
function deployedLock(root: string, manifestText: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-bundle-lock-'))
  try {
    writeFileSync(join(dir, 'package.json'), manifestText)
    writeFileSync(join(dir, 'package-lock.json'), readFileSync(join(root, 'package-lock.json')))
    try {
      execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--package-lock-only', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      })
    } catch (err) {
      throw new DeployBundleError(`npm could not derive the bundle's package-lock.json: ${String((err as { stderr?: unknown }).stderr ?? (err as Error).message).trim()}`)
    }
    return readFileSync(join(dir, 'package-lock.json'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
