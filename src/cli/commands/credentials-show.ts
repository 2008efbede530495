// `fastify-aws credentials show [--reveal]`: the decrypted YAML, values masked unless asked for.
import { existsSync } from 'node:fs'
import { decryptRailsCredentials, parseCredentialsYaml } from '../../aws/rails-credentials.js'
import { CredentialsFileError } from '../../errors.js'
import type { CommandIo } from '../command.js'
import { credentialsTarget } from './credentials-target.js'

const MASK = '********'

/** Prints the credentials: the structure with masked values, or (`--reveal`) the YAML text as written. */
export async function runCredentialsShow(io: CommandIo): Promise<number> {
  const { location, flags } = credentialsTarget(io, { reveal: { type: 'boolean' } })
  const document = existsSync(location.path) ? decryptRailsCredentials(location) : undefined
  if (document === undefined) {
    throw new CredentialsFileError(location.file, 'no such file; create it with fastify-aws credentials edit')
  }
  // As written, like rails credentials:show, even when the YAML is broken; masking needs it parsed.
  if (flags.reveal) {
    io.stdout.write(document.text.endsWith('\n') || document.text === '' ? document.text : `${document.text}\n`)
    return 0
  }
  const data = parseCredentialsYaml(document.text, location.file)
  const lines = [`# ${location.file} (key from ${document.keyFrom}); values masked, --reveal shows them`, ...masked(data, '')]
  io.stdout.write(`${lines.join('\n')}\n`)
  return 0
}

/** YAML-like lines of `value` with every scalar replaced by a mask: the names show, the secrets do not. */
function masked(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => (isNested(item) ? [`${indent}-`, ...masked(item, `${indent}  `)] : [`${indent}- ${MASK}`]))
  }
  if (isNested(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
      isNested(item) ? [`${indent}${key}:`, ...masked(item, `${indent}  `)] : [`${indent}${key}: ${item === null ? '' : MASK}`.trimEnd()],
    )
  }
  return [`${indent}${MASK}`]
}

function isNested(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)
}
