// `fastify-aws credentials show|edit` in process, with a scripted $EDITOR.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { loadAwsClientOptions } from '../../src/aws/index.js'
import { openRailsMessage } from '../../src/aws/rails-encryption.js'
import { runCli } from '../helpers/cli.js'
import { fixture, newKey, parts, project, projectWithFixture, scriptedEditor, writeEncrypted, writeProjectFile } from './helpers.js'

const decrypt = (cwd: string, file: string, key: string) =>
  openRailsMessage(readFileSync(join(cwd, file), 'utf8'), Buffer.from(key.trim(), 'hex'))

t.test('show: names and structure with every value masked; --reveal prints the YAML as written', async (t) => {
  const cwd = projectWithFixture(t)
  const masked = await runCli(['credentials', 'show'], {}, cwd)
  t.equal(masked.code, 0, masked.err)
  t.equal(
    masked.out,
    [
      '# config/credentials.yml.enc (key from config/master.key); values masked, --reveal shows them',
      'aws:',
      '  access_key_id: ********',
      '  secret_access_key: ********',
      'secret_key_base: ********',
      '',
    ].join('\n'),
  )
  t.notMatch(masked.out, fixture.secretAccessKey)
  const revealed = await runCli(['credentials', 'show', '--reveal'], { RAILS_MASTER_KEY: fixture.key }, cwd)
  t.equal(revealed.code, 0)
  t.equal(revealed.out, `aws:\n  access_key_id: ${fixture.accessKeyId}\n  secret_access_key: ${fixture.secretAccessKey}\nsecret_key_base: 0123456789abcdef\n`)
})

t.test('show: lists and nested sections keep their shape; --environment picks the per-environment pair', async (t) => {
  const cwd = project(t)
  const k = newKey()
  writeEncrypted(cwd, 'config/credentials/production.yml.enc', 'aws:\n  access_key_id: A\n  secret_access_key: B\nhosts:\n  - a\n  - b\nsmtp:\n  user: u\n  empty:\n', k, {
    keyFile: 'config/credentials/production.key',
  })
  const r = await runCli(['credentials', 'show', '-e', 'production'], {}, cwd)
  t.equal(r.code, 0, r.err)
  t.equal(r.out.split('\n').slice(1).join('\n'), 'aws:\n  access_key_id: ********\n  secret_access_key: ********\nhosts:\n  - ********\n  - ********\nsmtp:\n  user: ********\n  empty:\n')
  t.equal((await runCli(['credentials', 'show'], { NODE_ENV: 'production' }, cwd)).code, 0, 'NODE_ENV picks it too, as the app would')
})

t.test('show: clear errors, exit 1, and no secret printed', async (t) => {
  const empty = project(t)
  const missing = await runCli(['credentials', 'show'], {}, empty)
  t.equal(missing.code, 1)
  t.equal(missing.err, 'fastify-aws credentials: Cannot read encrypted credentials config/credentials.yml.enc: no such file; create it with fastify-aws credentials edit [FASTIFY_AWS_CREDENTIALS_FILE]\n')
  const cwd = projectWithFixture(t)
  const wrong = newKey()
  const bad = await runCli(['credentials', 'show', '--reveal'], { RAILS_MASTER_KEY: wrong }, cwd)
  t.equal(bad.code, 1)
  t.match(bad.err, /Cannot decrypt config\/credentials\.yml\.enc with the key from RAILS_MASTER_KEY.*\[FASTIFY_AWS_CREDENTIALS_DECRYPT\]/)
  t.notMatch(bad.err + bad.out, wrong)
  const usage = await runCli(['credentials', 'show', '--environment', '../etc'], {}, cwd)
  t.equal(usage.code, 2)
  t.match(usage.err, /--environment takes a name of letters/)
  t.equal((await runCli(['credentials', 'nope'], {}, cwd)).code, 2)
  t.equal((await runCli(['credentials'], {}, cwd)).code, 2)
})

