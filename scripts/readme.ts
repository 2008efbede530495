// Keeps the README true: configuration tables come from the option specs, examples from examples/*.ts (which the
// tests type-check and run). `npm run docs` rewrites the README between <!-- config:NAME --> and
// <!-- example:NAME --> markers; test/docs/readme.test.ts fails when the committed README differs.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { envNames, type ConfigSource, type OptionSpec } from '../src/config/index.js'
import { awsConfigOptions, awsConfigSource } from '../src/aws/config.js'
import { instrumentationOptions, instrumentationConfigSource } from '../src/aws/instrumentation-config.js'
import { workerOptions, workerConfigSource } from '../src/worker/options.js'
import { queueOptions, queueConfigSource } from '../src/queue/config.js'
import { sessionOptions, sessionConfigSource } from '../src/sessions/options.js'
import { mailConfigOptions, mailConfigSource } from '../src/mail/config.js'
import { sqsdOptions, sqsdConfigSource } from '../src/sqsd/options.js'
import { devOptions, devConfigSource } from '../src/dev/dev-options.js'

type Spec = Record<string, OptionSpec<unknown>>

/** Every documented option set: README marker name → spec and source. */
export const configTables: ReadonlyArray<{ name: string; spec: Spec; source: ConfigSource }> = [
  { name: 'worker', spec: workerOptions, source: workerConfigSource },
  { name: 'queue', spec: queueOptions, source: queueConfigSource },
  { name: 'sessions', spec: sessionOptions, source: sessionConfigSource },
  { name: 'mail', spec: mailConfigOptions, source: mailConfigSource('default') },
  { name: 'aws', spec: awsConfigOptions, source: awsConfigSource },
  { name: 'instrumentation', spec: instrumentationOptions, source: instrumentationConfigSource },
  { name: 'sqsd', spec: sqsdOptions, source: sqsdConfigSource },
  { name: 'dev', spec: devOptions, source: devConfigSource },
]

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

function shownDefault(s: OptionSpec<unknown>, key: string): string {
  if (key === 'threads' && s.kind === 'integer' && s.description.includes('at once')) return 'CPUs × 2'
  if (s.default === undefined) return '—'
  return `\`${Array.isArray(s.default) ? s.default.join(',') : String(s.default)}\``
}

/** The markdown table of one option set. */
export function configTable(spec: Spec, source: ConfigSource): string {
  const file = `config/${source.names[0]}.yml`
  const rows = [
    `YAML: \`config/${source.names[0]}/<NODE_ENV>.yml\`, else \`${file}\`${source.envPrefix ? ` (or the file named by \`${source.envPrefix}CONFIG_FILE\`)` : ''}.` +
      source.names
        .slice(1)
        .map((other) => ` The name \`${other}\` is read the same way; files under both names are an error.`)
        .join(''),
    '',
    '| YAML key | ENV | default | what it does |',
    '|---|---|---|---|',
  ]
  for (const [key, s] of Object.entries(spec)) {
    if (s.kind === 'code') continue
    const env = envNames(source, key, s)
    rows.push(
      `| ${s.yaml === false ? '—' : `\`${key}\``} | ${env.length ? env.map((n) => `\`${n}\``).join(', ') : '—'} | ${shownDefault(s, key)} | ${cell(s.description)} (${cell(s.expected)}) |`,
    )
  }
  return rows.join('\n')
}

/** Replaces what stands between `<!-- kind:name -->` and `<!-- /kind:name -->`. */
function fill(text: string, kind: string, name: string, body: string): string {
  const re = new RegExp(`(<!-- ${kind}:${name} -->\\n)[\\s\\S]*?(<!-- /${kind}:${name} -->)`)
  return text.replace(re, (_m, open: string, close: string) => `${open}${body}\n${close}`)
}

/** The README with every marked table and example regenerated. */
export function renderReadme(readme: string): string {
  let out = readme
  for (const { name, spec, source } of configTables) out = fill(out, 'config', name, configTable(spec, source))
  for (const m of readme.matchAll(/<!-- example:([\w-]+) -->/g)) {
    const name = m[1]!
    const code = readFileSync(new URL(`../examples/${name}.ts`, import.meta.url), 'utf8').trimEnd()
    out = fill(out, 'example', name, `\`\`\`ts\n${code}\n\`\`\``)
  }
  return out
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = new URL('../README.md', import.meta.url)
  writeFileSync(path, renderReadme(readFileSync(path, 'utf8')))
  console.log('README configuration tables and examples regenerated')
}
