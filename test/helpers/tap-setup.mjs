// Loaded into every test process (package.json "tap" "node-arg"), after tap's own coverage has started here.
import { register } from 'node:module'

// TypeScript with its lines kept, so coverage is per line (see ts-hooks.mjs).
register('./ts-hooks.mjs', import.meta.url)

// The processes the tests start record no coverage: they run TypeScript through tsx, whose whitespace-minified
// output maps back to about one statement per file, and tap merges coverage by file before mapping it, so such a
// child could replace a test process's real figures for the files both loaded.
process.env._TAPJS_PROCESSINFO_COVERAGE_ = '0'
