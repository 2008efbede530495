// Rails encrypted credentials (config/credentials.yml.enc + config/master.key, or the per-environment pair):
// where they are, how they are opened and written, and the `aws:` section aws-sdk-rails reads from them.
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path'
import yaml from 'js-yaml'
import { yamlExpansionProblem } from '../config/index.js'
import {
  CredentialsContentError,
  CredentialsDecryptError,
  CredentialsFileError,
  CredentialsFormatError,
  CredentialsKeyError,
  CredentialsKeyMissingError,
} from '../errors.js'
import type { AwsCredentials } from './client-factory.js'
import { openRailsMessage, parseRailsKey, sealRailsMessage, type RailsSerializer } from './rails-encryption.js'

/** Where the encrypted file and its key are, and how the key was given. */
export interface RailsCredentialsLocation {
  /** Absolute path of the encrypted file. */
  path: string
  /** The same, as messages show it (relative to the working directory when inside it). */
  file: string
  /** Absolute path of the key file (read only when no key is given by ENV or code). */
  keyPath: string
  /** The key file as messages show it. */
  keyFile: string
  /** A key given directly (ENV or code), and where it came from (`RAILS_MASTER_KEY`, ...), which beats the key file. */
  masterKey?: { value: string; from: string }
  /** What named the file, when an option did (the file must then exist); unset for Rails' default paths. */
  namedBy?: string
  /** The working directory paths are shown against. */
  cwd: string
}

/** An opened credentials file, its YAML read. */
export interface RailsCredentialsDocument extends RailsCredentialsText {
  /** The YAML, parsed (an empty file is an empty mapping). */
  data: Record<string, unknown>
}

/** Keys of the `aws:` section that aws-sdk-rails takes (the others are left to the app). */
export const RAILS_AWS_KEYS = ['access_key_id', 'secret_access_key', 'session_token', 'account_id'] as const

/**
 * Rails' choice of files: `config/credentials/<env>.yml.enc` with `config/credentials/<env>.key` when that file
 * exists, else `config/credentials.yml.enc` with `config/master.key`. An explicit `file` replaces the choice; its key
 * file defaults to the one beside it by the same rule (`<dir>/credentials.yml.enc` → `<dir>/master.key`,
 * `<dir>/<name>.yml.enc` → `<dir>/<name>.key`).
 */
export function locateRailsCredentials(o: {
  cwd: string
  environment: string
  file?: { path: string; by: string }
  keyFile?: string
  masterKey?: { value: string; from: string }
  /** Use the per-environment pair even when it does not exist yet (`credentials edit --environment`). */
  forceEnvironment?: boolean
}): RailsCredentialsLocation {
  let path: string
  if (o.file !== undefined) path = resolve(o.cwd, o.file.path)
  else {
    const perEnvironment = join(o.cwd, 'config', 'credentials', `${o.environment}.yml.enc`)
    path = o.forceEnvironment || existsSync(perEnvironment) ? perEnvironment : join(o.cwd, 'config', 'credentials.yml.enc')
  }
  const keyPath = o.keyFile !== undefined ? resolve(o.cwd, o.keyFile) : keyFileBeside(path)
  return {
    path,
    file: shown(path, o.cwd),
    keyPath,
    keyFile: shown(keyPath, o.cwd),
    ...(o.masterKey !== undefined ? { masterKey: o.masterKey } : {}),
    ...(o.file !== undefined ? { namedBy: o.file.by } : {}),
    cwd: o.cwd,
  }
}

function keyFileBeside(path: string): string {
  const name = basename(path).replace(/\.enc$/, '').replace(/\.ya?ml$/, '')
  return join(dirname(path), name === 'credentials' ? 'master.key' : `${name}.key`)
}

