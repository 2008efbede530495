// Lets the CLI import an app's TypeScript files (table configs and the models they import) with no build step.
// A TypeScript app runs its code through a loader already; we use the same one: the app's own tsx (resolved
// from the app's folder). Without tsx, Node's own type stripping (on by default from Node 22.18 / 23.6) works
// too, with a resolve hook for the `./model.js` → `./model.ts` imports that TypeScript's NodeNext style writes.
import { createRequire, register } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** How TypeScript files are imported in this process. */
export type TypeScriptLoader = 'tsx' | 'node-strip-types'

let enabled: TypeScriptLoader | undefined

// Maps a relative "./x.js" that does not exist to "./x.ts" (tsx does this itself).
const JS_TO_TS_HOOK = `
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context)
  } catch (err) {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && /^\\.\\.?\\//.test(specifier) && /\\.[mc]?js$/.test(specifier)) {
      return next(specifier.replace(/\\.([mc]?)js$/, '.$1ts'), context)
    }
    throw err
  }
}`

/** The ESM entry of tsx's API (`tsx/esm/api`, import condition), found from a package's point of view. */
function tsxApi(require: NodeJS.Require): string {
  const manifest = require.resolve('tsx/package.json')
  const { exports } = require(manifest) as { exports?: Record<string, { import?: { default?: string } | string }> }
  const entry = exports?.['./esm/api']?.import
  const file = typeof entry === 'string' ? entry : entry?.default
  if (file === undefined) throw new Error('tsx without an ESM API (too old)')
  return join(dirname(manifest), file)
}

function nodeStripsTypes(): boolean {
  return Boolean((process.features as { typescript?: unknown }).typescript)
}

/**
 * Makes `import()` of `.ts` files work, once per process: the app's tsx (resolved from `cwd`), else Node's
 * type stripping. Returns the loader used, or undefined when there is none
 * (the caller says what to install).
 */
export async function enableTypeScript(cwd: string): Promise<TypeScriptLoader | undefined> {
  if (enabled !== undefined) return enabled
  let path: string | undefined
  try {
    path = tsxApi(createRequire(join(cwd, 'package.json')))
  } catch {
    // no tsx in the app
  }
  if (path !== undefined) {
    const api = (await import(pathToFileURL(path).href)) as { register?: () => unknown }
    if (typeof api.register === 'function') {
      api.register()
      enabled = 'tsx'
      return enabled
    }
  }
  if (nodeStripsTypes()) {
    register(`data:text/javascript,${encodeURIComponent(JS_TO_TS_HOOK)}`)
    enabled = 'node-strip-types'
    return enabled
  }
  return undefined
}

/** The sentence telling a user how to let the CLI read TypeScript. */
export const TYPESCRIPT_HELP =
  'install tsx in the app (`npm install --save-dev tsx`), or run on Node >= 22.18 (which strips types itself), or point --dir at compiled .js files'
