import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { ConfigError } from '../../src/errors.js'
import { intFlag, parseFlags } from '../../src/cli/args.js'
import type { Command, CommandIo } from '../../src/cli/command.js'
import { main } from '../../src/cli/main.js'
import { commands } from '../../src/cli/registry.js'

function sink() {
  let text = ''
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      text += chunk.toString('utf8')
      cb()
    },
  })
  return { stream, text: () => text }
}

async function run(argv: string[]) {
  const out = sink()
  const err = sink()
  const io: CommandIo = { argv, env: {}, cwd: process.cwd(), stdout: out.stream, stderr: err.stream }
  const code = await main(io)
  return { code, stdout: out.text(), stderr: err.text() }
}

// Test commands are added to the real registry for this process and removed at the end.
let lastArgv: string[] | undefined
const testCommands: Record<string, Command> = {
  'zz-ok': {
    summary: 'Succeeds and echoes its arguments',
    help: 'Usage: fastify-aws zz-ok [args]',
    async run(io) {
      lastArgv = io.argv
      io.stdout.write(`ran ${io.argv.join(',')}\n`)
      return 0
    },
  },
  'zz-usage': {
    summary: 'Fails with a usage error',
    help: 'Usage: fastify-aws zz-usage --count N\n',
    async run(io) {
      const { values } = parseFlags(io.argv, { count: { type: 'string' } })
      intFlag('count', values.count as string | undefined, 1)
      return 0
    },
  },
  'zz-config': {
    summary: 'Fails with a config error spanning lines',
    help: 'x',
    async run() {
      throw new ConfigError('config/x.yml: bad\n   value on line 2')
    },
  },
  'zz-string': {
    summary: 'Throws a string',
    help: 'x',
    async run() {
      throw 'plain string thrown' // a non-Error throw on purpose
    },
  },
}
const registry = commands as Map<string, () => Promise<Command>>
for (const [name, command] of Object.entries(testCommands)) registry.set(name, async () => command)
registry.set('zz-broken', async () => {
  throw new Error('Cannot find module ./commands/zz.js')
})
t.teardown(() => {
  for (const name of [...Object.keys(testCommands), 'zz-broken']) registry.delete(name)
})

t.test('unknown command: exit 2 and a message on stderr', async (t) => {
  const r = await run(['nope', '--x'])
  t.equal(r.code, 2)
  t.equal(r.stdout, '')
  t.equal(r.stderr, 'fastify-aws: unknown command "nope". Run "fastify-aws --help" for the list.\n')
  t.equal((await run(['enquue'])).stderr, 'fastify-aws: unknown command "enquue". Did you mean enqueue? Run "fastify-aws --help" for the list.\n')
  t.equal((await run(['--verison'])).stderr, 'fastify-aws: unknown command "--verison". Did you mean --version? Run "fastify-aws --help" for the list.\n')
  const proto = await run(['__proto__'])
  t.equal(proto.code, 2, 'prototype names are unknown commands')
  t.equal((await run(['toString'])).code, 2)
})

t.test('--help, -h and help list every command with its summary', async (t) => {
  for (const flag of ['--help', '-h', 'help']) {
    const r = await run([flag])
    t.equal(r.code, 0, flag)
    t.match(r.stdout, /^Usage: fastify-aws <command> \[options\]/)
    for (const [name, c] of Object.entries(testCommands)) t.match(r.stdout, new RegExp(`\\n  ${name} +${c.summary}\\n`))
    for (const name of commands.keys()) t.match(r.stdout, `  ${name} `, `${flag} lists ${name}`)
    t.match(r.stdout, /\n  zz-broken +\(cannot load: Cannot find module \.\/commands\/zz\.js\)\n/, 'a command that cannot load is shown, not fatal')
    t.equal(r.stderr, '')
  }
})

t.test('--version and -v print the package version', async (t) => {
  const { version } = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8')) as { version: string }
  for (const flag of ['--version', '-v']) t.same(await run([flag]), { code: 0, stdout: `${version}\n`, stderr: '' }, flag)
})

t.test('every command words an unknown flag the same way: the nearest flag, then its --help', async (t) => {
  const cases: [string[], string][] = [
    [['enqueue', 'HelloJob', '--dealy', '5'], 'fastify-aws enqueue: Unknown flag --dealy. Did you mean --delay? See "fastify-aws enqueue --help".'],
    [['poll', '--concurency', '2'], 'fastify-aws poll: Unknown flag --concurency. Did you mean --concurrency? See "fastify-aws poll --help".'],
    [['dev', '--prot', '0'], 'fastify-aws dev: Unknown flag --prot. Did you mean --port? See "fastify-aws dev --help".'],
    [['sqsd', '--queue-ulr', 'x'], 'fastify-aws sqsd: Unknown flag --queue-ulr. Did you mean --queue-url? See "fastify-aws sqsd --help".'],
    [['cron', 'list', '--corn', 'x'], 'fastify-aws cron: Unknown flag --corn. Did you mean --cron? See "fastify-aws cron --help".'],
    [['mail', 'send', '--too', 'a@b.c'], 'fastify-aws mail: Unknown flag --too. Did you mean --to? See "fastify-aws mail --help".'],
    [['sessions', 'create-table', '--provisoned'], 'fastify-aws sessions: Unknown flag --provisoned. Did you mean --provisioned? See "fastify-aws sessions --help".'],
  ]
  for (const [argv, line] of cases) {
    const r = await run(argv)
    t.same({ code: r.code, stderr: r.stderr }, { code: 2, stderr: `${line} [FASTIFY_AWS_CLI_FLAG]\n` }, argv.join(' '))
  }
})