/** The key to open (or write) the file with, or undefined when none is given and the key file does not exist. */
export function railsCredentialsKey(location: RailsCredentialsLocation): { key: Buffer; from: string } | undefined {
  let text: string
  let from: string
  if (location.masterKey !== undefined) {
    ;({ value: text, from } = location.masterKey)
  } else {
    if (!existsSync(location.keyPath)) return undefined
    from = location.keyFile
    try {
      text = readFileSync(location.keyPath, 'latin1')
    } catch (err) {
      throw new CredentialsKeyError(from, `it cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); check its permissions`)
    }
  }
  const parsed = parseRailsKey(text)
  if (!parsed.ok) {
    throw new CredentialsKeyError(from, `${parsed.reason}. Use the key the file was made with (rails credentials:edit wrote it to ${location.keyFile}).`)
  }
  return { key: parsed.key, from }
}

/** How to give the key, for messages. */
export function keyHint(location: RailsCredentialsLocation): string {
  return `Put the key in ${location.keyFile} or set RAILS_MASTER_KEY (or FASTIFY_AWS_MASTER_KEY)`
}

/** A decrypted credentials file, before its YAML is read. */
export interface RailsCredentialsText {
  location: RailsCredentialsLocation
  /** The decrypted YAML text, as written. */
  text: string
  serializer: RailsSerializer
  /** Where the key came from: a key file as shown, or an ENV name. */
  keyFrom: string
}

/**
 * Decrypts the credentials file. Undefined when the file does not exist and no option named it; every other
 * problem (a missing key while the file exists, a wrong key, a changed file, a payload that is not a String)
 * throws an error naming the file and the fix, never a value. The YAML is not read: `credentials edit` must open
 * a file whose YAML is broken, to fix it.
 */
export function decryptRailsCredentials(location: RailsCredentialsLocation): RailsCredentialsText | undefined {
  if (!existsSync(location.path)) {
    if (location.namedBy === undefined) return undefined
    throw new CredentialsFileError(location.file, `no such file (named by ${location.namedBy}; fix the path or unset it)`)
  }
  const key = railsCredentialsKey(location)
  if (key === undefined) {
    throw new CredentialsKeyMissingError(
      location.file,
      `${keyHint(location)}; or set FASTIFY_AWS_RAILS_CREDENTIALS=false (rails_credentials: false in config/aws.yml) so it is not read.`,
    )
  }
  let message: string
  try {
    message = readFileSync(location.path, 'latin1')
  } catch (err) {
    throw new CredentialsFileError(location.file, `${(err as NodeJS.ErrnoException).code ?? 'error'}; check its permissions`)
  }
  const opened = openRailsMessage(message, key.key)
  if (!opened.ok) {
    if (opened.kind === 'decrypt') throw new CredentialsDecryptError(location.file, key.from)
    throw new CredentialsFormatError(location.file, opened.reason)
  }
  return { location, text: opened.text, serializer: opened.serializer, keyFrom: key.from }
}

/**
 * Decrypts the credentials file and reads its YAML ({@link decryptRailsCredentials}, then
 * {@link parseCredentialsYaml}). Undefined when the file does not exist and no option named it.
 */
export function readRailsCredentials(location: RailsCredentialsLocation): RailsCredentialsDocument | undefined {
  const decrypted = decryptRailsCredentials(location)
  return decrypted && { ...decrypted, data: parseCredentialsYaml(decrypted.text, location.file) }
}

/**
 * The decrypted YAML as a mapping (an empty document is an empty one). Errors give the line and the parser's
 * reason only: js-yaml's own message quotes the lines around the mistake, which hold secrets.
 */
