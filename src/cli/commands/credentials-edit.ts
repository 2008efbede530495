// `fastify-aws credentials edit`: decrypt to a private temporary file, open the editor, check, encrypt again.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path'
import {
  awsCredentialsIn,
  decryptRailsCredentials,
  keyHint,
  parseCredentialsYaml,
  railsCredentialsKey,
  writeRailsCredentials,
  type RailsCredentialsLocation,
} from '../../aws/rails-credentials.js'
import { generateRailsKey, parseRailsKey } from '../../aws/rails-encryption.js'
import { CredentialsEditError, CredentialsKeyMissingError } from '../../errors.js'
import type { CommandIo } from '../command.js'
import { credentialsTarget } from './credentials-target.js'

/** What a new credentials file starts as. */
const TEMPLATE = `# Rails encrypted credentials: fastify-aws, Rails and aws-sdk-rails read this file with the same key.
# AWS clients sign with the keys under aws: (they beat AWS_ACCESS_KEY_ID, profiles and the instance role;
# keys given in code or config/aws.yml beat them).
#
# aws:
#   access_key_id: AKIA...
#   secret_access_key: ...
`

/** Opens the credentials in `$VISUAL` / `$EDITOR` and saves them encrypted; creates key and file when absent. */
export async function runCredentialsEdit(io: CommandIo): Promise<number> {
  const { location } = credentialsTarget(io, {})
  // Before anything is created or decrypted: without an editor there is nothing to do.
  const editor = [io.env.VISUAL, io.env.EDITOR].find((e) => e !== undefined && e.trim() !== '')
  if (editor === undefined) {
    throw new CredentialsEditError(`No editor to open ${location.file} with: set EDITOR (or VISUAL), e.g. EDITOR="code --wait" fastify-aws credentials edit. Nothing was changed.`)
  }
  const given = railsCredentialsKey(location)
  if (given === undefined && existsSync(location.path)) {
    // A new key would make the file unreadable for everyone who has the old one: never replace it silently.
    throw new CredentialsKeyMissingError(
      location.file,
      `${keyHint(location)}. To start over without the old values instead, delete ${location.file} and run fastify-aws credentials edit again.`,
    )
  }
  // Decrypted without reading the YAML: a file whose YAML is broken is opened to be fixed.
  const existing = existsSync(location.path) ? decryptRailsCredentials(location) : undefined
  const newKey = given === undefined ? generateRailsKey() : undefined
  const key = given?.key ?? (parseRailsKey(newKey!) as { ok: true; key: Buffer }).key

  const before = existing?.text ?? TEMPLATE
  const after = await editInTemporaryFile(before, basename(location.path).replace(/\.enc$/, ''), editor, io)
  try {
    awsCredentialsIn(parseCredentialsYaml(after, location.file), location.file)
  } catch (err) {
    throw new CredentialsEditError(`${(err as Error).message} Your edits were not saved (the temporary file is removed): run fastify-aws credentials edit again.`)
  }
  if (existing !== undefined && after === existing.text) {
    io.stdout.write(`No changes: ${location.file} left as it was.\n`)
  } else {
    mkdirSync(dirname(location.path), { recursive: true })
    if (newKey !== undefined) {
      mkdirSync(dirname(location.keyPath), { recursive: true })
      // 'wx': never replace a key file that appeared meanwhile (another file may be encrypted with it).
      writeFileSync(location.keyPath, newKey, { mode: 0o600, flag: 'wx' })
    }
    writeRailsCredentials(location, key, after, existing?.serializer ?? 'marshal')
    io.stdout.write(`${location.file}: encrypted and saved.\n`)
    if (newKey !== undefined) {
      io.stdout.write(
        `Created ${location.keyFile}, the key of ${location.file}: keep it safe and out of version control (without it the file cannot be read); give it to deployments as RAILS_MASTER_KEY.\n`,
      )
    }
  }
  // A key file that exists must never be committed, whoever made it.
  if (location.masterKey === undefined) {
    const ignored = ignoreKeyFile(location)
    if (ignored !== undefined) io.stdout.write(`${ignored}\n`)
  }
  return 0
}

/**
 * Writes `text` to a file in a new private directory (0700, file 0600), runs the editor on it and returns what it
 * holds afterwards. The directory is removed whatever happens: editor failure, a signal, an exception.
 */
async function editInTemporaryFile(text: string, name: string, editor: string, io: CommandIo): Promise<string> {
  const dir = mkdtempSync(join(io.env.TMPDIR?.trim() || tmpdir(), 'fastify-aws-credentials-'))
  try {
    const file = join(dir, name)
    writeFileSync(file, text, { mode: 0o600 })
    await runEditor(editor, file, io)
    return readFileSync(file, 'utf8')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Runs `$EDITOR file` through the shell (EDITOR may carry arguments: "code --wait"), on this terminal. Ctrl-C
 * reaches the editor, which decides; this process waits for it so the temporary file is always removed.
 */
function runEditor(editor: string, file: string, io: CommandIo): Promise<void> {
  return new Promise((resolve, reject) => {
    // exec: the shell becomes the editor, so a forwarded signal reaches the editor itself, not a shell that leaves it running.
    const child = spawn('/bin/sh', ['-c', `exec ${editor} "$1"`, 'fastify-aws', file], { stdio: 'inherit', env: io.env, cwd: io.cwd })
    const ignore = (): void => {}
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal)
    }
    process.on('SIGINT', ignore)
    process.on('SIGTERM', forward)
    process.on('SIGHUP', forward)
    const done = (): void => {
      process.off('SIGINT', ignore)
      process.off('SIGTERM', forward)
      process.off('SIGHUP', forward)
    }
    child.once('error', (err) => {
      done()
      reject(new CredentialsEditError(`Cannot start the editor (${editor}): ${err.message}. Nothing was saved.`))
    })
    child.once('exit', (code, signal) => {
      done()
      if (code === 0) return resolve()
      const how = signal !== null ? `was stopped by ${signal}` : `exited with ${code}${code === 127 ? ' (command not found?)' : ''}`
      reject(new CredentialsEditError(`The editor (${editor}) ${how}: nothing was saved.`))
    })
  })
}

/** Adds the key file to the .gitignore of the working directory unless a line names it already; says what it did. */
function ignoreKeyFile(location: RailsCredentialsLocation): string | undefined {
  const rel = relative(location.cwd, location.keyPath)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined
  const line = `/${rel.split(sep).join('/')}`
  const gitignore = join(location.cwd, '.gitignore')
  const current = existsSync(gitignore) ? readFileSync(gitignore, 'utf8') : ''
  if (current.split(/\r?\n/).some((l) => l.trim() === line || l.trim() === line.slice(1))) return undefined
  writeFileSync(gitignore, `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}${line}\n`)
  return `Added ${line} to .gitignore.`
}
