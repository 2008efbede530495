// A small, strict flag parser on node:util parseArgs: unknown flags and bad numbers are usage errors, worded the same
// way in every command (the flag, the nearest known one or the list, then the command's --help).
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { closest } from '../config/did-you-mean.js'
import { CliFlagError, CliUsageError } from '../errors.js'

type FlagSpec = NonNullable<ParseArgsConfig['options']>

/**
 * Parses `argv` against `options`. An unknown flag, a flag without its value, a value given to a switch, or (with
 * `allowPositionals` false) a bare word throws a {@link CliFlagError} naming it; the CLI adds "see <command> --help".
 */
export function parseFlags<O extends FlagSpec>(
  argv: string[],
  options: O,
  allowPositionals = true,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>> {
  // A lenient pass first, to word every problem ourselves; then the strict parse, which is then expected to pass.
  const { tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true })
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (!allowPositionals) throw new CliFlagError(`Unexpected argument "${token.value}": this command takes only flags, each value after its flag.`)
      continue
    }
    if (token.kind !== 'option') continue
    const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined
    if (spec === undefined) throw new CliFlagError(unknownFlag(token.rawName, options))
    if (spec.type === 'boolean' && token.inlineValue) {
      throw new CliFlagError(`${token.rawName} is a switch and takes no value, got "${token.rawName}=${token.value ?? ''}".`)
    }
    if (spec.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && token.value !== '-'))) {
      const next = token.value === undefined ? '' : ` (the next word, "${token.value}", is a flag; write ${token.rawName}=${token.value} if it is the value)`
      throw new CliFlagError(`${token.rawName} needs a value: ${token.rawName} <value>${next}.`)
    }
  }
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true })
  } catch (err) {
    throw new CliFlagError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''))
  }
}

/** "Unknown flag --dealy. Did you mean --delay?", or the list of the command's flags when none is close. */
function unknownFlag(raw: string, options: FlagSpec): string {
  const known = ['--help', ...Object.entries(options).flatMap(([name, spec]) => [`--${name}`, ...(spec.short ? [`-${spec.short}`] : [])])]
  const hint = closest(raw, known)
  if (hint) return `Unknown flag ${raw}. Did you mean ${hint}?`
  const flags = known.filter((f) => f.startsWith('--') && f !== '--help')
  return `Unknown flag ${raw}. ${flags.length > 0 ? `The flags are ${flags.join(', ')}.` : 'This command takes no flags.'}`
}

/** Reads a whole-number flag value, or throws a usage error naming the flag and the value. */
export function intFlag(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
    throw new CliUsageError(`--${name} takes a whole number >= ${min}, got "${value}".`)
  }
  return Number(value)
}
