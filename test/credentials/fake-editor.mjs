// A scripted $EDITOR for the `credentials edit` tests: records the file it was given, then (maybe) rewrites it.
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

const file = process.argv[2]
appendFileSync(
  process.env.FAKE_EDITOR_RECORD,
  `${JSON.stringify({
    path: file,
    mode: statSync(file).mode & 0o777,
    dirMode: statSync(dirname(file)).mode & 0o777,
    content: readFileSync(file, 'utf8'),
  })}\n`,
)
// Stay open like a real editor until a signal ends the process.
if (process.env.FAKE_EDITOR_WAIT) setInterval(() => {}, 1000)
if (process.env.FAKE_EDITOR_WRITE !== undefined) writeFileSync(file, process.env.FAKE_EDITOR_WRITE)
process.exitCode = Number(process.env.FAKE_EDITOR_EXIT ?? 0)
