// The shape of one `fastify-aws <command>`.

/** Streams and environment a command runs with (injectable for tests). */
export interface CommandIo {
  argv: string[]
  env: NodeJS.ProcessEnv
  cwd: string
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
}

/** One subcommand. `run` resolves to the process exit code. */
export interface Command {
  /** One line for `fastify-aws --help`. */
  summary: string
  /** Full help text for `fastify-aws <command> --help`. */
  help: string
  run(io: CommandIo): Promise<number>
}
