// Benchmarks measure the built package (dist/, what `npm start` and a deployment run), not the TypeScript sources
// through tsx: tsx keeps function names by wrapping every named closure in an Object.defineProperty call each time
// the closure is made, which cost the worker about 3 µs per request that no deployment pays. `npm run bench` builds
// first; types still come from src/, so type-checking never depends on a build.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Imports `dist/<path>` (e.g. `worker/index.js`), typed as the matching module of src/. */
export async function built<T>(path: string): Promise<T> {
  const url = new URL(`../dist/${path}`, import.meta.url)
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`${fileURLToPath(url)} is missing: run the benchmarks with \`npm run bench\`, which builds dist/ first.`)
  }
  return (await import(url.href)) as T
}
