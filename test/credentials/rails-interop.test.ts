// Interop with real Rails code (Debian's ruby-activesupport, ActiveSupport::EncryptedConfiguration): files Ruby
// writes are read here, files written here are read by Ruby, as aws-sdk-rails reads them (`credentials[:aws]`).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import t from 'tap'
import { loadAwsClientOptions } from '../../src/aws/index.js'
import { runCli } from '../helpers/cli.js'
import { RUBY_CONFIG, announceRubySkip, fixture, fixtureDir, project, projectWithFixture, ruby, rubyMissing, scriptedEditor } from './helpers.js'

const missing = rubyMissing()
if (missing !== undefined) announceRubySkip(missing)
const skip = missing === undefined ? false : `Ruby with ActiveSupport is not available: ${missing}`

/** What aws-sdk-rails takes: `credentials[:aws].slice(:access_key_id, :secret_access_key, :session_token, :account_id)`. */
const RUBY_AWS = `${RUBY_CONFIG}
aws = (c.config[:aws] || {}).slice(:access_key_id, :secret_access_key, :session_token, :account_id)
print JSON.generate({ "aws" => aws, "text" => c.read })`

/** `rails credentials:edit` without the editor: EncryptedConfiguration#write (which also checks the YAML). */
const RUBY_WRITE = `${RUBY_CONFIG}
c.write(STDIN.read)`

/** A key as Rails generates it. */
const RUBY_KEY = 'print ActiveSupport::EncryptedFile.generate_key'

/** The JSON variant: MessageEncryptor with a JSON serializer, as an app with a JSON message serializer writes it. */
const RUBY_WRITE_JSON = `key = ENV["RAILS_MASTER_KEY"] || File.binread(ARGV[1]).strip
e = ActiveSupport::MessageEncryptor.new([key].pack("H*"), cipher: "aes-128-gcm", serializer: JSON)
File.binwrite(ARGV[0], e.encrypt_and_sign(STDIN.read))`
const RUBY_READ_JSON = `key = ENV["RAILS_MASTER_KEY"] || File.binread(ARGV[1]).strip
e = ActiveSupport::MessageEncryptor.new([key].pack("H*"), cipher: "aes-128-gcm", serializer: JSON)
print e.decrypt_and_verify(File.binread(ARGV[0]))`

/** Ruby generates a key into `keyFile` and runs `script` (RUBY_WRITE or RUBY_WRITE_JSON) to encrypt `yaml` into `file`. */
async function rubyWrites(cwd: string, script: string, file: string, keyFile: string, yaml: string): Promise<string> {
  const key = await ruby(RUBY_KEY)
  mkdirSync(dirname(join(cwd, file)), { recursive: true }) // EncryptedFile does not make directories
  writeFileSync(join(cwd, keyFile), key)
  await ruby(script, { cwd, args: [file, keyFile], input: yaml })
  return key
}

const rubyReads = async (cwd: string, file: string, keyFile: string, env: Record<string, string> = {}) =>
  JSON.parse(await ruby(RUBY_AWS, { cwd, args: [file, keyFile], env })) as { aws: Record<string, string>; text: string }

// Long enough that Marshal writes the length in two bytes, with text beyond ASCII.
const YAML = `# made by Ruby
aws:
  access_key_id: AKIDFROMRUBY
  secret_access_key: "s3cr3t/with+chars=="
  session_token: ${'T'.repeat(300)}
  account_id: "123456789012"
greeting: "Grüße, 世界"
`

t.test('Ruby reads the Rails-made fixture as we do (the reference itself)', { skip }, async (t) => {
  const read = await rubyReads(fixtureDir, 'credentials.yml.enc', 'master.key')
  t.same(read.aws, { access_key_id: fixture.accessKeyId, secret_access_key: fixture.secretAccessKey })
  t.same(loadAwsClientOptions({}, { cwd: projectWithFixture(t), env: {} }).credentials, {
    accessKeyId: read.aws.access_key_id,
    secretAccessKey: read.aws.secret_access_key,
  })
})

t.test('a file Ruby writes now, with a key Ruby generated, is read here', { skip }, async (t) => {
  const cwd = project(t)
  const key = await ruby(RUBY_KEY)
  t.match(key, /^[0-9a-f]{32}$/)
  mkdirSync(join(cwd, 'config')) // EncryptedFile does not create it
  await ruby(RUBY_WRITE, { cwd, args: ['config/credentials.yml.enc', 'config/master.key'], env: { RAILS_MASTER_KEY: key }, input: YAML })
  t.same(loadAwsClientOptions({}, { cwd, env: { RAILS_MASTER_KEY: key } }).credentials, {
    accessKeyId: 'AKIDFROMRUBY',
    secretAccessKey: 's3cr3t/with+chars==',
    sessionToken: 'T'.repeat(300),
    accountId: '123456789012',
  })
  const show = await runCli(['credentials', 'show', '--reveal'], { RAILS_MASTER_KEY: key }, cwd)
  t.equal(show.out, YAML, 'the text comes back byte for byte, comments and UTF-8 included')
})

