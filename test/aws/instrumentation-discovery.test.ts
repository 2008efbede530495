// Finding every copy of the SDK client base class (npm nesting, scoped packages, pnpm store, old and new
// package layouts), and the precise errors when there is nothing to instrument.
import t from 'tap'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SQSClient } from '@aws-sdk/client-sqs'
import { instrumentSdkOperations, instrumentClient, isSdkInstrumented, INSTRUMENTATION_MIDDLEWARE_NAME } from '../../src/aws/index.js'
import { SdkInstrumentationError } from '../../src/errors.js'
import { findSdkClientBases } from '../../src/aws/instrumentation-discovery.js'

// A stand-in for one copy of the SDK's base class: the same shape (config, middlewareStack.add, send, destroy).
const fakeClientSource = `
class Client {
  constructor(config) {
    this.config = config
    this.middlewareStack = { added: [], add(mw, options) { this.added.push(options) } }
  }
  send(command) { return 'sent:' + command }
  destroy() {}
}
exports.Client = Client
`

function fakePackage(dir: string, layout: 'smithy-client' | 'core'): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'client.js'), fakeClientSource)
  if (layout === 'core') {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: '@smithy/core', exports: { './client': './client.js', './package.json': './package.json' } }),
    )
  } else {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@smithy/smithy-client', main: 'client.js' }))
  }
  return realpathSync(join(dir, 'client.js'))
}

const root = mkdtempSync(join(tmpdir(), 'fastify-aws-discovery-'))
t.teardown(() => rmSync(root, { recursive: true, force: true }))
const nm = join(root, 'node_modules')
const copies = {
  topLevelOldLayout: fakePackage(join(nm, '@smithy', 'smithy-client'), 'smithy-client'),
  nestedNewLayout: fakePackage(join(nm, 'pinned-lib', 'node_modules', '@smithy', 'core'), 'core'),
  nestedInScoped: fakePackage(join(nm, '@acme', 'worker', 'node_modules', '@smithy', 'smithy-client'), 'smithy-client'),
  pnpmStore: fakePackage(join(nm, '.pnpm', '@smithy+core@9.9.9', 'node_modules', '@smithy', 'core'), 'core'),
}
const empty = mkdtempSync(join(tmpdir(), 'fastify-aws-nothing-'))
t.teardown(() => rmSync(empty, { recursive: true, force: true }))
// Copies reachable from above the temp dir (a node_modules in /tmp or /, as some machines have) are found from
// every fixture too, as require would find them; they are not this test's fixtures.
const outside = new Set(findSdkClientBases([empty]).map((b) => b.source))
const fixtures = (bases: readonly { source: string }[]) => bases.filter((b) => !outside.has(b.source))

t.test('every copy is found and patched once; a second call reports them already patched', async (t) => {
  const first = instrumentSdkOperations({ searchFrom: [root] })
  t.same(new Set(fixtures(first.bases).map((b) => b.source)), new Set(Object.values(copies)))
  t.ok(first.bases.every((b) => b.state === 'patched'))

  const second = instrumentSdkOperations({ searchFrom: [root, root] })
  t.equal(fixtures(second.bases).length, 4, 'a copy reached twice is listed once')
  t.ok(second.bases.every((b) => b.state === 'already-patched'))
})

t.test('a client of a nested copy gets the middleware on its first send, and send still returns', async (t) => {
  const { Client } = (await import(copies.nestedNewLayout)) as {
    Client: new (config: object) => { send(c: string): unknown; middlewareStack: { added: Array<{ name: string; step: string }> } }
  }
  const client = new Client({ serviceId: 'Fake' })
  t.equal(client.send('a'), 'sent:a')
  t.equal(client.send('b'), 'sent:b')
  t.same(
    client.middlewareStack.added.map((o) => [o.name, o.step]),
    [[INSTRUMENTATION_MIDDLEWARE_NAME, 'initialize']],
    'added once',
  )
  t.ok(isSdkInstrumented(client))
})

