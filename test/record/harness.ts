// Shared by the record tests: a DynamoDB client that records every request as it goes on the wire (marshalled
// AttributeValues, after the DocumentClient), tables made for a model, and fault injection on send.
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { DOCUMENT_CLIENT_OPTIONS } from '../../src/record/index.js'
import { testAws } from '../helpers/emulators.js'

/** One request as sent: the operation and its marshalled input. */
export interface SentRequest {
  command: string
  input: Record<string, unknown>
}

/** A client that records requests; `sent` fills as they go, `clear()` empties it. */
export interface RecordingClient {
  raw: DynamoDBClient
  doc: DynamoDBDocumentClient
  sent: SentRequest[]
  /** The requests of one operation, e.g. 'PutItem'. */
  of(command: string): SentRequest[]
  clear(): void
  /** Makes the next calls of `command` fail or answer as `fault` says (fault injection for what emulators cannot do). */
  inject(command: string, fault: (input: Record<string, unknown>, call: number) => unknown): void
  destroy(): void
}

/** A recording client for `endpoint`. */
export function recordingClient(endpoint: string): RecordingClient {
  const raw = new DynamoDBClient({ ...testAws, endpoint, maxAttempts: 1 })
  const sent: SentRequest[] = []
  const faults = new Map<string, { fault: (input: Record<string, unknown>, call: number) => unknown; calls: number }>()
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName).replace(/Command$/, '')
      const input = structuredClone(args.input as Record<string, unknown>)
      sent.push({ command, input })
      const f = faults.get(command)
      if (f !== undefined) {
        const answer = f.fault(input, f.calls++)
        if (answer instanceof Error) throw answer
        if (answer !== undefined) return { output: { $metadata: {}, ...(answer as object) }, response: {} } as never
      }
      return next(args)
    },
    // 'build' runs after the DocumentClient marshalled the input (its marshaller is at 'initialize').
    { step: 'build', name: 'recordRequests', priority: 'low' },
  )
  return {
    raw,
    doc: DynamoDBDocumentClient.from(raw, DOCUMENT_CLIENT_OPTIONS),
    sent,
    of: (command) => sent.filter((r) => r.command === command),
    clear: () => void sent.splice(0),
    inject: (command, fault) => void faults.set(command, { fault, calls: 0 }),
    destroy: () => raw.destroy(),
  }
}

/** Creates a table (on-demand) with a string hash key and optional string range key; deletes it first if present. */
export async function createTable(
  client: DynamoDBClient,
  name: string,
  hash: string,
  range?: string,
  extra: Partial<CreateTableCommandInput> = {},
): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: name })).catch(() => {})
  const attributes = [{ AttributeName: hash, AttributeType: 'S' as const }]
  const keys = [{ AttributeName: hash, KeyType: 'HASH' as const }]
  if (range) {
    attributes.push({ AttributeName: range, AttributeType: 'S' })
    keys.push({ AttributeName: range, KeyType: 'RANGE' as const } as never)
  }
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [...attributes, ...(extra.AttributeDefinitions ?? [])],
      KeySchema: keys,
      BillingMode: 'PAY_PER_REQUEST',
      ...(extra.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: extra.GlobalSecondaryIndexes } : {}),
    }),
  )
}