t.test('a file we write (credentials edit) is read by Ruby, as aws-sdk-rails reads it', { skip }, async (t) => {
  const cwd = project(t)
  const editor = scriptedEditor(t, { write: YAML })
  const r = await runCli(['credentials', 'edit'], editor.env, cwd)
  t.equal(r.code, 0, r.err)
  const read = await rubyReads(cwd, 'config/credentials.yml.enc', 'config/master.key')
  t.equal(read.text, YAML, 'Ruby decrypts the same text')
  t.same(read.aws, { access_key_id: 'AKIDFROMRUBY', secret_access_key: 's3cr3t/with+chars==', session_token: 'T'.repeat(300), account_id: '123456789012' })
})

t.test('edit a Rails-made file: Ruby reads the result with the same key', { skip }, async (t) => {
  const cwd = projectWithFixture(t)
  const editor = scriptedEditor(t, { write: 'aws:\n  access_key_id: AKIDEDITED\n  secret_access_key: edited\nsecret_key_base: 0123456789abcdef\n' })
  t.equal((await runCli(['credentials', 'edit'], editor.env, cwd)).code, 0)
  t.equal(readFileSync(join(cwd, 'config/master.key'), 'utf8').trim(), fixture.key, 'the key is unchanged')
  const read = await rubyReads(cwd, 'config/credentials.yml.enc', 'config/master.key')
  t.same(read.aws, { access_key_id: 'AKIDEDITED', secret_access_key: 'edited' })
})

t.test('per-environment files made by Ruby: config/credentials/<env>.yml.enc with <env>.key, chosen by NODE_ENV', { skip }, async (t) => {
  const cwd = projectWithFixture(t)
  await rubyWrites(cwd, RUBY_WRITE, 'config/credentials/production.yml.enc', 'config/credentials/production.key', 'aws:\n  access_key_id: AKIDPRODUCTION\n  secret_access_key: p\n')
  t.match(loadAwsClientOptions({}, { cwd, env: { NODE_ENV: 'production' } }).credentials, { accessKeyId: 'AKIDPRODUCTION' })
  t.match(loadAwsClientOptions({}, { cwd, env: { NODE_ENV: 'development' } }).credentials, { accessKeyId: fixture.accessKeyId })

  // And the other way: we write the staging pair, Ruby reads it with RAILS_MASTER_KEY.
  const stagingKey = await ruby(RUBY_KEY)
  const editor = scriptedEditor(t, { write: 'aws:\n  access_key_id: AKIDSTAGING\n  secret_access_key: s\n' })
  t.equal((await runCli(['credentials', 'edit', '-e', 'staging'], { ...editor.env, RAILS_MASTER_KEY: stagingKey }, cwd)).code, 0)
  const read = await rubyReads(cwd, 'config/credentials/staging.yml.enc', 'config/credentials/staging.key', { RAILS_MASTER_KEY: stagingKey })
  t.same(read.aws, { access_key_id: 'AKIDSTAGING', secret_access_key: 's' })
})

t.test('the JSON variant both ways: written by Ruby with a JSON serializer, read here; edited here, read by Ruby', { skip }, async (t) => {
  const cwd = project(t)
  await rubyWrites(cwd, RUBY_WRITE_JSON, 'config/credentials.yml.enc', 'config/master.key', YAML)
  t.match(loadAwsClientOptions({}, { cwd, env: {} }).credentials, { accessKeyId: 'AKIDFROMRUBY', accountId: '123456789012' })
  const edited = YAML.replace('AKIDFROMRUBY', 'AKIDJSONEDIT')
  const editor = scriptedEditor(t, { write: edited })
  t.equal((await runCli(['credentials', 'edit'], editor.env, cwd)).code, 0)
  t.equal(await ruby(RUBY_READ_JSON, { cwd, args: ['config/credentials.yml.enc', 'config/master.key'] }), edited, 'still JSON, as Ruby expects')
})

t.test("Ruby refuses a wrong key and a changed file just as we do", { skip }, async (t) => {
  const cwd = projectWithFixture(t)
  const wrong = await ruby(RUBY_KEY)
  await t.rejects(rubyReads(cwd, 'config/credentials.yml.enc', 'config/master.key', { RAILS_MASTER_KEY: wrong }), /InvalidMessage/)
  t.throws(() => loadAwsClientOptions({}, { cwd, env: { RAILS_MASTER_KEY: wrong } }), { code: 'FASTIFY_AWS_CREDENTIALS_DECRYPT' })
})
