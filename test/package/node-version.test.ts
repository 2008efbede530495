// .ci/run runs npm test once per Node version with FASTIFY_AWS_TEST_NODE_MAJOR set: this checks that the test
// processes, and the `node` that scripts and child processes find on PATH, really are that version.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'

const expected = process.env.FASTIFY_AWS_TEST_NODE_MAJOR
const major = (version: string) => version.replace(/^v/, '').split('.')[0]

t.test('the tests run on the Node version CI asked for', { skip: expected ? false : 'FASTIFY_AWS_TEST_NODE_MAJOR is not set (.ci/run sets it)' }, async (t) => {
  t.equal(major(process.version), expected, `this test process: ${process.version}`)
  const { stdout } = await promisify(execFile)('node', ['--version'])
  t.equal(major(stdout.trim()), expected, `PATH's node: ${stdout.trim()}`)
})

t.test('engines names the Node lines .ci/run tests', async (t) => {
  const { engines } = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { engines: { node: string } }
  const lines = engines.node.split('||').map((range) => /^\s*\^(\d+)\.\d+\.\d+\s*$/.exec(range)?.[1])
  t.same(lines, ['20', '22', '24'], `engines.node is "${engines.node}"`)
  t.match(readFileSync(join(import.meta.dirname, '..', '..', '.ci', 'run'), 'utf8'), /for major in 20 22 24; do/)
})
