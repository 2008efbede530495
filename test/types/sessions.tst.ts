// fastify-aws/sessions: the plugin that wires @fastify/session to the DynamoDB store.
import Fastify from 'fastify'
import { describe, expect, test } from 'tstyche'
import { dynamoDbSessions, DynamoDbSessionStore, fastifyAwsSessions, type DynamoDbSessionPluginOptions, type FastifyAwsSessionsOptions } from 'fastify-aws/sessions'

// What an app declares its sessions hold (@fastify/session's declaration merging).
declare module 'fastify' {
  interface Session {
    userId?: string
  }
}

const app = Fastify()

describe('fastifyAwsSessions', () => {
  test('registers with its options', () => {
    expect(app.register(fastifyAwsSessions, { secret: 'a'.repeat(32), cookie: { secure: true }, saveUninitialized: false })).type.not.toRaiseError()
    expect(app.register(fastifyAwsSessions, { secret: ['new'.repeat(11), 'old'.repeat(11)] })).type.not.toRaiseError()
    expect(app.register(fastifyAwsSessions, { secret: 32 })).type.toRaiseError()
    expect<FastifyAwsSessionsOptions>().type.toHaveProperty('store')
  })

  test('store options are camelCase in code; the snake_case spelling is still accepted', () => {
    expect(app.register(fastifyAwsSessions, { tableName: 'app_sessions', maxStale: 3600, enableLocking: true })).type.not.toRaiseError()
    expect(app.register(fastifyAwsSessions, { maxStale: '3600' })).type.toRaiseError()
    expect(app.register(fastifyAwsSessions, { max_stale: 3600, table_name: 'app_sessions' })).type.not.toRaiseError()
    expect(new DynamoDbSessionStore({ tableName: 'app_sessions', touchAfter: 0 })).type.toBe<DynamoDbSessionStore>()
    expect(app.register(fastifyAwsSessions, { maxStal: 3600 })).type.toRaiseError()
  })

  test('the deprecated names are the same plugin and options', () => {
    expect(dynamoDbSessions).type.toBe(fastifyAwsSessions)
    expect<DynamoDbSessionPluginOptions>().type.toBe<FastifyAwsSessionsOptions>()
  })

  test('decorates the instance with the store, and requests with the session', () => {
    expect(app.dynamoDbSessionStore).type.toBe<DynamoDbSessionStore>()
    app.get('/', async (request) => {
      expect(request.session.get('userId')).type.toBe<string | undefined>()
      expect(request.session.get).type.not.toBeCallableWith('no-such-key')
      expect(request.session.regenerate()).type.toBe<Promise<void>>()
      return null
    })
  })
})
