// What init learns about an app: name, built entry point, port, jobs module, whether it uses sessions/mail.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DeployInitError } from '../errors.js'
import { nodeScript } from './deployment-files.js'
import type { AppFacts } from './templates.js'

/** The parts of an app's package.json the deploy commands read. */
export interface AppManifest {
  name?: string
  main?: string
  scripts?: Record<string, string>
  engines?: { node?: string }
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  'fastify-aws'?: { jobs?: string }
  [key: string]: unknown
}
/** What flags may say instead of package.json. */
export interface AppFactOverrides { entry?: string | undefined; port?: number | undefined; jobs?: string | undefined }

/** Reads `<root>/package.json`; missing or invalid is a DeployInitError naming the file and the fix. */
export function readManifest(root: string): AppManifest {
  const file = join(root, 'package.json')
  if (!existsSync(file)) throw new DeployInitError(`${file} does not exist: run "fastify-aws init" in your app's root folder (where its package.json is).`)
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as AppManifest
  } catch (err) {
    throw new DeployInitError(`${file} is not valid JSON (${(err as Error).message}); fix it first.`)
  }
}

/** The app's name, entry point, port and jobs module, from flags, package.json and the built entry. */
export function appFacts(root: string, given: AppFactOverrides = {}): AppFacts {
  const pkg = readManifest(root)
  const start = pkg.scripts?.start
  const entry = given.entry ?? (start ? nodeScript(start) : undefined) ?? (pkg.main && /\.[cm]?js$/.test(pkg.main) ? pkg.main : undefined)
  if (entry === undefined) {
    throw new DeployInitError('cannot tell which built file starts the app: package.json has no "start": "node <file>" script and no .js "main". Give it: fastify-aws init --entry dist/server.js')
  }
  return {
    name: pkg.name ?? 'app',
    entry: entry.replace(/^\.\//, ''),
    port: given.port ?? portOf(root, start, entry) ?? 8080,
    jobsModule: given.jobs ?? pkg['fastify-aws']?.jobs ?? ['dist/jobs.js', 'build/jobs.js', 'dist/jobs/index.js'].find((f) => existsSync(join(root, f))),
  }
}

function portOf(root: string, start: string | undefined, entry: string): number | undefined {
  const fromScript = start ? /\bPORT=(\d+)/.exec(start)?.[1] : undefined
  if (fromScript) return Number(fromScript)
  const file = join(root, entry)
  if (!existsSync(file)) return undefined
  const m = /PORT\s*(?:\?\?|\|\|)\s*['"]?(\d{2,5})/.exec(readFileSync(file, 'utf8'))
  return m ? Number(m[1]) : undefined
}

/** Whether the app's code imports fastify-aws/sessions or fastify-aws/mail (what `init --web` configures). */
export function webParts(root: string, entry: string): { sessions: boolean; mail: boolean } {
  const found = { sessions: false, mail: false }
  const dirs = ['src', entry.split('/')[0]!].filter((d, i, all) => all.indexOf(d) === i && existsSync(join(root, d)))
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules') continue
      const p = join(dir, name)
      if (statSync(p).isDirectory()) visit(p)
      else if (/\.[cm]?[jt]s$/.test(name)) {
        const text = readFileSync(p, 'utf8')
        found.sessions ||= text.includes('fastify-aws/sessions')
        found.mail ||= text.includes('fastify-aws/mail')
      }
    }
  }
  for (const d of dirs) visit(join(root, d))
  return found
}
