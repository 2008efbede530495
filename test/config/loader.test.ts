import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { defineOptions, envName, envNames, interpolate, loadConfig, option } from '../../src/config/index.js'

const source = { names: ['widget'], envPrefix: 'WIDGET_' } as const

const spec = defineOptions({
  name: option.string({ description: 'a name', default: 'plain' }),
  threads: option.integer({ description: 'threads', min: 1, max: 100, default: 4 }),
  ratio: option.number({ description: 'a ratio', min: 0, max: 1, default: 0.5 }),
  enabled: option.boolean({ description: 'on or off', default: false }),
  tags: option.list({ description: 'tags', default: ['a'] }),
  mode: option.enum({ description: 'mode', values: ['sync', 'async'] as const, default: 'sync' }),
  limits: option.map({
    description: 'limits per queue',
    entry: 'a whole number',
    parseEntry: (raw) => {
      if (typeof raw !== 'number' || !Number.isInteger(raw)) throw new Error('a whole number')
      return raw
    },
  }),
  secret: option.string({ description: 'not from YAML', yaml: false }),
  renamed: option.string({ description: 'own ENV name', env: 'OTHER_NAME' }),
  shared: option.string({ description: 'also read from another tool\'s name', envAlso: ['OTHER_TOOL_SHARED'] }),
  codeOnly: option.string({ description: 'not from ENV', env: false }),
  client: option.code<{ send(): void }>({
    description: 'a client',
    check: (v): v is { send(): void } => typeof v === 'object' && v !== null && 'send' in v,
    expected: 'an object with send()',
  }),
})

type Tree = { [name: string]: string | Tree }

/** A fresh directory per call (t.testdir reuses one path per test), removed when the test ends. */
function fixture(t: Test, tree: Tree): string {
  const root = mkdtempSync(join(tmpdir(), 'fastify-aws-config-'))
  const write = (dir: string, node: Tree): void => {
    for (const [name, v] of Object.entries(node)) {
      const p = join(dir, name)
      if (typeof v === 'string') writeFileSync(p, v)
      else {
        mkdirSync(p)
        write(p, v)
      }
    }
  }
  write(root, tree)
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  return root
}

const yml = (lines: string[]): string => `${lines.join('\n')}\n`

function load(opts: Parameters<typeof loadConfig<typeof spec>>[2] = {}) {
  return loadConfig(source, spec, { env: {}, ...opts })
}

function message(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('expected a throw')
}

t.test('defaults when nothing is set; sources say so', async (t) => {
  const cwd = fixture(t, {})
  const c = load({ cwd })
  t.same(c.values, { name: 'plain', threads: 4, ratio: 0.5, enabled: false, tags: ['a'], mode: 'sync' })
  t.equal(c.file, undefined)
  t.equal(c.sources.threads, 'default')
  t.equal(c.sources.secret, undefined, 'no default, no source')
  t.same(c.yaml, {})
})

t.test('precedence code > ENV > YAML > default, for every kind', async (t) => {
  const cwd = fixture(t, {
    config: {
      'widget.yml': yml([
        'name: from-yaml',
        'threads: 7',
        'ratio: 0.25',
        'enabled: true',
        'tags: [y1, y2]',
        'mode: async',
        'limits: { a: 1 }',
      ]),
    },
  })
  const env = {
    WIDGET_NAME: 'from-env',
    WIDGET_THREADS: '9',
    WIDGET_RATIO: '0.75',
    WIDGET_ENABLED: 'false',
    WIDGET_TAGS: 'e1, e2 ,,e3',
    WIDGET_MODE: 'sync',
  }

  const yamlOnly = load({ cwd })
  t.same(yamlOnly.values, {
    name: 'from-yaml',
    threads: 7,
    ratio: 0.25,
    enabled: true,
    tags: ['y1', 'y2'],
    mode: 'async',
    limits: { a: 1 },
  })
  t.match(yamlOnly.sources, { name: 'yaml', threads: 'yaml', ratio: 'yaml', enabled: 'yaml', tags: 'yaml', mode: 'yaml', limits: 'yaml' })
  t.equal(yamlOnly.file, 'config/widget.yml')

  const envOverYaml = load({ cwd, env })
  t.same(envOverYaml.values, {
    name: 'from-env',
    threads: 9,
    ratio: 0.75,
    enabled: false,
    tags: ['e1', 'e2', 'e3'],
    mode: 'sync',
    limits: { a: 1 },
  })
  t.match(envOverYaml.sources, { name: 'env', threads: 'env', ratio: 'env', enabled: 'env', tags: 'env', mode: 'env', limits: 'yaml' })

  const client = { send() {} }
  const codeOverAll = load({
    cwd,
    env,
    code: { name: 'from-code', threads: 11, ratio: 1, enabled: true, tags: ['c'], mode: 'async', limits: { b: 2 }, client },
  })
  t.same(codeOverAll.values, {
    name: 'from-code',
    threads: 11,
    ratio: 1,
    enabled: true,
    tags: ['c'],
    mode: 'async',
    limits: { b: 2 },
    client,
  })
  t.equal(codeOverAll.values.client, client, 'code-only values are passed through as given')
  t.match(codeOverAll.sources, { name: 'code', threads: 'code', limits: 'code', client: 'code' })
})

