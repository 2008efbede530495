// `fastify-aws generate model`: the Rails generator's syntax, what it writes, and a precise refusal for every bad
// field spec or option (the files themselves are type-checked and run in generated-app.test.ts).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { buildModelSpec, fileBaseName, parseField, renderModel } from '../../src/record/generator.js'
import { runCli } from '../helpers/cli.js'

t.test('field specs: types and aliases, options in the type\'s place, defaults', async (t) => {
  const kinds = Object.fromEntries(
    ['a', 'b:bool', 'c:BOOLEAN', 'd:int', 'e:integer', 'f:float', 'g:date', 'h:datetime', 'i:list', 'j:map', 'k:nset', 'l:num_set', 'm:numeric_set', 'n:sset', 'o:s_set', 'p:string_set', 'q:time', 'r:epoch_time', 's:counter'].map(
      (spec) => [spec.split(':')[0], parseField(spec).kind],
    ),
  )
  t.same(kinds, {
    a: 'string', b: 'boolean', c: 'boolean', d: 'integer', e: 'integer', f: 'float', g: 'date', h: 'datetime', i: 'list', j: 'map',
    k: 'numericSet', l: 'numericSet', m: 'numericSet', n: 'stringSet', o: 'stringSet', p: 'stringSet', q: 'time', r: 'epochTime', s: 'counter',
  })
  t.match(parseField('forum_uuid:hkey'), { kind: 'string', hashKey: true })
  t.match(parseField('n:int:rkey,persist_nil,db_attr_name{N1}'), { kind: 'integer', rangeKey: true, persistNil: true, databaseName: 'N1' })
  t.equal(parseField('tags:sset:default_value{Set.new}').defaultSource, '() => new Set<string>()')
  t.equal(parseField('moderation:boolean:default_value{false}').defaultSource, 'false')
  t.equal(parseField('status:string:default_value{"draft"}').defaultSource, '"draft"')
  t.equal(parseField('status:default_value{draft}').defaultSource, '"draft"', 'a bare word is a string default')
  t.equal(parseField('prefs:map:default_value{{"theme":"dark","size":2}}').defaultSource, '() => ({"theme":"dark","size":2})', 'JSON with : and , inside the braces')
  t.equal(parseField('seen:datetime:default_value{now}').defaultSource, '() => new Date()', 'now is per item, not frozen at load (the Rails template\'s Time.now is)')
  t.match(parseField('count:ddb_type{N}'), { kind: 'float' }, 'ddb_type picks the type when none is given')
  t.match(parseField('count:int:ddb_type{N}'), { kind: 'integer' }, 'and may agree with a given one')
})

t.test('every bad field spec is refused with the field, what is wrong and the right form', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['x:money', /Field "x:money": invalid type "money"; types are string, bool, boolean, int, integer/],
    ['x:string:hkey:extra', /has 4 parts; the form is name\[:type\]\[:options\] \(e\.g\. forum_uuid:hkey/],
    ['9lives', /"9lives" is not a valid attribute name/],
    ['save', /"save" is reserved .* add db_attr_name\{save\} to keep the stored name/],
    ['x:string:hkey,rkey', /cannot be both hkey and rkey/],
    ['x:map:hkey', /a map field cannot be a key/],
    ['x:boolean:hkey', /a boolean field cannot be a key/],
    ['x:string:shiny', /invalid option "shiny"; options are hkey, rkey, persist_nil, db_attr_name\{Name\}, ddb_type\{S\}, default_value\{\.\.\.\}/],
    ['x:string:db_attr_name', /db_attr_name needs a name in braces, e.g. db_attr_name\{PostCreatedAtTime\}/],
    ['x:string:db_attr_name{a-b}', /db_attr_name needs a name in braces/],
    ['x:string:ddb_type{Q}', /ddb_type needs one of S, N, B, BOOL, SS, NS, BS, M, L/],
    ['x:string:ddb_type{N}', /ddb_type\{N\} contradicts type string \(stored as S\); drop one of them/],
    ['x:ddb_type{B}', /binary attributes are not supported/],
    ['x:int:default_value{1.5}', /default_value\{1\.5\} does not fit a integer field/],
    ['x:string:default_value{Set.new}', /is an empty set, but x is string/],
    ['x:bool:default_value{maybe?}', /is not a JSON value .* or a keyword \(Set\.new, now\)/],
    ['x:hkey:string', /options come after the type/],
  ]
  for (const [spec, message] of cases) {
    t.throws(() => parseField(spec), { code: 'FASTIFY_AWS_RECORD_GENERATOR', message }, spec)
  }
})