export function parseCredentialsYaml(text: string, file: string): Record<string, unknown> {
  let doc: unknown
  try {
    doc = yaml.load(text, { filename: file })
  } catch (err) {
    const e = err as { reason?: unknown; mark?: { line?: number; column?: number } }
    // Reasons such as `unidentified alias "x"` quote the document: keep the words before any quote.
    const reason = typeof e.reason === 'string' ? e.reason.split(/["'<]/)[0]!.trim() : 'it is not YAML'
    const at = e.mark?.line !== undefined ? ` at line ${e.mark.line + 1}, column ${(e.mark.column ?? 0) + 1}` : ''
    throw new CredentialsContentError(file, `its decrypted YAML is invalid${at}: ${reason}. Fix it with fastify-aws credentials edit.`)
  }
  if (doc === undefined || doc === null) return {}
  // Aliases of aliases expand exponentially (or, inside their own anchor, forever) for whatever walks the data.
  const problem = yamlExpansionProblem(doc)
  if (problem !== undefined) throw new CredentialsContentError(file, `its decrypted YAML is refused: ${problem}. Fix it with fastify-aws credentials edit.`)
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new CredentialsContentError(file, `its decrypted YAML is ${Array.isArray(doc) ? 'a list' : `a ${typeof doc}`}, not a mapping of names to values. Fix it with fastify-aws credentials edit.`)
  }
  return doc as Record<string, unknown>
}

/**
 * The credentials in the `aws:` section, as aws-sdk-rails takes them (`access_key_id`, `secret_access_key`,
 * `session_token`, `account_id`; other keys there are the app's own). Undefined when there is no section or no
 * keys in it. Half a key pair, or a value that is not text, is an error naming the key (never the value).
 */
export function awsCredentialsIn(data: Record<string, unknown>, file: string): AwsCredentials | undefined {
  const aws = Object.hasOwn(data, 'aws') ? data.aws : undefined
  if (aws === undefined || aws === null) return undefined
  const fix = 'Fix it with fastify-aws credentials edit.'
  if (typeof aws !== 'object' || Array.isArray(aws)) {
    throw new CredentialsContentError(file, `key "aws" must be a mapping with access_key_id and secret_access_key. ${fix}`)
  }
  const section = aws as Record<string, unknown>
  const value = (key: (typeof RAILS_AWS_KEYS)[number]): string | undefined => {
    const v = Object.hasOwn(section, key) ? section[key] : undefined
    if (v === undefined || v === null) return undefined
    // YAML reads an all-digit account id as a number.
    if (key === 'account_id' && typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v).padStart(12, '0')
    if (typeof v !== 'string') throw new CredentialsContentError(file, `key "aws.${key}" must be text, found ${Array.isArray(v) ? 'a list' : `a ${typeof v}`}. ${fix}`)
    if (v.trim() === '') throw new CredentialsContentError(file, `key "aws.${key}" is empty: give it a value or remove it. ${fix}`)
    return v
  }
  const accessKeyId = value('access_key_id')
  const secretAccessKey = value('secret_access_key')
  const sessionToken = value('session_token')
  const accountId = value('account_id')
  if (accessKeyId === undefined && secretAccessKey === undefined) {
    if (sessionToken !== undefined) throw new CredentialsContentError(file, `key "aws.session_token" needs aws.access_key_id and aws.secret_access_key. ${fix}`)
    return undefined
  }
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const missing = accessKeyId === undefined ? 'access_key_id' : 'secret_access_key'
    throw new CredentialsContentError(
      file,
      `key "aws.${missing}" is missing: give access_key_id and secret_access_key together, or neither to use the default credential chain. ${fix}`,
    )
  }
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken !== undefined ? { sessionToken } : {}),
    ...(accountId !== undefined ? { accountId } : {}),
  }
}

/**
 * Encrypts `text` in Rails' format with a new IV and replaces the file atomically (a temporary file beside it,
 * then a rename), keeping its permissions. `text` must already be valid (see {@link parseCredentialsYaml}).
 */
export function writeRailsCredentials(location: RailsCredentialsLocation, key: Buffer, text: string, serializer: RailsSerializer = 'marshal'): void {
  const sealed = sealRailsMessage(text, key, serializer)
  const temporary = `${location.path}.tmp`
  const mode = existsSync(location.path) ? statSync(location.path).mode & 0o777 : 0o644
  writeFileSync(temporary, sealed, { mode })
  chmodSync(temporary, mode)
  renameSync(temporary, location.path)
}

function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path)
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel
}