t.test('code `false` and `0` are values, not "unset"', async (t) => {
  const cwd = fixture(t, { config: { 'widget.yml': 'enabled: true\n' } })
  const c = load({ cwd, env: { WIDGET_ENABLED: 'true' }, code: { enabled: false } })
  t.equal(c.values.enabled, false)
  t.equal(c.sources.enabled, 'code')
})

t.test('the per-environment file beats the base file; NODE_ENV picks it', async (t) => {
  const cwd = fixture(t, {
    config: {
      'widget.yml': 'name: base\n',
      widget: { 'production.yml': 'name: prod\n', 'test.yaml': 'name: test-yaml\n' },
    },
  })
  t.equal(load({ cwd, env: { NODE_ENV: 'production' } }).values.name, 'prod')
  t.equal(load({ cwd, env: { NODE_ENV: 'production' } }).file, 'config/widget/production.yml')
  t.equal(load({ cwd, nodeEnv: 'test' }).values.name, 'test-yaml', '.yaml is read too')
  t.equal(load({ cwd, env: { NODE_ENV: 'staging' } }).values.name, 'base', 'no staging file: the base file')
  t.equal(load({ cwd, env: {} }).values.name, 'base', 'NODE_ENV unset: development, then the base file')
  t.equal(load({ cwd, env: { NODE_ENV: '' } }).values.name, 'base', 'empty NODE_ENV counts as unset')
  t.equal(load({ cwd, env: { NODE_ENV: 'production' }, nodeEnv: 'test' }).values.name, 'test-yaml', 'nodeEnv option wins')
})

t.test('explicit config file: code configFile, then <PREFIX>CONFIG_FILE', async (t) => {
  const cwd = fixture(t, {
    config: { 'widget.yml': 'name: base\n' },
    'a.yml': 'name: from-a\n',
    'b.yml': 'name: from-b\n',
  })
  t.equal(load({ cwd, code: { configFile: 'a.yml' } }).values.name, 'from-a')
  t.equal(load({ cwd, env: { WIDGET_CONFIG_FILE: 'b.yml' } }).values.name, 'from-b')
  t.equal(load({ cwd, env: { WIDGET_CONFIG_FILE: `${cwd}/b.yml` } }).values.name, 'from-b', 'absolute path')
  t.equal(
    load({ cwd, env: { WIDGET_CONFIG_FILE: 'b.yml' }, code: { configFile: 'a.yml' } }).values.name,
    'from-a',
    'code beats ENV',
  )
  t.equal(load({ cwd, env: { WIDGET_CONFIG_FILE: '  ' } }).values.name, 'base', 'empty ENV value: unset')

  const missingCode = t.throws(() => load({ cwd, code: { configFile: 'missing.yml' } })) as Error & { code: string }
  t.equal(missingCode.code, 'FASTIFY_AWS_CONFIG_FILE')
  t.match(missingCode.message, /missing\.yml/)
  t.match(missingCode.message, /configFile in code/)
  const missingEnv = t.throws(() => load({ cwd, env: { WIDGET_CONFIG_FILE: 'config/nope.yml' } })) as Error & { code: string }
  t.equal(missingEnv.code, 'FASTIFY_AWS_CONFIG_FILE')
  t.match(missingEnv.message, /config\/nope\.yml/)
  t.match(missingEnv.message, /WIDGET_CONFIG_FILE/)
})