t.test('model-level rules: the key, indexes, table config, validations', async (t) => {
  const bad = (fields: string[], options: Parameters<typeof buildModelSpec>[2], message: RegExp, name = 'Post') =>
    t.throws(() => buildModelSpec(name, fields, options), { code: 'FASTIFY_AWS_RECORD_GENERATOR', message }, message.source)
  bad([], {}, /Model name "post" must be a class name/, 'post')
  bad(['a', 'a'], {}, /Field a is given twice/)
  bad(['a', 'b:string:db_attr_name{a}'], {}, /db_attr_name\{a\} is the name of another field/)
  bad(['a:hkey', 'b:hkey'], {}, /Only one field can be hkey \(a, b are\)/)
  bad(['a'], { gsi: ['ByB:hkey{b}'] }, /--gsi "ByB:hkey\{b\}": hkey\{b\} names no field of the model \(fields: uuid, a\)/)
  bad(['a'], { gsi: ['ByA:rkey{a}'] }, /an index needs hkey\{field\}/)
  bad(['a'], { gsi: ['ByA:hkey{a},proj_type{SOME}'] }, /proj_type must be ALL, KEYS_ONLY or INCLUDE/)
  bad(['a', 'b'], { gsi: ['ByA:hkey{a},proj_type{INCLUDE}'] }, /needs the attributes to copy, e.g. include\{post_title;tags\}/)
  bad(['a'], { gsi: ['ByA:hkey{a}', 'ByA:hkey{a}'] }, /--gsi ByA is given twice/)
  bad(['a'], { tableConfig: ['AuthorIndex:1-1'] }, /--table-config needs primary:READ-WRITE for the table/)
  bad(['a'], { tableConfig: ['primary:5'] }, /--table-config primary: "5" is not READ-WRITE capacity units \(whole numbers >= 1\); e\.g\. --table-config=primary:5-2 AuthorIndex:12-14/)
  bad(['a'], { tableConfig: ['primary'] }, /--table-config "primary": the form is primary:READ-WRITE/)
  bad(['a'], { tableConfig: ['primary:0-1'] }, /"0-1" is not READ-WRITE capacity units/)
  bad(['a'], { tableConfig: ['primary:1-1', 'Other:1-1'] }, /--table-config names Other, which is no --gsi index \(indexes: none\)/)
  bad(['a'], { tableConfig: ['primary:1-1'], gsi: ['ByA:hkey{a}'] }, /--table-config has no capacity for index ByA; add ByA:READ-WRITE/)
  bad(['a'], { tableConfig: ['primary:1-1'], onDemand: true }, /contradict each other/)
  bad(['a'], { required: ['b'] }, /--required names b, which is no field of the model/)
  bad(['a'], { lengthValidations: ['a:5'] }, /the form is field:MIN-MAX/)
  bad(['a'], { lengthValidations: ['a:9-5'] }, /MIN is above MAX/)
  bad(['created'], { timestamps: true }, /--timestamps adds a field created, and the model already has one/)
  bad(['a'], { tableName: 'x' }, /--table-name "x" is not a DynamoDB table name/)
})

t.test('no hkey: the last *uuid* field becomes the hash key, else a uuid key is added; either gets a random UUID', async (t) => {
  const chosen = buildModelSpec('Post', ['post_uuid', 'author_uuid', 'title'], {})
  t.match(chosen.fields.find((f) => f.name === 'author_uuid'), { hashKey: true, defaultSource: '() => randomUUID()' })
  t.notOk(chosen.addedUuidKey)
  const added = buildModelSpec('Post', ['title'], {})
  t.match(added.fields[0], { name: 'uuid', hashKey: true, defaultSource: '() => randomUUID()' })
  t.ok(added.addedUuidKey)
  t.match(renderModel(added, 'fastify-aws generate model Post'), "import { randomUUID } from 'node:crypto'")
  t.equal(buildModelSpec('Post', ['id:hkey'], {}).fields[0]?.defaultSource, undefined, 'a key the user named is theirs to fill')
})

t.test('file names are kebab-case', async (t) => {
  t.same(['Forum', 'ForumPost', 'HTMLPage', 'Admin_Post'].map(fileBaseName), ['forum', 'forum-post', 'html-page', 'admin-post'])
})

