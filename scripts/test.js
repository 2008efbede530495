// Runs tap, echoing its output, and ends with a plain "N passed, N failed, N skipped" line that any CI can read.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const tap = fileURLToPath(new URL('../node_modules/tap/dist/esm/run.mjs', import.meta.url))
const child = spawn(process.execPath, [tap, ...process.argv.slice(2)], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
})
let summary
createInterface({ input: child.stdout }).on('line', (line) => {
  process.stdout.write(`${line}\n`)
  // tap's closing line: "# { total: 12, pass: 11, fail: 1, skip: 0 }"
  const m = /^#\s*\{\s*total:\s*\d+(.*)\}\s*$/.exec(line)
  if (m) summary = Object.fromEntries([...m[1].matchAll(/(\w+):\s*(\d+)/g)].map(([, k, v]) => [k, Number(v)]))
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('close', (code, signal) => {
  if (summary) {
    console.log(`${summary.pass ?? 0} passed, ${summary.fail ?? 0} failed, ${summary.skip ?? 0} skipped`)
  } else {
    console.log('0 passed, 1 failed (tap printed no summary)')
  }
  process.exit(code ?? (signal ? 1 : 0))
})