t.test('interpolation: ${VAR} and ${VAR:-default}', async (t) => {
  const cwd = fixture(t, {
    config: {
      'widget.yml': yml([
        'name: "${NAME}-${SUFFIX:-x}"',
        'threads: ${THREADS:-3}',
        'tags: ["${TAG:-t1}", "fixed"]',
      ]),
    },
  })
  t.match(load({ cwd, env: { NAME: 'n' } }).values, { name: 'n-x', threads: 3, tags: ['t1', 'fixed'] }, 'unset → default')
  t.match(load({ cwd, env: { NAME: 'n', SUFFIX: 'y', THREADS: '12', TAG: 'z' } }).values, {
    name: 'n-y',
    threads: 12,
    tags: ['z', 'fixed'],
  })
  t.match(load({ cwd, env: { NAME: 'n', SUFFIX: '' } }).values, { name: 'n-x' }, 'empty counts as unset')
  const err = t.throws(() => load({ cwd, env: {} })) as Error & { code: string }
  t.equal(err.code, 'FASTIFY_AWS_CONFIG')
  t.match(err.message, /config\/widget\.yml/)
  t.match(err.message, /"name"/)
  t.match(err.message, /NAME is not set/)

  // The ENV of the process is used only through loadConfig's `env`.
  t.equal(interpolate('${A:-}', {}, 'f.yml', 'k'), '', 'an empty default is allowed')
  t.same(interpolate({ a: ['${A}'], b: 1, c: null }, { A: 'v' }, 'f.yml', ''), { a: ['v'], b: 1, c: null })
  t.match(message(() => interpolate({ a: { b: ['${MISSING}'] } }, {}, 'f.yml', '')), /key "a\.b\[0\]"/)
  t.equal(interpolate('$NAME and {NAME}', { NAME: 'x' }, 'f.yml', 'k'), '$NAME and {NAME}', 'only ${...} is replaced')
})

t.test('unknown YAML key: file, key and "did you mean"', async (t) => {
  const cwd = fixture(t, { config: { 'widget.yml': 'treads: 3\n' } })
  const err = t.throws(() => load({ cwd })) as Error & { code: string }
  t.equal(err.code, 'FASTIFY_AWS_CONFIG')
  t.match(err.message, /config\/widget\.yml/)
  t.match(err.message, /unknown key "treads"/)
  t.match(err.message, /did you mean "threads"\?/)

  const far = fixture(t, { config: { 'widget.yml': 'completely_different: 3\n' } })
  const farMsg = message(() => load({ cwd: far }))
  t.match(farMsg, /unknown key "completely_different"/)
  t.notMatch(farMsg, /did you mean/, 'no suggestion when nothing is close')
  t.match(farMsg, /Known keys: name, threads/)
})

t.test('keys of Object.prototype are unknown keys, not options', async (t) => {
  for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    const cwd = fixture(t, { config: { 'widget.yml': `${key}: 1\n` } })
    t.match(message(() => load({ cwd })), new RegExp(`unknown key "${key}"`), `YAML ${key}`)
    t.match(message(() => load({ cwd: fixture(t, {}), code: { [key]: 1 } as never })), /Unknown option/, `code ${key}`)
  }
})

t.test('a key not readable from YAML is unknown there', async (t) => {
  const cwd = fixture(t, { config: { 'widget.yml': 'secret: s3cr3t\n' } })
  t.match(message(() => load({ cwd })), /unknown key "secret"/)
  t.equal(load({ cwd: fixture(t, {}), env: { WIDGET_SECRET: 'x' } }).values.secret, 'x', 'ENV still sets it')
})

t.test('unknown option in code', async (t) => {
  const err = t.throws(() => load({ cwd: fixture(t, {}), code: { treads: 3 } as never })) as Error & { code: string }
  t.equal(err.code, 'FASTIFY_AWS_CONFIG')
  t.match(err.message, /Unknown option "treads" passed in code/)
})

t.test('ENV names: prefix + upper-cased key, own name, or none', async (t) => {
  t.equal(envName(source, 'threads', spec.threads), 'WIDGET_THREADS')
  t.equal(envName(source, 'renamed', spec.renamed), 'WIDGET_OTHER_NAME')
  t.equal(envName(source, 'codeOnly', spec.codeOnly), undefined)
  t.equal(envName(source, 'limits', spec.limits), undefined, 'maps are not settable from ENV')
  const cwd = fixture(t, {})
  t.equal(load({ cwd, env: { WIDGET_OTHER_NAME: 'o', WIDGET_RENAMED: 'no' } }).values.renamed, 'o')
  t.equal(load({ cwd, env: { WIDGET_CODEONLY: 'x' } }).values.codeOnly, undefined)
})