t.test('edit on a new project: creates the key (0600) and the file, and puts the key in .gitignore', async (t) => {
  const cwd = project(t)
  writeProjectFile(cwd, '.gitignore', 'node_modules/') // no final newline
  const yaml = 'aws:\n  access_key_id: AKIDNEW\n  secret_access_key: brand-new\n'
  const editor = scriptedEditor(t, { write: yaml })
  const r = await runCli(['credentials', 'edit'], editor.env, cwd)
  t.equal(r.code, 0, r.err)
  t.match(r.out, 'config/credentials.yml.enc: encrypted and saved.')
  t.match(r.out, 'Created config/master.key, the key of config/credentials.yml.enc')
  t.match(r.out, 'Added /config/master.key to .gitignore.')
  const key = readFileSync(join(cwd, 'config/master.key'), 'utf8')
  t.match(key, /^[0-9a-f]{32}$/, "a key in Rails' form")
  t.notMatch(r.out, key, 'the key is not printed')
  t.equal(statSync(join(cwd, 'config/master.key')).mode & 0o777, 0o600)
  t.equal(readFileSync(join(cwd, '.gitignore'), 'utf8'), 'node_modules/\n/config/master.key\n')
  t.same(decrypt(cwd, 'config/credentials.yml.enc', key), { ok: true, text: yaml, serializer: 'marshal' })
  t.match(editor.visits()[0]!.content, /^# Rails encrypted credentials/, 'the editor was given the commented template')
  t.same(loadAwsClientOptions({}, { cwd, env: {} }).credentials, { accessKeyId: 'AKIDNEW', secretAccessKey: 'brand-new' }, 'the app reads it')

  // A second edit: the same key, a new IV, .gitignore left as it is.
  const again = scriptedEditor(t, { write: `${yaml}other: 1\n` })
  const before = parts(join(cwd, 'config/credentials.yml.enc'))
  const r2 = await runCli(['credentials', 'edit'], again.env, cwd)
  t.equal(r2.code, 0, r2.err)
  t.equal(again.visits()[0]!.content, yaml, 'the editor was given the decrypted YAML')
  t.notMatch(r2.out, /Created|gitignore/)
  t.equal(readFileSync(join(cwd, 'config/master.key'), 'utf8'), key, 'the key is kept')
  t.not(parts(join(cwd, 'config/credentials.yml.enc'))[1], before[1], 'a new IV')
  t.equal(readFileSync(join(cwd, '.gitignore'), 'utf8'), 'node_modules/\n/config/master.key\n', 'not listed twice')
})

t.test('edit: the temporary file is private while the editor runs and gone afterwards, whatever happens', async (t) => {
  const cwd = projectWithFixture(t)
  const original = readFileSync(join(cwd, 'config/credentials.yml.enc'), 'utf8')
  const outcomes: [string, { write?: string; exit?: number }, RegExp | undefined][] = [
    ['saved', { write: 'aws:\n  access_key_id: AKIDSAVED\n  secret_access_key: s\n' }, undefined],
    ['the editor fails', { write: 'aws: {}\n', exit: 3 }, /The editor \(.*\) exited with 3: nothing was saved\. \[FASTIFY_AWS_CREDENTIALS_EDIT\]/],
    ['invalid YAML', { write: 'aws:\n  a: 1\n   b: 2\n' }, /its decrypted YAML is invalid at line 3.*Your edits were not saved/],
    ['half a key pair', { write: 'aws:\n  access_key_id: AKIDHALF\n' }, /key "aws\.secret_access_key" is missing.*Your edits were not saved/],
  ]
  for (const [name, o, error] of outcomes) {
    const editor = scriptedEditor(t, o)
    const before = readFileSync(join(cwd, 'config/credentials.yml.enc'), 'utf8')
    const r = await runCli(['credentials', 'edit'], editor.env, cwd)
    const [visit] = editor.visits()
    t.ok(visit, `${name}: the editor ran`)
    t.equal(visit!.mode, 0o600, `${name}: the file is readable by its owner only`)
    t.equal(visit!.dirMode, 0o700, `${name}: in a directory of its own`)
    t.match(visit!.path, /credentials\.yml$/, `${name}: named .yml so editors highlight it`)
    t.notOk(existsSync(visit!.path), `${name}: the temporary file is gone`)
    t.same(readdirSync(editor.tmp), [], `${name}: nothing left in TMPDIR`)
    if (error === undefined) {
      t.equal(r.code, 0, r.err)
    } else {
      t.equal(r.code, 1, name)
      t.match(r.err, error)
      t.equal(readFileSync(join(cwd, 'config/credentials.yml.enc'), 'utf8'), before, `${name}: the file is unchanged`)
      t.notMatch(r.err, 'AKIDSAVED')
    }
  }
  t.not(readFileSync(join(cwd, 'config/credentials.yml.enc'), 'utf8'), original)
})

t.test('edit without changes leaves the file as it was', async (t) => {
  const cwd = projectWithFixture(t)
  const before = readFileSync(join(cwd, 'config/credentials.yml.enc'), 'utf8')
  const editor = scriptedEditor(t)
  const r = await runCli(['credentials', 'edit'], editor.env, cwd)
  t.equal(r.code, 0, r.err)
  t.equal(r.out, 'No changes: config/credentials.yml.enc left as it was.\nAdded /config/master.key to .gitignore.\n')
  t.equal(readFileSync(join(cwd, 'config/credentials.yml.enc'), 'utf8'), before)
  t.equal(readFileSync(join(cwd, '.gitignore'), 'utf8').trim(), '/config/master.key', 'the key file is made sure to be ignored')
})

t.test('edit refuses to start without an editor, or without the key of an existing file; nothing is created', async (t) => {
  const cwd = project(t)
  const noEditor = await runCli(['credentials', 'edit'], {}, cwd)
  t.equal(noEditor.code, 1)
  t.match(noEditor.err, /No editor to open config\/credentials\.yml\.enc with: set EDITOR \(or VISUAL\), e\.g\. EDITOR="code --wait" fastify-aws credentials edit\. Nothing was changed\. \[FASTIFY_AWS_CREDENTIALS_EDIT\]/)
  t.same(readdirSync(cwd), [], 'nothing created')

  const withFile = projectWithFixture(t)
  rmSync(join(withFile, 'config/master.key'))
  const editor = scriptedEditor(t, { write: 'aws: {}\n' })
  const noKey = await runCli(['credentials', 'edit'], editor.env, withFile)
  t.equal(noKey.code, 1)
  t.match(noKey.err, /Cannot decrypt config\/credentials\.yml\.enc: no key\. Put the key in config\/master\.key or set RAILS_MASTER_KEY.*\[FASTIFY_AWS_CREDENTIALS_KEY_MISSING\]/)
  t.notOk(existsSync(join(withFile, 'config/master.key')), 'no new key replaces the lost one')
  t.same(editor.visits(), [], 'the editor never opened')

  const missingEditor = scriptedEditor(t)
  const notFound = await runCli(['credentials', 'edit'], { ...missingEditor.env, EDITOR: 'no-such-editor-anywhere' }, project(t))
  t.equal(notFound.code, 1)
  t.match(notFound.err, /The editor \(no-such-editor-anywhere\) exited with 127 \(command not found\?\): nothing was saved/)
})

t.test('edit --environment production: the per-environment pair, created with its own key', async (t) => {
  const cwd = projectWithFixture(t)
  const editor = scriptedEditor(t, { write: 'aws:\n  access_key_id: AKIDPROD\n  secret_access_key: p\n' })
  const r = await runCli(['credentials', 'edit', '--environment', 'production'], editor.env, cwd)
  t.equal(r.code, 0, r.err)
  t.match(r.out, 'config/credentials/production.yml.enc: encrypted and saved.')
  t.match(r.out, 'Added /config/credentials/production.key to .gitignore.')
  const key = readFileSync(join(cwd, 'config/credentials/production.key'), 'utf8')
  t.not(key, fixture.key, 'a key of its own')
  t.match(loadAwsClientOptions({}, { cwd, env: { NODE_ENV: 'production' } }).credentials, { accessKeyId: 'AKIDPROD' })
  t.match(loadAwsClientOptions({}, { cwd, env: {} }).credentials, { accessKeyId: fixture.accessKeyId }, 'development still reads the base file')
})

t.test('edit with RAILS_MASTER_KEY and no file: encrypted with that key, no key file written', async (t) => {
  const cwd = project(t)
  const key = newKey()
  const editor = scriptedEditor(t, { write: 'aws:\n  access_key_id: AKIDENVKEY\n  secret_access_key: e\n' })
  const r = await runCli(['credentials', 'edit'], { ...editor.env, RAILS_MASTER_KEY: key }, cwd)
  t.equal(r.code, 0, r.err)
  t.notOk(existsSync(join(cwd, 'config/master.key')))
  t.notOk(existsSync(join(cwd, '.gitignore')), 'no key file, nothing to ignore')
  t.match(decrypt(cwd, 'config/credentials.yml.enc', key), { ok: true, text: /AKIDENVKEY/ })
})

t.test('edit keeps the serialization of a JSON-variant file', async (t) => {
  const cwd = project(t)
  const key = newKey()
  writeEncrypted(cwd, 'config/credentials.yml.enc', 'a: 1\n', key, { keyFile: 'config/master.key', serializer: 'json' })
  const editor = scriptedEditor(t, { write: 'a: 2\n' })
  const r = await runCli(['credentials', 'edit'], editor.env, cwd)
  t.equal(r.code, 0, r.err)
  t.same(decrypt(cwd, 'config/credentials.yml.enc', key), { ok: true, text: 'a: 2\n', serializer: 'json' })
})

t.test('the key file already listed in .gitignore (with or without the leading slash) is not added again', async (t) => {
  for (const listed of ['/config/master.key', 'config/master.key']) {
    const cwd = project(t)
    writeFileSync(join(cwd, '.gitignore'), `${listed}\n`)
    const editor = scriptedEditor(t, { write: 'a: 1\n' })
    const r = await runCli(['credentials', 'edit'], editor.env, cwd)
    t.equal(r.code, 0, r.err)
    t.equal(readFileSync(join(cwd, '.gitignore'), 'utf8'), `${listed}\n`, listed)
  }
})

t.test('edit stopped by a signal (SIGTERM to the CLI, Ctrl-C to the terminal) removes the temporary file and saves nothing', async (t) => {
  const cli = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url))
  for (const how of ['SIGTERM to the CLI', 'SIGINT to the process group'] as const) {
    const cwd = projectWithFixture(t)
    const before = readFileSync(join(cwd, 'config/credentials.yml.enc'), 'utf8')
    const editor = scriptedEditor(t, { wait: true, write: 'aws: {}\n' })
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), cli, 'credentials', 'edit'], {
      cwd,
      env: { ...process.env, ...editor.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // a process group of its own, as a terminal's foreground job
    })
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    t.teardown(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL')
    })
    // The editor has the file open once it has recorded its visit.
    while (editor.visits().length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    if (how === 'SIGTERM to the CLI') child.kill('SIGTERM')
    else process.kill(-child.pid!, 'SIGINT')
    t.equal(await exited, 1, `${how}: exit 1`)
    t.match(err, /The editor \(.*\) was stopped by SIG(TERM|INT): nothing was saved/, how)
    t.notOk(existsSync(editor.visits()[0]!.path), `${how}: the temporary file is gone`)
    // tsx keeps its cache in TMPDIR too: only our own directories count.
    t.same(readdirSync(editor.tmp).filter((n) => n.startsWith('fastify-aws-')), [], `${how}: nothing left in TMPDIR`)
    t.equal(readFileSync(join(cwd, 'config/credentials.yml.enc'), 'utf8'), before, `${how}: the file is unchanged`)
  }
})

