// cron.yaml: unit tests of the parser/validator the worker and the sqsd daemon share. (What the worker does with it at
// start-up is in test/worker/cron.test.ts.)
import t from 'tap'
import { join } from 'node:path'
import { JobRegistry } from '../../src/jobs/index.js'
import { registerServiceJobs } from '../../service/jobs.js'
import { loadCronYaml, nextFireTime, parseCronYaml } from '../../src/config/index.js'
import { testJobs } from '../worker/helpers.js'

const F = 'cron.yaml'

/** The CronYamlError message for `text`, or undefined when it parses. */
function problem(text: string, check: Parameters<typeof parseCronYaml>[2] = {}): string | undefined {
  try {
    parseCronYaml(text, F, check)
    return undefined
  } catch (err) {
    const e = err as Error & { code?: string }
    if (e.code !== 'FASTIFY_AWS_CRON_YAML') throw err
    return e.message
  }
}

t.test('a valid file: entries with their lines, schedules trimmed', async (t) => {
  const text = [
    '# tasks',
    'version: 1',
    'cron:',
    '  # the heartbeat',
    '  - name: "HeartbeatJob"',
    '    url: "/"',
    '    schedule: "*/5 * * * *"',
    '',
    '  - name: Cleanup',
    '    url: /scheduled/cleanup',
    "    schedule: ' 0  3 * * MON-FRI '",
  ].join('\n')
  const entries = parseCronYaml(text, F, { registry: testJobs().registry })
  t.same(entries, [
    { name: 'HeartbeatJob', url: '/', schedule: '*/5 * * * *', line: 5 },
    { name: 'Cleanup', url: '/scheduled/cleanup', schedule: '0  3 * * MON-FRI', line: 9 },
  ])
  t.equal(problem("version: '1'\ncron: []\n"), undefined, 'version may be the string "1"; an empty list is fine')
  t.same(nextFireTime('*/5 * * * *', new Date('2026-11-29T21:02:30Z')).toISOString(), '2026-11-29T21:05:00.000Z')
  t.same(nextFireTime('0 3 * * *', new Date('2026-11-29T03:00:00Z')).toISOString(), '2026-11-30T03:00:00.000Z', 'strictly after, in UTC')
})

t.test('the repository cron.yaml is valid for the reference service', async (t) => {
  const registry = registerServiceJobs(new JobRegistry())
  const entries = loadCronYaml(join(import.meta.dirname, '..', '..', 'cron.yaml'), { registry })
  t.ok(entries.some((e) => e.name === 'HeartbeatJob' && e.url === '/'))
})

t.test('errors name the file, the line and the entry', async (t) => {
  const entry = (name: string, url: string, schedule: string) => `  - name: ${name}\n    url: ${url}\n    schedule: "${schedule}"\n`
  const cases: [string, string, RegExp][] = [
    ['missing version', `cron:\n${entry('A', '/x', '* * * * *')}`, /^cron\.yaml: "version" must be 1 \(got undefined\)/],
    ['wrong version', `version: 2\ncron:\n${entry('A', '/x', '* * * * *')}`, /^cron\.yaml: "version" must be 1 \(got 2\)/],
    ['not a mapping', '- just\n- a list\n', /^cron\.yaml: expected a mapping with "version: 1" and a "cron:" list/],
    ['empty file', '', /^cron\.yaml: expected a mapping/],
    ['invalid YAML', 'version: 1\ncron: [\n', /^cron\.yaml: not valid YAML/],
    ['cron missing', 'version: 1\n', /^cron\.yaml: "cron" must be a list of tasks/],
    ['cron not a list', 'version: 1\ncron:\n  name: A\n  url: /\n', /^cron\.yaml: "cron" must be a list of tasks/],
    ['entry not a mapping', 'version: 1\ncron:\n  - HeartbeatJob\n', /^cron\.yaml:3 \(cron entry 1\): each entry must be a mapping/],
    ['missing name', 'version: 1\ncron:\n  - url: /x\n    schedule: "* * * * *"\n', /^cron\.yaml:3 \(cron entry 1\): "name" is missing/],
    ['missing url', 'version: 1\ncron:\n  - name: A\n    schedule: "* * * * *"\n', /^cron\.yaml:3 \(cron entry 1\): "url" is missing/],
    ['missing schedule', 'version: 1\ncron:\n  - name: A\n    url: /x\n', /^cron\.yaml:3 \(cron entry 1\): "schedule" is missing/],
    ['blank name', 'version: 1\ncron:\n  - name: "  "\n    url: /x\n    schedule: "* * * * *"\n', /"name" is missing or not a string/],
    ['name not a string', 'version: 1\ncron:\n  - name: 42\n    url: /x\n    schedule: "* * * * *"\n', /"name" is missing or not a string/],
    ['unknown key', 'version: 1\ncron:\n  - name: A\n    url: /x\n    schedule: "* * * * *"\n    timezone: CET\n', /unknown key "timezone" \(allowed: name, url, schedule\)/],
    ['url not a path', `version: 1\ncron:\n${entry('A', 'http://localhost/x', '* * * * *')}`, /^cron\.yaml:3 \(cron entry "A"\): url must be a path starting with "\/"/],
    ['4 fields', `version: 1\ncron:\n${entry('A', '/x', '* * * *')}`, /^cron\.yaml:3 \(cron entry "A"\): schedule "\* \* \* \*" is invalid: expected 5 fields .* got 4/],
    ['6 fields', `version: 1\ncron:\n${entry('A', '/x', '0 * * * * *')}`, /is invalid: expected 5 fields .* got 6/],
    ['@daily', `version: 1\ncron:\n${entry('A', '/x', '@daily')}`, /is invalid: expected 5 fields .* got 1/],
    ['minute 60', `version: 1\ncron:\n${entry('A', '/x', '60 * * * *')}`, /schedule "60 \* \* \* \*" is invalid: .*60.*0-59/],
    ['hour 24', `version: 1\ncron:\n${entry('A', '/x', '0 24 * * *')}`, /is invalid: .*24.*0-23/],
    ['day 32', `version: 1\ncron:\n${entry('A', '/x', '0 0 32 * *')}`, /is invalid: .*32.*1-31/],
    ['day 0', `version: 1\ncron:\n${entry('A', '/x', '0 0 0 * *')}`, /is invalid: .*1-31/],
    ['month 13', `version: 1\ncron:\n${entry('A', '/x', '0 0 1 13 *')}`, /is invalid: .*13.*1-12/],
    ['weekday 8', `version: 1\ncron:\n${entry('A', '/x', '0 0 * * 8')}`, /is invalid: .*8.*0-7/],
    ['letters', `version: 1\ncron:\n${entry('A', '/x', 'a b c d e')}`, /is invalid: Invalid characters/],
    ['step 0', `version: 1\ncron:\n${entry('A', '/x', '*/0 * * * *')}`, /is invalid/],
    ['reversed range', `version: 1\ncron:\n${entry('A', '/x', '5-1 * * * *')}`, /is invalid: Invalid range/],
  ]
  for (const [name, text, message] of cases) {
    const got = problem(text)
    t.match(got, message, `${name}: ${got}`)
    t.notMatch(got ?? '', /\n/, `${name}: one line`)
  }
})