t.test("envAlso: another tool's ENV name is read when the part's own is unset", async (t) => {
  t.same(envNames(source, 'shared', spec.shared), ['WIDGET_SHARED', 'OTHER_TOOL_SHARED'])
  t.same(envNames(source, 'codeOnly', spec.codeOnly), [])
  const cwd = fixture(t, { config: { 'widget.yml': 'shared: from-yaml\n' } })
  t.equal(load({ cwd }).values.shared, 'from-yaml')
  t.equal(load({ cwd, env: { OTHER_TOOL_SHARED: 'other' } }).values.shared, 'other', 'the other name beats YAML')
  t.equal(load({ cwd, env: { OTHER_TOOL_SHARED: 'other', WIDGET_SHARED: 'own' } }).values.shared, 'own', 'our own name comes first')
  t.equal(load({ cwd, env: { OTHER_TOOL_SHARED: 'other', WIDGET_SHARED: '' } }).values.shared, 'other', 'an empty own value is unset')
  t.equal(load({ cwd, env: { OTHER_TOOL_SHARED: 'other' } }).sources.shared, 'env')
  t.equal(load({ cwd, code: { shared: 'code' }, env: { OTHER_TOOL_SHARED: 'other' } }).values.shared, 'code')
})

t.test('the environment name that picked the files is returned', async (t) => {
  const cwd = fixture(t, {})
  t.equal(load({ cwd }).nodeEnv, 'development')
  t.equal(load({ cwd, env: { NODE_ENV: 'production' } }).nodeEnv, 'production')
  t.equal(load({ cwd, env: { NODE_ENV: 'production' }, nodeEnv: 'test' }).nodeEnv, 'test')
})

t.test('an empty ENV value counts as unset', async (t) => {
  const cwd = fixture(t, { config: { 'widget.yml': 'threads: 7\nname: y\n' } })
  const c = load({ cwd, env: { WIDGET_THREADS: '', WIDGET_NAME: '   ', WIDGET_ENABLED: '' } })
  t.equal(c.values.threads, 7)
  t.equal(c.values.name, 'y')
  t.equal(c.values.enabled, false)
  t.equal(c.sources.threads, 'yaml')
})

t.test('booleans are never "presence = true"', async (t) => {
  const cwd = fixture(t, {})
  for (const v of ['true', 'TRUE', '1', ' True ']) t.equal(load({ cwd, env: { WIDGET_ENABLED: v } }).values.enabled, true, v)
  for (const v of ['false', 'False', '0']) t.equal(load({ cwd, env: { WIDGET_ENABLED: v } }).values.enabled, false, v)
  for (const v of ['yes', 'on', 'no', 'off', 'y', '2']) {
    t.throws(() => load({ cwd, env: { WIDGET_ENABLED: v } }), { code: 'FASTIFY_AWS_CONFIG', message: `WIDGET_ENABLED="${v}": expected true or false (also 1/0).` }, v)
  }
  for (const v of ['garbage', '2', 'enabled', 'tru']) {
    const err = t.throws(() => load({ cwd, env: { WIDGET_ENABLED: v } })) as Error & { code: string }
    t.equal(err.code, 'FASTIFY_AWS_CONFIG')
    t.match(err.message, `WIDGET_ENABLED=${JSON.stringify(v)}`)
    t.match(err.message, /expected true or false/)
  }
  const yes = fixture(t, { config: { 'widget.yml': 'enabled: false\n' } })
  t.equal(load({ cwd: yes }).values.enabled, false, 'YAML false is false')
  const bad = fixture(t, { config: { 'widget.yml': 'enabled: maybe\n' } })
  t.match(message(() => load({ cwd: bad })), /config\/widget\.yml: key "enabled" \("maybe"\): expected true or false/)
  t.match(message(() => load({ cwd, code: { enabled: 'maybe' as never } })), /Option "enabled" given in code \("maybe"\): expected true or false/)
})

