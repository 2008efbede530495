// loadAwsClientOptions reads Rails encrypted credentials: which files, which key, which options, and every way it fails.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { loadAwsClientOptions, type AwsClientOptions } from '../../src/aws/index.js'
import { fixture, newKey, project, projectWithFixture, writeEncrypted, writeProjectFile } from './helpers.js'

const load = (cwd: string, env: NodeJS.ProcessEnv = {}, overrides: AwsClientOptions = {}) => loadAwsClientOptions(overrides, { cwd, env })
const keyId = (o: AwsClientOptions): string | undefined => (o.credentials as { accessKeyId?: string } | undefined)?.accessKeyId

/** Runs `fn`, expects a throw, and checks that nothing secret is in the message. */
function failure(t: Test, fn: () => unknown, secrets: string[] = []): Error & { code: string } {
  const err = t.throws(fn) as Error & { code: string }
  for (const secret of [fixture.key, fixture.secretAccessKey, fixture.accessKeyId, ...secrets]) {
    t.notOk(err.message.includes(secret), `the message does not contain a secret (${err.code})`)
  }
  return err
}

t.test('the Rails-made file with config/master.key: the aws keys, nothing else', async (t) => {
  const o = load(projectWithFixture(t))
  t.same(o.credentials, { accessKeyId: fixture.accessKeyId, secretAccessKey: fixture.secretAccessKey })
  t.equal(o.logLevel, 'info', 'the other options are unchanged')
})

t.test('no file: nothing read, the SDK chain stays in charge (and a stray key file is harmless)', async (t) => {
  const cwd = project(t)
  t.equal(load(cwd).credentials, undefined)
  writeProjectFile(cwd, 'config/master.key', 'not even a key')
  t.equal(load(cwd).credentials, undefined)
})

t.test('RAILS_MASTER_KEY beats the key file; FASTIFY_AWS_MASTER_KEY beats RAILS_MASTER_KEY; code beats both', async (t) => {
  const cwd = projectWithFixture(t)
  const wrong = newKey()
  writeFileSync(join(cwd, 'config/master.key'), wrong)
  t.equal(keyId(load(cwd, { RAILS_MASTER_KEY: fixture.key })), fixture.accessKeyId, 'RAILS_MASTER_KEY')
  t.equal(keyId(load(cwd, { RAILS_MASTER_KEY: wrong, FASTIFY_AWS_MASTER_KEY: fixture.key })), fixture.accessKeyId, 'ours first')
  t.equal(
    keyId(load(cwd, { RAILS_MASTER_KEY: wrong, FASTIFY_AWS_MASTER_KEY: wrong }, { railsCredentials: { masterKey: fixture.key } })),
    fixture.accessKeyId,
    'code',
  )
  const err = failure(t, () => load(cwd, { RAILS_MASTER_KEY: wrong }), [wrong])
  t.equal(err.code, 'FASTIFY_AWS_CREDENTIALS_DECRYPT')
  t.match(err.message, 'Cannot decrypt config/credentials.yml.enc with the key from RAILS_MASTER_KEY')
  t.match(failure(t, () => load(cwd, { FASTIFY_AWS_MASTER_KEY: wrong }), [wrong]).message, 'with the key from FASTIFY_AWS_MASTER_KEY')
  t.match(failure(t, () => load(cwd), [wrong]).message, 'with the key from config/master.key')
  t.match(
    failure(t, () => load(cwd, {}, { railsCredentials: { masterKey: wrong } }), [wrong]).message,
    'with the key from railsCredentials.masterKey in code',
  )
})

