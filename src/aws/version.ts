import { createRequire } from 'node:module'

// package.json sits two levels up from both src/aws and dist/aws.
const pkg = createRequire(import.meta.url)('../../package.json') as { version: string }

/** This package's version, as sent in the user agent and in job message attributes. */
export const VERSION: string = pkg.version