t.test('wrong type or out of range: the source, the value and what was expected', async (t) => {
  const cwd = fixture(t, {})
  const cases: [Record<string, string>, RegExp][] = [
    [{ WIDGET_THREADS: 'abc' }, /WIDGET_THREADS="abc": expected an integer from 1 to 100\./],
    [{ WIDGET_THREADS: '0' }, /WIDGET_THREADS="0": expected an integer from 1 to 100/],
    [{ WIDGET_THREADS: '101' }, /WIDGET_THREADS="101"/],
    [{ WIDGET_THREADS: '1.5' }, /WIDGET_THREADS="1.5": expected an integer/],
    [{ WIDGET_THREADS: '99999999999999999999' }, /expected an integer/],
    [{ WIDGET_RATIO: 'half' }, /WIDGET_RATIO="half": expected a number from 0 to 1/],
    [{ WIDGET_RATIO: '1.5' }, /WIDGET_RATIO="1.5"/],
    [{ WIDGET_RATIO: 'Infinity' }, /WIDGET_RATIO="Infinity"/],
    [{ WIDGET_MODE: 'turbo' }, /WIDGET_MODE="turbo": expected one of sync, async/],
  ]
  for (const [env, re] of cases) {
    const err = t.throws(() => load({ cwd, env }), Object.keys(env).join()) as Error & { code: string }
    t.equal(err.code, 'FASTIFY_AWS_CONFIG')
    t.match(err.message, re)
  }

  const yamlCases: [string, RegExp][] = [
    ['threads: many', /config\/widget\.yml: key "threads" \("many"\): expected an integer from 1 to 100/],
    ['threads: 500', /key "threads" \(500\): expected an integer from 1 to 100/],
    ['threads: [1]', /key "threads" \(\[1\]\)/],
    ['name: [a, b]', /key "name" \(\["a","b"\]\): expected a non-empty string/],
    ['name: ""', /key "name" \(""\): expected a non-empty string/],
    ['tags: { a: 1 }', /key "tags" .*expected a list of strings/],
    ['tags: [a, { b: 1 }]', /key "tags" .*expected a list of strings/],
    ['mode: 3', /key "mode" \(3\): expected one of sync, async/],
    ['limits: [1, 2]', /key "limits" .*expected a mapping of name to a whole number/],
    ['limits: { q: x }', /key "limits" .*expected q: a whole number/],
  ]
  for (const [text, re] of yamlCases) {
    const dir = fixture(t, { config: { 'widget.yml': `${text}\n` } })
    const err = t.throws(() => load({ cwd: dir }), text) as Error & { code: string }
    t.equal(err.code, 'FASTIFY_AWS_CONFIG', text)
    t.match(err.message, re, text)
  }

  t.match(message(() => load({ cwd, code: { threads: 0 } })), /Option "threads" given in code \(0\): expected an integer from 1 to 100/)
  t.match(
    message(() => load({ cwd, code: { client: 42 as never } })),
    /Option "client" given in code \(42\): expected an object with send\(\)/,
  )
  t.match(message(() => load({ cwd, code: { name: (() => 1) as never } })), /given in code \(a function\)/)
})

t.test('numbers and integers from YAML and ENV', async (t) => {
  const cwd = fixture(t, { config: { 'widget.yml': 'threads: "12"\nratio: 1e-1\nname: 42\n' } })
  t.match(load({ cwd }).values, { threads: 12, ratio: 0.1, name: '42' }, 'quoted ints, exponents, numeric names')
  t.equal(load({ cwd: fixture(t, {}), env: { WIDGET_THREADS: ' 8 ' } }).values.threads, 8, 'ENV text is trimmed')
  t.equal(load({ cwd: fixture(t, {}), env: { WIDGET_RATIO: '0' } }).values.ratio, 0)
})

t.test('list from comma-separated ENV and from YAML', async (t) => {
  const cwd = fixture(t, { config: { 'widget.yml': 'tags: [1, two]\n' } })
  t.same(load({ cwd }).values.tags, ['1', 'two'], 'numbers in a YAML list become strings')
  t.same(load({ cwd, env: { WIDGET_TAGS: 'x,y' } }).values.tags, ['x', 'y'])
  t.same(load({ cwd, env: { WIDGET_TAGS: ' solo ' } }).values.tags, ['solo'])
  const str = fixture(t, { config: { 'widget.yml': 'tags: "p, q"\n' } })
  t.same(load({ cwd: str }).values.tags, ['p', 'q'], 'a YAML string is split like ENV')
})

