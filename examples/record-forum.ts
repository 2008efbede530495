import { attr, closeRecordClient, defineModel, defineTableConfig, migrate, type ValidationIssue } from 'fastify-aws/record'

// The seed's Forum, as `fastify-aws generate model Forum ...` writes it to src/models/forum.ts.
export const Forum = defineModel('Forum', {
  attributes: {
    forum_uuid: attr.string({ hashKey: true }),
    post_id: attr.string({ rangeKey: true }),
    author_username: attr.string(),
    post_title: attr.string({ validate: { presence: true } }),
    post_body: attr.string({ validate: { length: { min: 50, max: 1000 } } }),
    tags: attr.stringSet({ default: () => new Set<string>() }),
    created_at: attr.datetime({ databaseName: 'PostCreatedAtTime' }), // the Rails model's stored name
    moderation: attr.boolean({ default: false }),
  },
  globalSecondaryIndexes: { AuthorIndex: { hashKey: 'author_username', projection: { type: 'ALL' } } },
})
export type Forum = InstanceType<typeof Forum> // post.created_at is a Date | undefined, post.tags a Set<string>

// `npx fastify-aws migrate` does this from db/table-config/forum.ts; region, endpoint and credentials come from
// config/aws.yml or the SDK's chain (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, instance role).
await migrate(defineTableConfig({ model: Forum, billingMode: 'PAY_PER_REQUEST' }), { log: console.log })

const body = 'Welcome to the forum. Be kind, stay on topic, and have fun here.'
const post = new Forum({ forum_uuid: 'general', post_id: 'p-1', author_username: 'ada', post_title: 'Hello', post_body: body })
post.created_at = new Date()
await post.save() // PutItem, only if the key is new: stored exactly as aws-record stores it
console.log(`saved ${post.post_id}, stored as ${JSON.stringify(post.toItem())}`)

const found = await Forum.find({ forum_uuid: 'general', post_id: 'p-1' })
if (found) {
  found.tags.add('welcome')
  console.log(`changed: ${found.dirty().join(', ')}`)
  await found.save() // UpdateItem of the changed attributes only
}

for await (const byAda of Forum.query().onIndex('AuthorIndex').keyExpr(':author_username = ?', 'ada')) {
  console.log(`ada wrote "${byAda.post_title}" tagged ${[...byAda.tags].join(', ')}`)
}

const invalid = new Forum({ forum_uuid: 'general', post_id: 'p-2', post_body: 'too short' })
await invalid.save().catch((err: { code: string; errors: ValidationIssue[] }) => {
  console.log(`${err.code}: ${err.errors.map((e) => `${e.attribute} ${e.message}`).join('; ')}`)
})

await found?.delete()
closeRecordClient() // the client fastify-aws built for the models
