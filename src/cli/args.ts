// A small, strict flag parser on node:util parseArgs: unknown flags and bad numbers are usage errors.
import { parseArgs, type ParseArgsConfig } from 'node:util'

type FlagSpec = NonNullable<ParseArgsConfig['options']>
import { CliUsageError } from '../errors.js'

/** Parses `argv` against `options`; an unknown flag or missing value throws a usage error naming it. */
export function parseFlags<O extends FlagSpec>(
  argv: string[],
  options: O,
  allowPositionals = true,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true })
  } catch (err) {
    throw new CliUsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''))
  }
}

/** Reads a whole-number flag value, or throws a usage error naming the flag and the value. */
export function intFlag(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
    throw new CliUsageError(`--${name} takes a whole number >= ${min}, got "${value}".`)
  }
  return Number(value)
}