t.test('per-environment files: config/credentials/<NODE_ENV>.yml.enc with its own key, else the base pair', async (t) => {
  const cwd = projectWithFixture(t)
  const production = newKey()
  writeEncrypted(cwd, 'config/credentials/production.yml.enc', 'aws:\n  access_key_id: AKIDPRODUCTION\n  secret_access_key: p\n', production, {
    keyFile: 'config/credentials/production.key',
  })
  t.equal(keyId(load(cwd, { NODE_ENV: 'production' })), 'AKIDPRODUCTION', 'NODE_ENV=production: the production pair')
  t.equal(keyId(load(cwd, { NODE_ENV: 'staging' })), fixture.accessKeyId, 'no staging file: the base pair')
  t.equal(keyId(load(cwd)), fixture.accessKeyId, 'NODE_ENV unset means development')
  t.equal(keyId(loadAwsClientOptions({}, { cwd, env: {}, nodeEnv: 'production' })), 'AKIDPRODUCTION', 'nodeEnv in code')
  t.equal(keyId(load(cwd, { NODE_ENV: 'production', RAILS_MASTER_KEY: production })), 'AKIDPRODUCTION', 'RAILS_MASTER_KEY for it too')
  rmSync(join(cwd, 'config/credentials/production.key'))
  const err = failure(t, () => load(cwd, { NODE_ENV: 'production' }), [production])
  t.equal(err.code, 'FASTIFY_AWS_CREDENTIALS_KEY_MISSING', 'the base key is not used for the production file')
  t.match(err.message, 'Cannot decrypt config/credentials/production.yml.enc: no key. Put the key in config/credentials/production.key or set RAILS_MASTER_KEY')
})

t.test('a missing key while the file exists: an error naming the file, the key file, RAILS_MASTER_KEY and the off switch', async (t) => {
  const cwd = projectWithFixture(t)
  rmSync(join(cwd, 'config/master.key'))
  const err = failure(t, () => load(cwd))
  t.equal(err.code, 'FASTIFY_AWS_CREDENTIALS_KEY_MISSING')
  t.equal(
    err.message,
    'Cannot decrypt config/credentials.yml.enc: no key. Put the key in config/master.key or set RAILS_MASTER_KEY (or FASTIFY_AWS_MASTER_KEY); or set FASTIFY_AWS_RAILS_CREDENTIALS=false (rails_credentials: false in config/aws.yml) so it is not read.',
  )
  t.equal(load(cwd, { FASTIFY_AWS_RAILS_CREDENTIALS: 'false' }).credentials, undefined, 'switched off: not read, no error')
})

t.test('the on/off switch and the paths are options: code > ENV > YAML', async (t) => {
  const cwd = projectWithFixture(t)
  rmSync(join(cwd, 'config/master.key'))
  writeProjectFile(cwd, 'config/aws.yml', 'rails_credentials: false\n')
  t.equal(load(cwd).credentials, undefined, 'YAML off')
  t.equal(keyId(load(cwd, { FASTIFY_AWS_RAILS_CREDENTIALS: 'true', RAILS_MASTER_KEY: fixture.key })), fixture.accessKeyId, 'ENV on beats YAML off')
  t.equal(keyId(load(cwd, { FASTIFY_AWS_RAILS_CREDENTIALS: 'false' }, { railsCredentials: { masterKey: fixture.key } })), fixture.accessKeyId, 'code beats ENV')
  t.equal(load(cwd, { RAILS_MASTER_KEY: fixture.key }, { railsCredentials: false }).credentials, undefined, 'code off')

  // Paths: a file and key file of another name, from YAML, ENV and code.
  const other = project(t)
  const k = newKey()
  writeEncrypted(other, 'secrets/aws.yml.enc', 'aws:\n  access_key_id: AKIDELSEWHERE\n  secret_access_key: e\n', k, { keyFile: 'secrets/aws.key' })
  t.equal(keyId(load(other, { FASTIFY_AWS_CREDENTIALS_FILE: 'secrets/aws.yml.enc' })), 'AKIDELSEWHERE', 'the key beside it: aws.key')
  writeProjectFile(other, 'keys/k', k)
  rmSync(join(other, 'secrets/aws.key'))
  writeProjectFile(other, 'config/aws.yml', 'credentials_file: secrets/aws.yml.enc\ncredentials_key_file: keys/k\n')
  t.equal(keyId(load(other)), 'AKIDELSEWHERE', 'both from YAML')
  writeProjectFile(other, 'keys/wrong', newKey())
  t.equal(keyId(load(other, { FASTIFY_AWS_CREDENTIALS_KEY_FILE: 'keys/wrong' }, { railsCredentials: { keyFile: join(other, 'keys/k') } })), 'AKIDELSEWHERE', 'code beats ENV')
  t.match(failure(t, () => load(other, { FASTIFY_AWS_CREDENTIALS_KEY_FILE: 'keys/wrong' })).message, 'with the key from keys/wrong')
})

