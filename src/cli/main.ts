// `fastify-aws <command> [...]`: finds the command in the registry and runs it; errors become one clear line.
import { VERSION } from '../aws/version.js'
import { closest } from '../config/did-you-mean.js'
import type { CommandIo } from './command.js'
import { commands } from './registry.js'

/** Codes of the errors that mean "the command line is wrong" (exit status 2). */
const USAGE_CODES = new Set(['FASTIFY_AWS_CLI_USAGE', 'FASTIFY_AWS_CLI_FLAG'])

/** Runs the CLI with `io`; resolves to the exit code. */
export async function main(io: CommandIo): Promise<number> {
  const [name, ...rest] = io.argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(await usage())
    return name === undefined ? 1 : 0
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`)
    return 0
  }
  const load = commands.get(name)
  if (load === undefined) {
    const hint = closest(name, [...commands.keys(), '--help', '--version'])
    io.stderr.write(`fastify-aws: unknown command "${name}".${hint ? ` Did you mean ${hint}?` : ''} Run "fastify-aws --help" for the list.\n`)
    return 2
  }
  try {
    // Loading is inside the try: a command module that fails to load is reported like any command error.
    const command = await load()
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(command.help.endsWith('\n') ? command.help : `${command.help}\n`)
      return 0
    }
    return await command.run({ ...io, argv: rest })
  } catch (err) {
    const { message, code } = describe(err)
    const help = code === 'FASTIFY_AWS_CLI_FLAG' ? ` See "fastify-aws ${name} --help".` : ''
    io.stderr.write(`fastify-aws ${name}: ${message}${help}${code ? ` [${code}]` : ''}\n`)
    return code !== undefined && USAGE_CODES.has(code) ? 2 : 1
  }
}

/** One line for any thrown value: multi-line messages (YAML errors, stacks in messages) are folded. */
function describe(err: unknown): { message: string; code: string | undefined } {
  const e = err as { message?: unknown; code?: unknown } | null | undefined
  const raw = err instanceof Error || (typeof e === 'object' && e !== null && typeof e.message === 'string') ? String(e!.message) : String(err)
  const message = raw.replace(/\s*\n\s*/g, ' ').trim() || 'failed without a message'
  const code = typeof e === 'object' && e !== null && typeof e.code === 'string' ? e.code : undefined
  return { message, code }
}

async function usage(): Promise<string> {
  const lines = ['Usage: fastify-aws <command> [options]', '', 'Commands:']
  for (const [name, load] of commands) {
    // One command that cannot load (a missing optional dependency) must not take the whole list down.
    const summary = await load().then(
      (c) => c.summary,
      (err: unknown) => `(cannot load: ${describe(err).message})`,
    )
    lines.push(`  ${name.padEnd(22)} ${summary}`)
  }
  lines.push('', 'Run "fastify-aws <command> --help" for a command\'s options, "fastify-aws --version" for the version.')
  return `${lines.join('\n')}\n`
}
