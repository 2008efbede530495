// Rails credentials test helpers: project directories with encrypted files, a scripted $EDITOR, and real Ruby.
import { execFile, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'
import { sealRailsMessage, type RailsSerializer } from '../../src/aws/rails-encryption.js'

/** Where the file Rails made (ruby-activesupport 6.1, `EncryptedConfiguration#write`) and its key are. */
export const fixtureDir = fileURLToPath(new URL('./fixtures/rails-6.1/', import.meta.url))

/** That file's key and the AWS keys inside it. */
export const fixture = {
  key: '4c09c9f81d930bc02bdf1ac50c28829b',
  accessKeyId: 'AKIAEXAMPLEKEY123456',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
} as const

/** A fresh project directory (removed after the test) with the Rails-made file and key in config/. */
export function projectWithFixture(t: Test): string {
  const cwd = project(t)
  mkdirSync(join(cwd, 'config'))
  copyFileSync(join(fixtureDir, 'credentials.yml.enc'), join(cwd, 'config', 'credentials.yml.enc'))
  copyFileSync(join(fixtureDir, 'master.key'), join(cwd, 'config', 'master.key'))
  return cwd
}

/** An empty project directory, removed after the test. */
export function project(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-credentials-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Writes `config/<name>` (directories made as needed). */
export function writeProjectFile(cwd: string, name: string, content: string | Buffer): string {
  const path = join(cwd, name)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, content)
  return path
}

/** Encrypts `yaml` as Rails does into `name` (and, when `keyFile` is given, writes the key there). */
export function writeEncrypted(
  cwd: string,
  name: string,
  yaml: string,
  key: string,
  o: { keyFile?: string; serializer?: RailsSerializer } = {},
): void {
  writeProjectFile(cwd, name, sealRailsMessage(yaml, Buffer.from(key, 'hex'), o.serializer))
  if (o.keyFile !== undefined) writeProjectFile(cwd, o.keyFile, `${key}\n`)
}

/** An encrypted file's three parts: base64(data), base64(iv), base64(tag). */
export function parts(path: string): string[] {
  return readFileSync(path, 'utf8').split('--')
}

/** A random key in Rails' form. */
export function newKey(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex')
}

/** What the scripted editor saw: the temporary file's path, its mode and its directory's, and its content. */
export interface EditorVisit {
  path: string
  mode: number
  dirMode: number
  content: string
}

/**
 * `$EDITOR` for `credentials edit` tests: a Node script that records what it was given, then writes `write` into the
 * file (when given) and exits with `exit` (default 0). Returns the ENV to run the CLI with and the visits read back.
 */
export function scriptedEditor(t: Test, o: { write?: string; exit?: number; wait?: boolean } = {}): { env: Record<string, string>; visits(): EditorVisit[]; tmp: string } {
  const dir = project(t)
  const tmp = join(dir, 'tmp')
  mkdirSync(tmp)
  const record = join(dir, 'visits.jsonl')
  const script = fileURLToPath(new URL('./fake-editor.mjs', import.meta.url))
  const env: Record<string, string> = {
    EDITOR: `"${process.execPath}" "${script}"`,
    FAKE_EDITOR_RECORD: record,
    TMPDIR: tmp,
    ...(o.write !== undefined ? { FAKE_EDITOR_WRITE: o.write } : {}),
    ...(o.exit !== undefined ? { FAKE_EDITOR_EXIT: String(o.exit) } : {}),
    ...(o.wait ? { FAKE_EDITOR_WAIT: '1' } : {}),
  }
  const visits = (): EditorVisit[] => {
    try {
      return readFileSync(record, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as EditorVisit)
    } catch {
      return []
    }
  }
  return { env, visits, tmp }
}

// ── Ruby (Debian's ruby-activesupport) ─────────────────────────────────────────────────────────────────────────

const PRELUDE = [
  'require "json"',
  'require "active_support"',
  'require "active_support/encrypted_configuration"',
  'require "active_support/core_ext/hash/keys"',
].join('; ')

/** Why Ruby with ActiveSupport cannot run here (the interop tests are then skipped), or undefined when it can. */
export function rubyMissing(): string | undefined {
  const r = spawnSync('ruby', ['-e', `${PRELUDE}; print ActiveSupport::VERSION::STRING`], { encoding: 'utf8' })
  if (r.error) return `ruby is not installed (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`
  if (r.status !== 0) return `ruby cannot load ActiveSupport: ${r.stderr.trim().split('\n')[0]}`
  return undefined
}

/** The same warning in the test output and on stderr, so a run without Ruby is not mistaken for a pass. */
export function announceRubySkip(reason: string): void {
  const text = `Rails interop tests SKIPPED: ${reason}. Install Debian's ruby-activesupport (apt-get install ruby ruby-activesupport); .ci/run does.`
  process.stderr.write(`\n${'#'.repeat(100)}\n# ${text}\n${'#'.repeat(100)}\n\n`)
}

/** Runs a Ruby script with ActiveSupport loaded; resolves to its stdout, rejects with its stderr. */
export function ruby(script: string, o: { args?: string[]; env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'ruby',
      ['-e', `${PRELUDE}\n${script}`, '--', ...(o.args ?? [])],
      { cwd: o.cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...o.env }, encoding: 'utf8' },
      (err, stdout, stderr) => (err ? reject(new Error(`ruby failed: ${stderr || err.message}`)) : resolve(stdout)),
    )
    child.stdin?.end(o.input ?? '')
  })
}

/** Ruby for `ActiveSupport::EncryptedConfiguration.new(config_path: ARGV[0], key_path: ARGV[1], ...)`. */
export const RUBY_CONFIG = `c = ActiveSupport::EncryptedConfiguration.new(config_path: ARGV[0], key_path: ARGV[1], env_key: "RAILS_MASTER_KEY", raise_if_missing_key: true)`
