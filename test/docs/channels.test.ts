// docs/channels.md lists every diagnostics channel fastify-aws creates: each channel()/tracingChannel() call in src/
// names a channel the page lists (a TracingChannel with all five of its event channels).
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import ts from 'typescript'
import { awsSdkOperationChannelName } from '../../src/aws/instrumentation-channels.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const page = readFileSync(join(root, 'docs/channels.md'), 'utf8')

/**
 * Call sites whose name is computed (`file: argument`), with the pattern the page documents for them. A new computed
 * name fails the test until it is added here and to the page.
 */
const computed: Record<string, string> = {
  'src/aws/instrumentation-channels.ts: name': awsSdkOperationChannelName('<Operation>', '<ServiceId>'),
}

interface Created {
  file: string
  line: number
  kind: 'channel' | 'tracingChannel'
  name: string | undefined
  /** The argument as written, to look computed names up. */
  argument: string
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

/** Every channel()/tracingChannel() call of a module that imports node:diagnostics_channel, with its name when literal. */
function createdChannels(): Created[] {
  const out: Created[] = []
  for (const path of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(path, 'utf8')
    if (!/from ['"](node:)?diagnostics_channel['"]/.test(text)) continue
    const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true)
    const constants = new Map<string, string>()
    const visit = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && node.initializer && ts.isStringLiteralLike(node.initializer)) {
        constants.set(node.name.getText(sf), node.initializer.text)
      }
      if (ts.isCallExpression(node)) {
        const callee = node.expression
        const fn = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : ''
        if (fn === 'channel' || fn === 'tracingChannel') {
          const arg = node.arguments[0]
          const name = arg && ts.isStringLiteralLike(arg) ? arg.text : arg && ts.isIdentifier(arg) ? constants.get(arg.text) : undefined
          const file = relative(root, path)
          out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, kind: fn, name, argument: arg?.getText(sf) ?? '' })
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
  }
  return out
}

const created = createdChannels()

t.test('the scan finds the channels we know of', async (t) => {
  const names = created.map((c) => c.name ?? computed[`${c.file}: ${c.argument}`])
  t.ok(names.includes('fastify-aws:job:perform'), 'the job TracingChannel')
  t.ok(names.includes('aws-sdk:operation'), 'the AWS SDK TracingChannel')
  t.ok(names.includes('<Operation>.<ServiceId>.aws'), 'the per-operation channels')
})

for (const c of created) {
  t.test(`${c.file}:${c.line}: the ${c.kind} it creates is on docs/channels.md`, async (t) => {
    const name = c.name ?? computed[`${c.file}: ${c.argument}`]
    if (name === undefined) {
      t.fail(`a ${c.kind} whose name is not a literal or a constant of the file: add its documented pattern to "computed" here and to docs/channels.md`)
      return
    }
    t.ok(page.includes(`\`${name}\``), `\`${name}\` is listed`)
    if (c.kind === 'tracingChannel') {
      for (const event of ['start', 'end', 'asyncStart', 'asyncEnd', 'error']) {
        t.ok(page.includes(`\`tracing:${name}:${event}\``), `\`tracing:${name}:${event}\` is listed`)
      }
    }
  })
}
