// `fastify-aws bundle`: the Elastic Beanstalk source bundle of the app in this folder.
import { relative, resolve } from 'node:path'
import { bundleApp } from '../../deploy/bundle.js'
import { parseFlags } from '../args.js'
import type { Command } from '../command.js'

const help = `Usage: fastify-aws bundle [--out app.zip] [--root DIR]

Writes the Elastic Beanstalk source bundle of the app: the build folders the Procfile starts from, package.json
(without prepare/prestart/postinstall, required peers as dependencies), package-lock.json, Procfile, cron.yaml,
.ebextensions/, .platform/ and config/. Refused, with nothing written: a missing or stale build (older than src/),
a node_modules/ or a secret-looking file (.env, .npmrc, *.key, *.pem) inside what goes in, an engines.node that none
of EB's Node.js platform branches meets.

Options:
  --out FILE   the zip to write (default <name>-bundle.zip in the app's folder)
  --root DIR   the app's folder (default: the current one)
`

const command: Command = {
  summary: 'write the Elastic Beanstalk source bundle (zip) of the app',
  help,
  async run(io) {
    const { values } = parseFlags(io.argv, { out: { type: 'string' }, root: { type: 'string' } }, false)
    const root = resolve(io.cwd, values.root ?? '.')
    const r = await bundleApp({ root, out: values.out === undefined ? undefined : resolve(io.cwd, values.out) })
    const shown = relative(io.cwd, r.out)
    const note = r.promoted.length > 0 ? `; ${r.promoted.join(', ')} from peer to dependency` : ''
    io.stdout.write(`fastify-aws bundle: wrote ${shown.startsWith('..') ? r.out : shown} (${r.files} files, ${r.bytes} bytes${note})\n`)
    return 0
  },
}

export default command
