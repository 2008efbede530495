// Module hooks for the test processes (registered by test/helpers/tap-setup.mjs): TypeScript through esbuild with
// every line kept where it was, so V8 coverage maps back line for line. tsx, which runs the service and the child
// processes, minifies whitespace, and its coverage maps to about one statement per file. Resolution follows
// tsconfig.json: `fastify-aws` and `fastify-aws/<part>` are this repository's src/, and `./x.js` may be `./x.ts`.
import { readFile } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { transform } from 'esbuild'

const src = new URL('../../src/', import.meta.url)
const self = (specifier) => {
  if (specifier === 'fastify-aws') return new URL('index.ts', src).href
  if (specifier === 'fastify-aws/errors') return new URL('errors.ts', src).href
  const part = /^fastify-aws\/([a-z-]+)$/.exec(specifier)?.[1]
  return part ? new URL(`${part}/index.ts`, src).href : undefined
}

export async function resolve(specifier, context, next) {
  const mapped = self(specifier)
  if (mapped) return { url: mapped, shortCircuit: true }
  try {
    return await next(specifier, context)
  } catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && /^\.\.?\//.test(specifier) && /\.[mc]?js$/.test(specifier)) {
      return next(specifier.replace(/\.([mc]?)js$/, '.$1ts'), context)
    }
    throw err
  }
}

export async function load(url, context, next) {
  if (!/\.[mc]?ts$/.test(new URL(url).pathname) || url.includes('/node_modules/')) return next(url, context)
  const path = fileURLToPath(url)
  const { code } = await transform(await readFile(path, 'utf8'), {
    loader: 'ts',
    format: url.endsWith('.cts') ? 'cjs' : 'esm',
    target: `node${process.versions.node}`,
    sourcemap: 'inline',
    sourcefile: pathToFileURL(path).href,
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
  })
  return { format: url.endsWith('.cts') ? 'commonjs' : 'module', source: code, shortCircuit: true }
}