t.test('a class passed in code is patched without searching (bundled SDK)', async (t) => {
  const status = instrumentSdkOperations({ searchFrom: [], clients: [SQSClient] })
  t.match(status.bases, [{ source: 'class SQSClient (given)' }])
  // An SDK copy above the temp dir may be this SQSClient's own base, already patched by the first test's search.
  if (outside.size === 0) t.equal(status.bases[0]?.state, 'patched')
  t.ok(isSdkInstrumented(new SQSClient({ region: 'us-east-1' })))
})

const nothingFoundSkip = outside.size > 0 && `an SDK copy is reachable from ${tmpdir()} (${[...outside].join(', ')})`
t.test('nothing found: the error says where it searched and what to do', { skip: nothingFoundSkip }, async (t) => {
  t.throws(() => instrumentSdkOperations({ searchFrom: [empty] }), {
    code: 'FASTIFY_AWS_SDK_INSTRUMENTATION',
    message: new RegExp(`searched node_modules from ${empty}.*instrumentSdkOperations\\(\\{ clients: \\[SQSClient\\] \\}\\)`),
  })
  t.throws(() => instrumentSdkOperations({ searchFrom: [] }), { message: /searched nowhere \(searchFrom is empty\)/ })
})

t.test('a value in clients that is not an SDK client is named precisely', async (t) => {
  t.throws(() => instrumentSdkOperations({ searchFrom: [], clients: [SQSClient, {}] }), {
    code: 'FASTIFY_AWS_SDK_INSTRUMENTATION',
    message: /clients\[1\] is an object of class Object, not an AWS SDK v3 client class or instance/,
  })
  class NotAClient {}
  t.throws(() => instrumentSdkOperations({ searchFrom: [], clients: [NotAClient] }), {
    message: /clients\[0\] \(the function NotAClient\) is not an AWS SDK v3 client class/,
  })
  const err = t.throws(() => instrumentClient({ send() {} }))
  t.ok(err instanceof SdkInstrumentationError)
  t.match(err, { message: /instrumentClient\(\) was given an object of class Object, which is not an AWS SDK v3 client/ })
})

t.test('a base class that cannot be patched says so', async (t) => {
  class FrozenBase {
    send() {}
    destroy() {}
  }
  Object.freeze(FrozenBase.prototype)
  t.throws(() => instrumentSdkOperations({ searchFrom: [], clients: [FrozenBase] }), {
    code: 'FASTIFY_AWS_SDK_INSTRUMENTATION',
    message: /send\(\) method of class FrozenBase \(given\) cannot be replaced .*instrumentClient\(client\)/,
  })
  t.notOk(isSdkInstrumented(FrozenBase))
})

t.test('a base class closed to new properties is left as it was', async (t) => {
  class SealedBase {
    send() {
      return 'original'
    }
    destroy() {}
  }
  const original = SealedBase.prototype.send
  Object.preventExtensions(SealedBase.prototype)
  t.throws(() => instrumentSdkOperations({ searchFrom: [], clients: [SealedBase] }), { code: 'FASTIFY_AWS_SDK_INSTRUMENTATION' })
  t.equal(SealedBase.prototype.send, original)
  t.notOk(isSdkInstrumented(SealedBase))
})

t.test('a broken copy is named, not skipped', async (t) => {
  const broken = mkdtempSync(join(tmpdir(), 'fastify-aws-broken-'))
  t.teardown(() => rmSync(broken, { recursive: true, force: true }))
  const dir = join(broken, 'node_modules', '@smithy', 'smithy-client')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@smithy/smithy-client', main: 'client.js' }))
  writeFileSync(join(dir, 'client.js'), 'throw new Error("half-installed")')
  t.throws(() => instrumentSdkOperations({ searchFrom: [broken] }), {
    code: 'FASTIFY_AWS_SDK_INSTRUMENTATION',
    message: /client\.js could not be loaded \(half-installed\); reinstall it/,
  })
})