t.test('an explicitly named file must exist; the error says what named it', async (t) => {
  const cwd = project(t)
  const viaEnv = failure(t, () => load(cwd, { FASTIFY_AWS_CREDENTIALS_FILE: 'config/nope.yml.enc' }))
  t.equal(viaEnv.code, 'FASTIFY_AWS_CREDENTIALS_FILE')
  t.equal(viaEnv.message, 'Cannot read encrypted credentials config/nope.yml.enc: no such file (named by FASTIFY_AWS_CREDENTIALS_FILE; fix the path or unset it)')
  writeProjectFile(cwd, 'config/aws.yml', 'credentials_file: config/nope.yml.enc\n')
  t.match(failure(t, () => load(cwd)).message, 'named by credentials_file in config/aws.yml')
  t.match(failure(t, () => load(cwd, {}, { railsCredentials: { file: 'x.yml.enc' } })).message, 'x.yml.enc: no such file (named by railsCredentials.file in code')
})

t.test('master_key is never read from YAML', async (t) => {
  const cwd = projectWithFixture(t)
  writeProjectFile(cwd, 'config/aws.yml', `master_key: ${fixture.key}\n`)
  const err = t.throws(() => load(cwd)) as Error & { code: string }
  t.equal(err.code, 'FASTIFY_AWS_CONFIG')
  t.match(err.message, 'config/aws.yml: unknown key "master_key"')
})

t.test('a key that is not a Rails key: the source and what is wrong, never the key', async (t) => {
  const cwd = projectWithFixture(t)
  const bad = `${fixture.key.slice(0, 30)}zz`
  let err = failure(t, () => load(cwd, { RAILS_MASTER_KEY: bad }), [bad])
  t.equal(err.code, 'FASTIFY_AWS_CREDENTIALS_KEY')
  t.match(err.message, 'The key from RAILS_MASTER_KEY is not a Rails credentials key: it holds characters other than hexadecimal digits')
  writeFileSync(join(cwd, 'config/master.key'), `${fixture.key}${fixture.key}\n`)
  err = failure(t, () => load(cwd))
  t.match(err.message, 'The key from config/master.key is not a Rails credentials key: it has 64 characters')
})

t.test('a changed file is refused, never read as something else', async (t) => {
  const cwd = projectWithFixture(t)
  const path = join(cwd, 'config/credentials.yml.enc')
  const original = readFileSync(path, 'utf8')
  const [data, iv, tag] = original.trim().split('--') as [string, string, string]
  const b = Buffer.from(data, 'base64')
  b[10]! ^= 0x20
  writeFileSync(path, `${b.toString('base64')}--${iv}--${tag}`)
  const err = failure(t, () => load(cwd))
  t.equal(err.code, 'FASTIFY_AWS_CREDENTIALS_DECRYPT')
  t.match(err.message, /the key is not the one this file was encrypted with, or the file was changed after it was written/)
  writeFileSync(path, `${data}--${iv}`)
  const framing = failure(t, () => load(cwd))
  t.equal(framing.code, 'FASTIFY_AWS_CREDENTIALS_FORMAT')
  t.match(framing.message, 'config/credentials.yml.enc is not a Rails encrypted credentials file: expected base64(data)--base64(iv)--base64(auth_tag)')
})

t.test('the JSON variant (a JSON message serializer) is read like the Marshal one', async (t) => {
  const cwd = project(t)
  const k = newKey()
  writeEncrypted(cwd, 'config/credentials.yml.enc', 'aws:\n  access_key_id: AKIDJSON\n  secret_access_key: j\n', k, { keyFile: 'config/master.key', serializer: 'json' })
  t.same(load(cwd).credentials, { accessKeyId: 'AKIDJSON', secretAccessKey: 'j' })
})

