// Shared by the record tests: a DynamoDB client that records every request as it goes on the wire (marshalled
// AttributeValues, after the DocumentClient), tables made for a model, and fault injection on send.
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { DOCUMENT_CLIENT_OPTIONS } from '../../src/record/index.js'
import { startDynalite, testAws } from '../helpers/emulators.js'

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
  /**
   * Makes the next calls of `command` fail or answer as `fault` says (fault injection for what emulators cannot
   * do): an Error is thrown, an object is the answer, undefined sends the request. May be async. `input` is
   * marshalled; an answer skips the DocumentClient's unmarshalling, so for a DocumentClient call give it as the
   * DocumentClient returns it (plain values; see `plainItem`).
   */
  inject(command: string, fault: (input: Record<string, unknown>, call: number) => unknown): void
  /**
   * Makes the next `times` sends of `command` fail with ProvisionedThroughputExceededException inside the SDK's
   * retry loop (as DynamoDB throttling does), so the client's maxAttempts decide what happens.
   */
  throttle(command: string, times: number): void
  /** Sends of each command that were throttled so far. */
  throttled: Record<string, number>
  destroy(): void
}

/** A recording client for `endpoint`. */
export function recordingClient(endpoint: string, options: { maxAttempts?: number } = {}): RecordingClient {
  const raw = new DynamoDBClient({ ...testAws, endpoint, maxAttempts: options.maxAttempts ?? 1 })
  const sent: SentRequest[] = []
  const faults = new Map<string, { fault: (input: Record<string, unknown>, call: number) => unknown; calls: number }>()
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName).replace(/Command$/, '')
      const input = structuredClone(args.input as Record<string, unknown>)
      sent.push({ command, input })
      const f = faults.get(command)
      if (f !== undefined) {
        const answer: unknown = await f.fault(input, f.calls++)
        if (answer instanceof Error) throw answer
        if (answer !== undefined) return { output: { $metadata: {}, ...(answer as object) }, response: {} } as never
      }
      return next(args)
    },
    // 'build' runs after the DocumentClient marshalled the input (its marshaller is at 'initialize').
    { step: 'build', name: 'recordRequests', priority: 'low' },
  )
  const throttles = new Map<string, number>()
  const throttled: Record<string, number> = {}
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName).replace(/Command$/, '')
      const left = throttles.get(command) ?? 0
      if (left > 0) {
        throttles.set(command, left - 1)
        throttled[command] = (throttled[command] ?? 0) + 1
        throw Object.assign(new Error('The level of configured provisioned throughput for the table was exceeded.'), {
          name: 'ProvisionedThroughputExceededException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400, attempts: 1 },
        })
      }
      return next(args)
    },
    // 'deserialize' is inside the retry middleware (at 'finalizeRequest'): the SDK sees this like a real answer.
    { step: 'deserialize', name: 'throttleRequests', priority: 'low' },
  )
  return {
    raw,
    doc: DynamoDBDocumentClient.from(raw, DOCUMENT_CLIENT_OPTIONS),
    sent,
    of: (command) => sent.filter((r) => r.command === command),
    clear: () => void sent.splice(0),
    inject: (command, fault) => void faults.set(command, { fault, calls: 0 }),
    throttle: (command, times) => void throttles.set(command, times),
    throttled,
    destroy: () => raw.destroy(),
  }
}

/** Creates a table (on-demand) with a string hash key and optional string range key; deletes it first if present. */
/** dynalite for this test file, and a recording client on it; both closed when the file's tests end. */
export async function dynaliteWithRecording(tap: { teardown(fn: () => unknown): void }): Promise<{ endpoint: string; rec: RecordingClient }> {
  const ddb = await startDynalite()
  const rec = recordingClient(ddb.endpoint)
  tap.teardown(async () => {
    rec.destroy()
    await ddb.close()
  })
  return { endpoint: ddb.endpoint, rec }
}

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

/** A marshalled item or key in plain values, as the DocumentClient returns it (S, N, BOOL, NULL, SS, NS, L, M). */
export function plainItem(item: Record<string, unknown>): Record<string, unknown> {
  const plain = (v: Record<string, unknown>): unknown => {
    if ('S' in v) return v.S
    if ('N' in v) return Number(v.N)
    if ('BOOL' in v) return v.BOOL
    if ('NULL' in v) return null
    if ('SS' in v) return new Set(v.SS as string[])
    if ('NS' in v) return new Set((v.NS as string[]).map(Number))
    if ('L' in v) return (v.L as Array<Record<string, unknown>>).map(plain)
    if ('M' in v) return plainItem(v.M as Record<string, unknown>)
    throw new Error(`plainItem: unsupported ${JSON.stringify(v)}`)
  }
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, plain(v as Record<string, unknown>)]))
}
