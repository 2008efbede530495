// `fastify-aws <command> [...]`: finds the command in the registry and runs it; errors become one clear line.
import type { CommandIo } from './command.js'
import { commands } from './registry.js'

/** Runs the CLI with `io`; resolves to the exit code. */
export async function main(io: CommandIo): Promise<number> {
  const [name, ...rest] = io.argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(await usage())
    return name === undefined ? 1 : 0
  }
  const load = commands.get(name)
  if (load === undefined) {
    io.stderr.write(`fastify-aws: unknown command "${name}". Run "fastify-aws --help" for the list.\n`)
    return 2
  }
  const command = await load()
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help.endsWith('\n') ? command.help : `${command.help}\n`)
    return 0
  }
  try {
    return await command.run({ ...io, argv: rest })
  } catch (err) {
    const e = err as Error & { code?: string }
    io.stderr.write(`fastify-aws ${name}: ${e.message}${e.code ? ` [${e.code}]` : ''}\n`)
    return e.code === 'FASTIFY_AWS_CLI_USAGE' ? 2 : 1
  }
}

async function usage(): Promise<string> {
  const lines = ['Usage: fastify-aws <command> [options]', '', 'Commands:']
  for (const [name, load] of commands) lines.push(`  ${name.padEnd(22)} ${(await load()).summary}`)
  lines.push('', 'Run "fastify-aws <command> --help" for a command\'s options.')
  return `${lines.join('\n')}\n`
}