t.test('YAML null or empty keeps the lower sources', async (t) => {
  const cwd = fixture(t, { config: { 'widget.yml': 'threads:\nname: ~\n' } })
  const c = load({ cwd })
  t.equal(c.values.threads, 4)
  t.equal(c.values.name, 'plain')
  t.equal(c.sources.threads, 'default')
  const empty = fixture(t, { config: { 'widget.yml': '# only a comment\n' } })
  t.same(load({ cwd: empty }).values.threads, 4, 'an empty file is an empty mapping')
  t.equal(load({ cwd: empty }).file, 'config/widget.yml')
})

t.test('YAML that is not a mapping', async (t) => {
  for (const text of ['- a\n- b\n', 'just a string\n', '42\n']) {
    const cwd = fixture(t, { config: { 'widget.yml': text } })
    const err = t.throws(() => load({ cwd }), text) as Error & { code: string }
    t.equal(err.code, 'FASTIFY_AWS_CONFIG_FILE')
    t.match(err.message, /config\/widget\.yml/)
    t.match(err.message, /top level must be a mapping/)
  }
})

t.test('invalid YAML names the file and the line', async (t) => {
  const cwd = fixture(t, { config: { 'widget.yml': 'name: ok\nthreads: [1, 2\nmode: x\n' } })
  const err = t.throws(() => load({ cwd })) as Error & { code: string }
  t.equal(err.code, 'FASTIFY_AWS_CONFIG_FILE')
  t.match(err.message, /Cannot read config file config\/widget\.yml/)
  t.match(err.message, /\(\d+:\d+\)/, 'js-yaml line:column')
  t.notMatch(err.message, /\n/, 'one line')
})

t.test('the YAML data is returned after interpolation, for nested sections', async (t) => {
  const cwd = fixture(t, { config: { 'widget.yml': 'limits: { a: "${N:-1}" }\n' } })
  // limits entries must be integers: "1" as a string is rejected by parseEntry
  t.match(message(() => load({ cwd })), /key "limits"/)
  const ok = fixture(t, { config: { 'widget.yml': 'name: "${N:-dflt}"\n' } })
  t.same(load({ cwd: ok }).yaml, { name: 'dflt' })
})

t.test('YAML merge keys (<<: *anchor) work as in Ruby; dates stay strings', async (t) => {
  const cwd = fixture(t, {
    config: {
      'widget.yml': yml([
        'limits: &shared',
        '  a: 1',
        '  b: 2',
        'name: 2025-01-01',
        'threads: 3',
      ]),
      'other.yml': yml(['limits:', '  <<: { a: 1, b: 2 }', '  b: 5']),
    },
  })
  const c = load({ cwd })
  t.same(c.values.limits, { a: 1, b: 2 })
  t.equal(c.values.name, '2025-01-01', 'no timestamp type: a date-like value is text')
  const merged = load({ cwd, code: { configFile: 'config/other.yml' } })
  t.same(merged.values.limits, { a: 1, b: 5 }, 'merged, and the explicit key wins')
  const anchored = fixture(t, { config: { 'widget.yml': yml(['limits: &l { a: 1 }', 'name: x', '<<: { threads: 9 }']) } })
  t.equal(load({ cwd: anchored }).values.threads, 9, 'a top-level merge sets options')
})

t.test('YAML aliases that expand exponentially (or into themselves) are refused, naming the file', async (t) => {
  // 9 aliases of 9 aliases, 8 levels deep: a few hundred bytes that would be 43 million values once walked.
  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
  for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g'], ['g', 'h']] as const) {
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`)
  }
  const laughs = fixture(t, { config: { 'widget.yml': `${levels.join('\n')}\n` } })
  const err = t.throws(() => load({ cwd: laughs })) as Error & { code: string }
  t.equal(err.code, 'FASTIFY_AWS_CONFIG_FILE')
  t.match(err.message, /Cannot read config file config\/widget\.yml: it expands to more than 100000 values through YAML aliases/)

  const loop = fixture(t, { config: { 'widget.yml': 'tags: &t [a, *t]\n' } })
  t.match(message(() => load({ cwd: loop })), /config\/widget\.yml: an alias \(\*name\) is used inside its own anchor/)

  const fine = fixture(t, { config: { 'widget.yml': 'base: &b [x, y]\ntags: *b\n' } })
  t.throws(() => load({ cwd: fine }), { message: /unknown key "base"/ }, 'ordinary aliases still reach validation')
})
