// The long-running commands' logger: pretty, coloured lines on a terminal, JSON lines otherwise.
import { PassThrough } from 'node:stream'
import t from 'tap'
import { cliLogger } from '../../src/cli/logger.js'

/** A stdout stand-in; `isTTY` as a terminal's stdout has it. */
function stdout(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream: PassThrough & { isTTY?: boolean } = new PassThrough()
  if (isTTY) stream.isTTY = true
  let text = ''
  stream.on('data', (c: Buffer) => (text += c.toString()))
  return { stream, text: () => text }
}

async function written(out: { text: () => string }, expected: string): Promise<string> {
  for (let i = 0; i < 200 && !out.text().includes(expected); i++) await new Promise((r) => setTimeout(r, 10))
  return out.text()
}

const ESC = '\u001b['

t.test('not a terminal: JSON lines, no pid or hostname', async (t) => {
  const out = stdout(false)
  const { logger, pretty } = await cliLogger({ stdout: out.stream, env: {} }, undefined)
  t.equal(pretty, false)
  logger.info({ component: 'sqsd', job: 'HelloJob' }, 'HelloJob → 200 in 3 ms')
  const line = JSON.parse((await written(out, '\n')).trim()) as Record<string, unknown>
  t.match(line, { level: 30, component: 'sqsd', job: 'HelloJob', msg: 'HelloJob → 200 in 3 ms' })
  t.notOk('pid' in line || 'hostname' in line)
})

t.test('a terminal: one coloured line per entry, the component first, fields on the same line', async (t) => {
  const out = stdout(true)
  const { logger, pretty } = await cliLogger({ stdout: out.stream, env: {} }, 'debug')
  t.equal(pretty, true)
  logger.debug({ component: 'sqsd', job: 'HelloJob', status: 200 }, 'HelloJob → 200 in 3 ms')
  const text = await written(out, '\n')
  t.equal(text.split('\n').length, 2, 'one line')
  t.ok(text.includes(ESC), 'coloured')
  // eslint-disable-next-line no-control-regex -- strips the colours' ANSI escapes
  const plain = text.replaceAll(/\u001b\[\d+m/g, '')
  t.match(plain, /^\[\d\d:\d\d:\d\d\.\d{3}\] DEBUG: sqsd: HelloJob → 200 in 3 ms \{"job":"HelloJob","status":200\}\n$/)
  t.notMatch(plain, /^\{/, 'not JSON')
})

t.test('a terminal with NO_COLOR: pretty lines without colour', async (t) => {
  const out = stdout(true)
  const { logger } = await cliLogger({ stdout: out.stream, env: { NO_COLOR: '1' } }, undefined)
  logger.warn('careful')
  const text = await written(out, '\n')
  t.notOk(text.includes(ESC))
  t.match(text, /^\[[\d:.]+\] WARN: careful\n$/)
})

t.test('a bad --log-level is a usage error naming the levels', async (t) => {
  await t.rejects(cliLogger({ stdout: stdout(false).stream, env: {} }, 'loud'), {
    code: 'FASTIFY_AWS_CLI_USAGE',
    message: '--log-level takes one of trace, debug, info, warn, error, fatal, silent, got "loud".',
  })
})
