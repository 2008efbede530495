import Fastify from 'fastify'
import { fastifyAwsSessions } from 'fastify-aws/sessions'

declare module 'fastify' {
  interface Session {
    user?: string
  }
}

const app = Fastify({ logger: true })
// Secret from AWS_DYNAMO_DB_SESSION_SECRET_KEY (32+ characters), table from AWS_DYNAMO_DB_SESSION_TABLE_NAME
// (default "sessions", made by `fastify-aws sessions create-table`); DynamoDB region, endpoint and
// credentials from config/aws.yml or the SDK's chain (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, instance role).
await app.register(fastifyAwsSessions)

app.post<{ Body: { user: string } }>('/login', async (request) => {
  await request.session.regenerate() // a new session id on login
  request.session.user = request.body.user
  return { user: request.session.user }
})
app.get('/me', async (request, reply) => {
  if (request.session.user === undefined) return reply.code(401).send({ error: 'not logged in' })
  return { user: request.session.user }
})
app.post('/logout', async (request) => {
  await request.session.destroy() // deletes the item and clears the cookie
  return { ok: true }
})

await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '0.0.0.0' })