t.test('a file whose YAML is broken: start-up refuses it, show --reveal prints it, edit opens it to be fixed', async (t) => {
  const cwd = project(t)
  const key = newKey()
  const broken = 'aws:\n  access_key_id: AKIDFIXED\n   secret_access_key: f\n'
  writeEncrypted(cwd, 'config/credentials.yml.enc', broken, key, { keyFile: 'config/master.key' })
  t.throws(() => loadAwsClientOptions({}, { cwd, env: {} }), { code: 'FASTIFY_AWS_CREDENTIALS_CONTENT' })
  const masked = await runCli(['credentials', 'show'], {}, cwd)
  t.equal(masked.code, 1)
  t.match(masked.err, /its decrypted YAML is invalid at line 3.*Fix it with fastify-aws credentials edit\. \[FASTIFY_AWS_CREDENTIALS_CONTENT\]/)
  t.equal((await runCli(['credentials', 'show', '--reveal'], {}, cwd)).out, broken, '--reveal prints it as written')
  const fixed = 'aws:\n  access_key_id: AKIDFIXED\n  secret_access_key: f\n'
  const editor = scriptedEditor(t, { write: fixed })
  const r = await runCli(['credentials', 'edit'], editor.env, cwd)
  t.equal(r.code, 0, r.err)
  t.equal(editor.visits()[0]!.content, broken, 'the editor got the broken text to fix')
  t.match(loadAwsClientOptions({}, { cwd, env: {} }).credentials, { accessKeyId: 'AKIDFIXED' })
})
