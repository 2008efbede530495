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
// Plain Node (node:zlib deflate + CRC-32): no zip program and no dependency needed.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateRawSync } from 'node:zlib'

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

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

function crc32(buf) {
  let c = 0xffffffff
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** MS-DOS date and time (local time, 2-second resolution), as zip stores them. */
function dosDateTime(date) {
  const year = Math.max(1980, date.getFullYear())
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  }
}

/** Builds a zip archive from `{ name, data?, mode, mtime }` entries (a name ending in "/" is a directory). */
function zip(entries) {
  const locals = []
  const centrals = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8')
    const isDir = e.name.endsWith('/')
    const raw = isDir ? Buffer.alloc(0) : e.data
    const deflated = isDir ? raw : deflateRawSync(raw, { level: 9 })
    const method = !isDir && deflated.length < raw.length ? 8 : 0
    const body = method === 8 ? deflated : raw
    const crc = isDir ? 0 : crc32(raw)
    if (offset > 0xfffffffe || raw.length > 0xfffffffe) fail('the bundle is over 4 GiB, which needs ZIP64; it is not supported')
    const { time, date } = dosDateTime(e.mtime)

    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4) // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6) // flags: names are UTF-8
    local.writeUInt16LE(method, 8)
    local.writeUInt16LE(time, 10)
    local.writeUInt16LE(date, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(raw.length, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28) // extra field length
    locals.push(local, name, body)

    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by: Unix, 2.0 (so the mode below is read)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt16LE(time, 12)
    central.writeUInt16LE(date, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(body.length, 20)
    central.writeUInt32LE(raw.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt16LE(0, 30) // extra
    central.writeUInt16LE(0, 32) // comment
    central.writeUInt16LE(0, 34) // disk
    central.writeUInt16LE(0, 36) // internal attributes
    const mode = isDir ? 0o40755 : 0o100000 | (e.mode & 0o777)
    central.writeUInt32LE(((mode << 16) | (isDir ? 0x10 : 0)) >>> 0, 38) // Unix mode + MS-DOS directory bit
    central.writeUInt32LE(offset, 42)
    centrals.push(central, name)

    offset += local.length + name.length + body.length
  }
  const cd = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(0, 4)
  end.writeUInt16LE(0, 6)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  end.writeUInt16LE(0, 20)
  if (entries.length > 0xffff) fail('more than 65535 files need ZIP64; it is not supported')
  return Buffer.concat([...locals, cd, end])
}

function main() {
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

  const entries = []
  for (const d of dirs) entries.push({ name: `${d.split(sep).join('/')}/`, mode: 0o755, mtime: statSync(join(root, d)).mtime })
  for (const f of files) {
    const abs = join(root, f)
    const st = statSync(abs)
    let data = readFileSync(abs)
    if (f === 'package.json' && pkg.scripts) {
      const scripts = { ...pkg.scripts }
      for (const s of DROPPED_SCRIPTS) delete scripts[s]
      data = Buffer.from(`${JSON.stringify({ ...pkg, scripts }, null, 2)}\n`)
    }
    entries.push({ name: f.split(sep).join('/'), data, mode: st.mode, mtime: st.mtime })
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const archive = zip(entries)
  writeFileSync(out, archive)
  const shown = relative(process.cwd(), out) || out
  process.stdout.write(`bundle: wrote ${shown.startsWith('..') ? out : shown} (${files.length} files, ${archive.length} bytes)\n`)
}

main()