t.test('duplicate names: the message names both lines', async (t) => {
  const text = [
    'version: 1',
    'cron:',
    '  - name: HeartbeatJob',
    '    url: /',
    '    schedule: "*/5 * * * *"',
    '  - name: Other',
    '    url: /other',
    '    schedule: "0 * * * *"',
    '  - name: HeartbeatJob',
    '    url: /',
    '    schedule: "0 0 * * *"',
  ].join('\n')
  const got = problem(text)
  t.equal(got, 'cron.yaml:9 (cron entry "HeartbeatJob"): the name is already used on line 3; names must be unique.')
  t.equal(problem(text.replace(/HeartbeatJob$/m, 'heartbeatjob')), undefined, 'names are case-sensitive')
})

t.test('entries on the worker path must name a registered job; other urls are left to the app', async (t) => {
  const { registry } = testJobs()
  const text = 'version: 1\ncron:\n  - name: Cleanup\n    url: /scheduled\n    schedule: "0 3 * * *"\n  - name: NoSuchJob\n    url: /\n    schedule: "0 3 * * *"\n'
  t.match(
    problem(text, { registry }),
    /^cron\.yaml:6 \(cron entry "NoSuchJob"\): no job is registered under "NoSuchJob"\. Register a job with that jobName, or fix the name \(it is case-sensitive\)\.$/,
  )
  t.equal(problem(text, {}), undefined, 'without a registry names are not checked')
  t.equal(problem(text.replace('NoSuchJob', 'HelloJob'), { registry }), undefined)
  for (const name of ['__proto__', 'constructor', 'toString', 'hellojob']) {
    t.match(problem(text.replaceAll('NoSuchJob', name), { registry }), /no job is registered under/, `${name} is not a job`)
  }
  // With a custom worker path, "/" is just another url.
  t.equal(problem(text, { registry, workerPath: '/jobs' }), undefined)
  t.match(problem(text.replace('url: /\n', 'url: /jobs\n'), { registry, workerPath: '/jobs' }), /no job is registered under "NoSuchJob"/)
})

t.test('entries on the worker path must be allowed by job_class_allowlist when there is one', async (t) => {
  const { registry } = testJobs()
  const text = 'version: 1\ncron:\n  - name: HeartbeatJob\n    url: /\n    schedule: "*/5 * * * *"\n  - name: Cleanup\n    url: /scheduled\n    schedule: "0 3 * * *"\n'
  t.equal(
    problem(text, { registry, allowlist: new Set(['HelloJob']) }),
    'cron.yaml:3 (cron entry "HeartbeatJob"): job "HeartbeatJob" is registered but not in job_class_allowlist, so the worker would refuse every run of this task. Add it to the allowlist, or remove the task.',
  )
  t.equal(problem(text, { registry, allowlist: new Set(['HeartbeatJob']) }), undefined, 'allowed; the other url is the app\'s')
  t.equal(problem(text, { registry }), undefined, 'no allowlist: every registered job')
  t.match(problem(text.replace('HeartbeatJob', 'Missing'), { registry, allowlist: new Set(['Missing']) }), /no job is registered under "Missing"/, 'allowed is not registered')
  // The registry's own allowlist (registry.allow) counts as much as the option.
  registry.allow(['HelloJob'])
  t.match(problem(text, { registry }), /job "HeartbeatJob" is registered but not in job_class_allowlist/, 'registry.allow() narrows it too')
  registry.allow(undefined)
  t.equal(problem(text, { registry }), undefined)
})

t.test('aliases that never end or expand without bound are refused', async (t) => {
  t.match(problem('version: 1\ncron: &c [*c]\n'), /cron\.yaml: an alias \(\*name\) is used inside its own anchor/)
  const levels = ['a: &a [x,x,x,x,x,x,x,x,x,x]']
  for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f']] as const) levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(',')}]`)
  t.match(problem(`version: 1\n${levels.join('\n')}\ncron: []\n`), /expands to more than 100000 values/)
})
