// ESLint for `npm test` (after tsc, before the tests): typescript-eslint's recommended rules, which find mistakes
// rather than restyle code, plus the type-aware promise rules that matter most in a job system (a floating or
// misused promise is a lost error or an unhandled rejection that ends the worker).
import js from '@eslint/js'
import { defineConfig } from 'eslint/config'
import tseslint from 'typescript-eslint'

/** What plain Node scripts may use without importing it. */
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'structuredClone'].map((name) => [name, 'readonly']),
)

export default defineConfig(
  { ignores: ['dist/', 'coverage/', '.tap/', '.dynamodb-local/', '.fastify-aws/', 'node_modules/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // tap's t.test() returns a promise that tap itself awaits and reports: leaving it is how subtests are written.
        { allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // `_name` marks a value left unused on purpose (a destructured rest, a callback's position); the rest is a mistake.
      // In generic type-level code `{}` is "no further properties", the identity of `&`; `object` or
      // Record<string, never> would mean something else there. Empty interfaces stay an error.
      '@typescript-eslint/no-empty-object-type': ['error', { allowObjectTypes: 'always' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['test/**'],
    rules: {
      // The tests' regular expressions mirror indented command output: two literal spaces read as the output does.
      'no-regex-spaces': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: nodeGlobals },
  },
)
