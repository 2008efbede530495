// The DocumentClient models talk through: the app's own, or one built by the project's client factory
// (config/aws.yml, FASTIFY_AWS_* ENV, the SDK chain) the first time a model needs it.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, type TranslateConfig } from '@aws-sdk/lib-dynamodb'
import { createAwsClient, loadAwsClientOptions, type AwsClientOptions } from '../aws/index.js'

/**
 * A stored number as JavaScript reads it: a number, or a bigint for a whole number beyond 2^53 (the
 * DocumentClient's default throws on a large number with a fraction, which would make a Rails-written item
 * unreadable; such a number is read as the nearest double instead, as Ruby's Float would).
 */
function readNumber(text: string): number | bigint {
  const n = Number(text)
  if (Number.isSafeInteger(n) || !/^-?\d+$/.test(text)) return n
  return BigInt(text)
}

/**
 * How values cross the DocumentClient. Models serialize every top-level value themselves (NULL for "" and
 * empty sets, aws-record's date formats), so `convertEmptyValues` stays off: inside lists and maps "" is a
 * string, as the Ruby SDK writes it. Numbers beyond 2^53 are written as they are (Ruby writes any Float), and
 * read as described at {@link readNumber}.
 */
export const DOCUMENT_CLIENT_OPTIONS: TranslateConfig = {
  marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false, convertClassInstanceToMap: false, allowImpreciseNumbers: true },
  unmarshallOptions: { wrapNumbers: readNumber },
}

/** A DynamoDB client as an app may give it: a DocumentClient (used as it is) or a plain DynamoDBClient (wrapped). */
export type RecordClientInput = DynamoDBDocumentClient | DynamoDBClient

/** Where models get their client when none is given to the model. */
export interface RecordClientSettings {
  /** The client every model without its own uses. */
  client?: RecordClientInput
  /** Options for the client built when none is given (overriding config/aws.yml). */
  clientOptions?: AwsClientOptions
  /** Where config/aws.yml and the FASTIFY_AWS_* variables are read (default: the process's cwd and env). */
  configLoad?: { env?: NodeJS.ProcessEnv; cwd?: string }
}

let shared: { document: DynamoDBDocumentClient; owned: DynamoDBClient | undefined } | undefined
let settings: RecordClientSettings = {}

/** A DocumentClient for what the app gave. */
export function documentClientFor(client: RecordClientInput): DynamoDBDocumentClient {
  return client instanceof DynamoDBDocumentClient ? client : DynamoDBDocumentClient.from(client, DOCUMENT_CLIENT_OPTIONS)
}

/**
 * Sets the client of every model that has none of its own (`Model.configure({ client })` sets one model's).
 * Without it, the first request builds one from config/aws.yml and the SDK's chain (AWS_REGION,
 * AWS_ENDPOINT_URL_DYNAMODB, instance role). Closes a client built earlier.
 */
export function configureRecord(next: RecordClientSettings): void {
  closeRecordClient()
  settings = { ...next }
}

/** The shared client, built on first use. */
export function sharedDocumentClient(): DynamoDBDocumentClient {
  if (shared === undefined) {
    if (settings.client !== undefined) {
      shared = { document: documentClientFor(settings.client), owned: undefined }
    } else {
      const owned = createAwsClient(DynamoDBClient, loadAwsClientOptions(settings.clientOptions ?? {}, settings.configLoad ?? {}), 'record')
      shared = { document: documentClientFor(owned), owned }
    }
  }
  return shared.document
}

/** Destroys the client models built for themselves (never one the app gave); the next request builds a new one. */
export function closeRecordClient(): void {
  shared?.owned?.destroy()
  shared = undefined
}