t.test('no command: the list, and a non-zero exit', async (t) => {
  const r = await run([])
  t.equal(r.code, 1)
  t.match(r.stdout, /Commands:/)
})

t.test('a command runs with the remaining argv; <command> --help prints its help', async (t) => {
  const r = await run(['zz-ok', 'a', 'b'])
  t.equal(r.code, 0)
  t.equal(r.stdout, 'ran a,b\n')
  t.same(lastArgv, ['a', 'b'])
  const h = await run(['zz-ok', '--help'])
  t.equal(h.code, 0)
  t.equal(h.stdout, 'Usage: fastify-aws zz-ok [args]\n', 'a newline is added when missing')
  t.equal((await run(['zz-usage', '-h'])).stdout, 'Usage: fastify-aws zz-usage --count N\n')
})

t.test('command errors become one line with the code; usage errors exit 2', async (t) => {
  const unknownFlag = await run(['zz-usage', '--cuont', '3'])
  t.equal(unknownFlag.code, 2)
  t.equal(
    unknownFlag.stderr,
    'fastify-aws zz-usage: Unknown flag --cuont. Did you mean --count? See "fastify-aws zz-usage --help". [FASTIFY_AWS_CLI_FLAG]\n',
  )

  const badValue = await run(['zz-usage', '--count', 'x'])
  t.equal(badValue.code, 2)
  t.equal(badValue.stderr, 'fastify-aws zz-usage: --count takes a whole number >= 1, got "x". [FASTIFY_AWS_CLI_USAGE]\n')

  const config = await run(['zz-config'])
  t.equal(config.code, 1)
  t.equal(config.stderr, 'fastify-aws zz-config: config/x.yml: bad value on line 2 [FASTIFY_AWS_CONFIG]\n', 'folded to one line')

  const str = await run(['zz-string'])
  t.equal(str.code, 1)
  t.equal(str.stderr, 'fastify-aws zz-string: plain string thrown\n')

  const broken = await run(['zz-broken'])
  t.equal(broken.code, 1, 'a command that fails to load is an error line, not a crash')
  t.equal(broken.stderr, 'fastify-aws zz-broken: Cannot find module ./commands/zz.js\n')
})

t.test('parseFlags / intFlag', async (t) => {
  const { values, positionals } = parseFlags(['--queue', 'q', 'pos'], { queue: { type: 'string' } })
  t.equal(values.queue, 'q')
  t.same(positionals, ['pos'])
  t.throws(() => parseFlags(['pos'], {}, false), { code: 'FASTIFY_AWS_CLI_FLAG', message: 'Unexpected argument "pos": this command takes only flags, each value after its flag.' })
  t.throws(() => parseFlags(['--queue'], { queue: { type: 'string' } }), { code: 'FASTIFY_AWS_CLI_FLAG', message: '--queue needs a value: --queue <value>.' })
  t.throws(() => parseFlags(['--queue', '--force'], { queue: { type: 'string' }, force: { type: 'boolean' } }), {
    message: '--queue needs a value: --queue <value> (the next word, "--force", is a flag; write --queue=--force if it is the value).',
  })
  t.same(parseFlags(['--queue=-x'], { queue: { type: 'string' } }).values, { queue: '-x' }, 'an inline value may start with a dash')
  t.throws(() => parseFlags(['--force=yes'], { force: { type: 'boolean' } }), { message: '--force is a switch and takes no value, got "--force=yes".' })
  t.throws(() => parseFlags(['-x'], { queue: { type: 'string', short: 'q' } }), { message: 'Unknown flag -x. Did you mean -q?' })
  t.throws(() => parseFlags(['--zzzzzz'], { queue: { type: 'string' }, force: { type: 'boolean' } }), {
    message: 'Unknown flag --zzzzzz. The flags are --queue, --force.',
  })
  t.throws(() => parseFlags(['--hlep'], { queue: { type: 'string' } }), { message: 'Unknown flag --hlep. Did you mean --help?' })
  t.throws(() => parseFlags(['--__proto__'], {}), { message: 'Unknown flag --__proto__. This command takes no flags.' })
  t.throws(() => parseFlags(['--toString'], { queue: { type: 'string' } }), { code: 'FASTIFY_AWS_CLI_FLAG' }, 'prototype names are unknown flags')
  t.equal(intFlag('n', undefined), undefined)
  t.equal(intFlag('n', '0'), 0)
  t.equal(intFlag('n', '42', 1), 42)
  t.throws(() => intFlag('n', '0', 1), { message: '--n takes a whole number >= 1, got "0".' })
  t.throws(() => intFlag('n', '-1'), { code: 'FASTIFY_AWS_CLI_USAGE' })
  t.throws(() => intFlag('n', '1.5'), { code: 'FASTIFY_AWS_CLI_USAGE' })
  t.throws(() => intFlag('n', '99999999999999999999'), { code: 'FASTIFY_AWS_CLI_USAGE' }, 'beyond a safe integer (it would round)')
})

t.test('the fastify-aws binary: exit code and message of a real process', async (t) => {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
  const bin = join(repo, 'src/cli/index.ts')
  const err = (await promisify(execFile)(process.execPath, ['--import', 'tsx', bin, 'no-such-command'], { cwd: repo }).catch(
    (e: unknown) => e,
  )) as { code: number; stderr: string; stdout: string }
  t.equal(err.code, 2, 'process exit code 2')
  t.equal(err.stderr, 'fastify-aws: unknown command "no-such-command". Run "fastify-aws --help" for the list.\n')
  t.equal(err.stdout, '')
})