t.test('the aws section: what aws-sdk-rails takes, and clear errors for what it cannot use', async (t) => {
  const k = newKey()
  const with_ = (yaml: string) => {
    const cwd = project(t)
    writeEncrypted(cwd, 'config/credentials.yml.enc', yaml, k, { keyFile: 'config/master.key' })
    return cwd
  }
  t.same(
    load(with_('aws:\n  access_key_id: AKIDT\n  secret_access_key: s\n  session_token: tok\n  account_id: 012345678901\n  region: eu-west-1\n  bucket: b\n')).credentials,
    { accessKeyId: 'AKIDT', secretAccessKey: 's', sessionToken: 'tok', accountId: '012345678901' },
    'the four keys; an all-digit account id read as a number keeps its zeros; the app\'s own keys are left alone',
  )
  t.equal(load(with_('secret_key_base: abc\n')).credentials, undefined, 'no aws section')
  t.equal(load(with_('aws:\n  bucket: b\n')).credentials, undefined, 'no keys in it')
  t.equal(load(with_('')).credentials, undefined, 'an empty file')
  t.equal(load(with_('# only comments\n')).credentials, undefined, 'only comments')

  const cases: [string, RegExp][] = [
    ['aws:\n  access_key_id: AKIDHALF\n', /key "aws.secret_access_key" is missing: give access_key_id and secret_access_key together/],
    ['aws:\n  secret_access_key: hunter2\n', /key "aws.access_key_id" is missing/],
    ['aws:\n  session_token: hunter2\n', /key "aws.session_token" needs aws.access_key_id and aws.secret_access_key/],
    ['aws:\n  access_key_id: [a, b]\n  secret_access_key: hunter2\n', /key "aws.access_key_id" must be text, found a list/],
    ['aws:\n  access_key_id: AKID\n  secret_access_key: 12345\n', /key "aws.secret_access_key" must be text, found a number/],
    ['aws:\n  access_key_id: ""\n  secret_access_key: hunter2\n', /key "aws.access_key_id" is empty/],
    ['aws: hunter2\n', /key "aws" must be a mapping/],
    ['- hunter2\n', /its decrypted YAML is a list, not a mapping/],
    ['aws:\n  access_key_id: AKID\n   secret_access_key: hunter2\n', /its decrypted YAML is invalid at line 3, column \d+: bad indentation of a mapping entry\. Fix it with fastify-aws credentials edit\./],
    ['aws: *hunter2\n', /its decrypted YAML is invalid at line 1, column \d+: unidentified alias\./],
    ['a: &a [*a]\naws:\n  access_key_id: hunter2\n', /its decrypted YAML is refused: an alias \(\*name\) is used inside its own anchor/],
    [`a0: &a0 [hunter2, hunter2, hunter2, hunter2, hunter2, hunter2, hunter2, hunter2, hunter2]\n${Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`).join('\n')}\n`, /refused: it expands to more than 100000 values through YAML aliases/],
  ]
  for (const [yaml, message] of cases) {
    const err = failure(t, () => load(with_(yaml)), ['hunter2', '12345'])
    t.equal(err.code, 'FASTIFY_AWS_CREDENTIALS_CONTENT', message.source)
    t.match(err.message, /^config\/credentials\.yml\.enc: /)
    t.match(err.message, message)
  }
})

t.test('a Marshal payload that is not a String is refused, naming the Ruby type', async (t) => {
  const cwd = project(t)
  const k = newKey()
  const { createCipheriv, randomBytes } = await import('node:crypto')
  // Marshal.dump({"aws" => "x"}): a Hash, as an app storing a Ruby object would write.
  const plain = Buffer.from([0x04, 0x08, 0x7b, 0x06, 0x49, 0x22, 0x08, 0x61, 0x77, 0x73, 0x06, 0x3a, 0x06, 0x45, 0x54, 0x49, 0x22, 0x06, 0x78, 0x06, 0x3a, 0x06, 0x45, 0x54])
  const iv = randomBytes(12)
  const c = createCipheriv('aes-128-gcm', Buffer.from(k, 'hex'), iv)
  const data = Buffer.concat([c.update(plain), c.final()])
  writeProjectFile(cwd, 'config/credentials.yml.enc', `${data.toString('base64')}--${iv.toString('base64')}--${c.getAuthTag().toString('base64')}`)
  writeProjectFile(cwd, 'config/master.key', k)
  const err = failure(t, () => load(cwd))
  t.equal(err.code, 'FASTIFY_AWS_CREDENTIALS_FORMAT')
  t.equal(err.message, 'config/credentials.yml.enc is not a Rails encrypted credentials file: its Marshal content is not a String: it holds a Ruby Hash, not a String')
})
