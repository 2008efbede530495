// `fastify-aws credentials <show|edit>`: Rails encrypted credentials, as `rails credentials:show|edit` handles them.
import { CliUsageError } from '../../errors.js'
import type { Command, CommandIo } from '../command.js'
import { runCredentialsEdit } from './credentials-edit.js'
import { runCredentialsShow } from './credentials-show.js'

const help = `Usage: fastify-aws credentials <show|edit> [options]

Rails encrypted credentials (config/credentials.yml.enc with config/master.key, or
config/credentials/<NODE_ENV>.yml.enc with config/credentials/<NODE_ENV>.key), in Rails' own format: the same
files a Rails app reads with the same key. AWS clients sign with the keys under aws: (access_key_id,
secret_access_key, session_token, account_id) unless code or config/aws.yml give keys.

Subcommands:
  show              print the decrypted YAML with every value masked
                      --reveal            print the values too
  edit              decrypt to a private temporary file, open $VISUAL or $EDITOR, check the YAML, then encrypt it
                    again with a new IV (the temporary file is removed whatever happens); creates the key and the
                    file when they do not exist, and adds the key file to .gitignore

Options:
  --environment ENV, -e ENV   config/credentials/ENV.yml.enc with config/credentials/ENV.key (else the file the
                              app reads: the NODE_ENV one when it exists, else config/credentials.yml.enc)

The key comes from FASTIFY_AWS_MASTER_KEY, else RAILS_MASTER_KEY, else the key file. FASTIFY_AWS_CREDENTIALS_FILE
and FASTIFY_AWS_CREDENTIALS_KEY_FILE (credentials_file, credentials_key_file in config/aws.yml) name other files.
`

const subcommands: Record<string, (io: CommandIo) => Promise<number>> = {
  show: runCredentialsShow,
  edit: runCredentialsEdit,
}

const command: Command = {
  summary: 'Rails encrypted credentials: show (values masked unless --reveal), edit with $EDITOR',
  help,
  async run(io) {
    const [name, ...rest] = io.argv
    if (name === undefined) throw new CliUsageError(`Give a subcommand: ${Object.keys(subcommands).join(', ')}.`)
    const run = Object.hasOwn(subcommands, name) ? subcommands[name] : undefined
    if (run === undefined) {
      throw new CliUsageError(`Unknown credentials subcommand "${name}"; use one of ${Object.keys(subcommands).join(', ')}.`)
    }
    return run({ ...io, argv: rest })
  },
}

export default command
