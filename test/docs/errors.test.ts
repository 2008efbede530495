// docs/errors.md lists every error of src/errors.ts, generated from its source: a new error without a doc comment
// stops `npm run docs`, and a page that is not regenerated fails here.
import { readFileSync } from 'node:fs'
import t from 'tap'
import * as errors from '../../src/errors.js'
import { errorCatalog, renderErrorsPage } from '../../scripts/readme.js'

const root = new URL('../../', import.meta.url)
const source = readFileSync(new URL('src/errors.ts', root), 'utf8')

t.test('docs/errors.md matches src/errors.ts (run `npm run docs` after adding or changing an error)', async (t) => {
  t.equal(readFileSync(new URL('docs/errors.md', root), 'utf8'), renderErrorsPage(source))
})

t.test('the catalogue read from the source agrees with the errors the module exports', async (t) => {
  const listed = new Map(errorCatalog(source).flatMap((s) => s.errors.map((e) => [e.name, e] as const)))
  // The error classes: what createError makes has a prototype inheriting Error's (a helper such as toError has not).
  const exported = (Object.entries(errors) as [string, unknown][]).filter(
    ([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Error,
  ) as [string, new (...args: unknown[]) => Error & { code: string; statusCode?: number }][]
  t.same([...listed.keys()].sort(), exported.map(([name]) => name).sort(), 'every exported error class is listed, and nothing else')
  for (const [name, ErrorClass] of exported) {
    const sample = new ErrorClass('a', 'b', 'c', 'd')
    const entry = listed.get(name)
    t.equal(entry?.code, sample.code, `${name}: code`)
    t.equal(entry?.status ?? 500, sample.statusCode, `${name}: status`)
  }
})

t.test('an error without a doc comment, or with a code outside FASTIFY_AWS_, stops the generator', async (t) => {
  const section = '// ── jobs ─────────────\n'
  const documented = "/** Documented. */\nexport const A = createError('FASTIFY_AWS_A', '%s')\n"
  t.equal(errorCatalog(section + documented)[0]?.errors[0]?.doc, 'Documented.')
  t.throws(() => errorCatalog(section + documented + "export const B = createError('FASTIFY_AWS_B', '%s')\n"), {
    message: /B \(FASTIFY_AWS_B\) has no doc comment/,
  })
  t.throws(() => errorCatalog(section + "/** Documented. */\nexport const C = createError('OTHER_C', '%s')\n"), {
    message: /code OTHER_C does not start with FASTIFY_AWS_/,
  })
  t.throws(() => errorCatalog(section + documented + "/** Again. */\nexport const D = createError('FASTIFY_AWS_A', 'x')\n"), {
    message: /code FASTIFY_AWS_A is used twice/,
  })
})