t.test('the CLI: --timestamps, --table-name, --disable-mutation-tracking, --on-demand, dirs, --skip-table-config, --force', async (t) => {
  const cwd = t.testdir({})
  const r = await runCli(
    ['generate', 'model', 'Comment', 'body', 'score:int', '--timestamps', '--table-name=comments_v2', '--disable-mutation-tracking', '--on-demand', '--model-dir', 'app/models', '--config-dir', 'tables'],
    {},
    cwd,
  )
  t.equal(r.code, 0, r.err)
  t.equal(
    r.out,
    'created app/models/comment.ts\ncreated tables/comment.ts\nNo field was the hash key: added uuid (a random UUID for each new item).\nBilling: on-demand (pass --table-config=primary:R-W for provisioned capacity).\nNext: npx fastify-aws migrate --dir tables   (creates the table comments_v2)\n',
  )
  t.equal(
    readFileSync(join(cwd, 'app/models/comment.ts'), 'utf8'),
    `// Made by \`fastify-aws generate model Comment\`; edit it freely.
import { randomUUID } from 'node:crypto'
import { attr, defineModel } from 'fastify-aws/record'

/** Comment items, in the DynamoDB table "comments_v2". */
export const Comment = defineModel('Comment', {
  tableName: 'comments_v2',
  attributes: {
    uuid: attr.string({ hashKey: true, default: () => randomUUID() }),
    body: attr.string(),
    score: attr.integer(),
    created: attr.datetime(),
    updated: attr.datetime(),
  },
  timestamps: { createdAt: 'created', updatedAt: 'updated' },
  mutationTracking: false,
})

/** One Comment item. */
export type Comment = InstanceType<typeof Comment>
`,
  )
  t.equal(
    readFileSync(join(cwd, 'tables/comment.ts'), 'utf8'),
    `// Made by \`fastify-aws generate model Comment\`. \`npx fastify-aws migrate\` creates or updates the table from it.
import { defineTableConfig } from 'fastify-aws/record'
import { Comment } from '../app/models/comment.js'

export default defineTableConfig({
  model: Comment,
  billingMode: 'PAY_PER_REQUEST',
})
`,
  )
  const again = await runCli(['generate', 'model', 'Comment', 'body', '--model-dir', 'app/models', '--config-dir', 'tables', '--force'], {}, cwd)
  t.equal(again.code, 0, again.err)
  t.match(again.out, /^overwrote app\/models\/comment\.ts\noverwrote tables\/comment\.ts\n/)
  const only = await runCli(['generate', 'model', 'Tag', 'name:hkey', '--skip-table-config'], {}, cwd)
  t.equal(only.code, 0, only.err)
  t.ok(existsSync(join(cwd, 'src/models/tag.ts')))
  t.notOk(existsSync(join(cwd, 'db/table-config/tag.ts')))
})

t.test('the CLI refuses bad input with one line and exit code 2, writing nothing', async (t) => {
  const cwd = t.testdir({})
  for (const [argv, message] of [
    [['generate'], /Say what to generate: fastify-aws generate model NAME/],
    [['generate', 'scaffold', 'X'], /Cannot generate "scaffold"; only "model"/],
    [['generate', 'model'], /Give the model name/],
    [['generate', 'model', 'Forum', 'x:money'], /invalid type "money"/],
    [['generate', 'model', 'Forum', '--password-digest'], /Unknown flag --password-digest\. The flags are --table-config, .*See "fastify-aws generate --help"/],
  ] as const) {
    const r = await runCli([...argv], {}, cwd)
    t.equal(r.code, 2, argv.join(' '))
    t.match(r.err, message)
    t.equal(r.err.split('\n').length, 2, 'one line')
  }
  t.notOk(existsSync(join(cwd, 'src')), 'nothing written')
})

t.test('--help documents every type, option and flag, with the seed\'s Forum example', async (t) => {
  const r = await runCli(['generate', 'model', '--help'])
  t.equal(r.code, 0)
  for (const word of ['bool|boolean', 'num_set|numeric_set|nset', 'string_set|s_set|sset', 'db_attr_name{Name}', 'ddb_type{', 'default_value{...}', 'persist_nil', '--table-config=primary:R-W', '--on-demand', '--gsi=Name:hkey{field}', '--required=f1,f2', '--length-validations=field:MIN-MAX', '--timestamps', '--table-name=NAME', '--disable-mutation-tracking', '--force', 'generate model Forum forum_uuid:hkey post_id:rkey']) {
    t.ok(r.out.includes(word), word)
  }
  t.match((await runCli(['--help'])).out, /generate\s+generate a DynamoDB model[\s\S]*migrate\s+create or update the DynamoDB tables/)
})
