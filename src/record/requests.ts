// The exact requests aws-record sends (item_operations.rb), built as plain DocumentClient inputs so that save,
// batches and transactions share one builder: the full item of a PutItem, the key, the SET/REMOVE update
// expression with aws-record's #UE_A / :ue_a tokens, and the put-if-new condition.
import type { DeleteCommandInput, PutCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb'
import { RecordKeyMissingError } from '../errors.js'
import type { CompiledAttribute, Schema } from './schema.js'

/** A stored item or key, as the DocumentClient takes it. */
export type StoredItem = Record<string, unknown>

/** Ruby's String#succ for the tokens aws-record uses: "UE_A" → "UE_B", "UE_Z" → "UF_A", "ue_z" → "uf_a". */
export function succ(token: string): string {
  const chars = token.split('')
  for (let i = chars.length - 1; i >= 0; i--) {
    const c = chars[i]!
    if (c === 'Z') chars[i] = 'A'
    else if (c === 'z') chars[i] = 'a'
    else if (c === '9') chars[i] = '0'
    else if (/[A-Ya-y0-8]/.test(c)) {
      chars[i] = String.fromCharCode(c.charCodeAt(0) + 1)
      return chars.join('')
    } else continue
    // carried past the first alphanumeric: Ruby prepends one ("Z" → "AA")
    if (!chars.slice(0, i).some((x) => /[A-Za-z0-9]/.test(x))) {
      chars.splice(i, 0, c === 'Z' ? 'A' : c === 'z' ? 'a' : '1')
      return chars.join('')
    }
  }
  return chars.join('')
}

/** What an attribute value is written as: the marshaler's serialization, `null` (NULL) for nothing. */
export function serialize(a: CompiledAttribute, value: unknown): unknown {
  if (value === undefined || value === null) return null
  const out = a.marshaler.serialize(value)
  return out === undefined ? null : out
}

/**
 * aws-record's save hash (ItemData#build_save_hash): every attribute that is set, or unset with persistNil
 * (written NULL); "" and empty sets are NULL through their serializers.
 */
export function saveHash(schema: Schema, values: Record<string, unknown>): StoredItem {
  const item: StoredItem = {}
  for (const a of schema.attributes) {
    const v = values[a.name]
    if (v !== undefined || a.persistNil) item[a.dbName] = serialize(a, v)
  }
  return item
}

/** The key of an item in stored names; a missing key part is a {@link RecordKeyMissingError} naming it. */
export function keyFor(schema: Schema, values: Record<string, unknown>, operation: string): StoredItem {
  const key: StoredItem = {}
  for (const [role, a] of [['hash', schema.hashKey], ['range', schema.rangeKey]] as const) {
    if (a === undefined) continue
    const v = values[a.name]
    const stored = v === undefined || v === null ? null : serialize(a, v)
    if (stored === null) throw new RecordKeyMissingError(schema.modelName, role, a.name, operation)
    key[a.dbName] = stored
  }
  return key
}

/** aws-record's prevent_overwrite_expression: the item may not exist yet. */
export function notExistsCondition(schema: Schema): Pick<PutCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames'> {
  const names: Record<string, string> = { '#H': schema.hashKey.dbName }
  let expression = 'attribute_not_exists(#H)'
  if (schema.rangeKey) {
    names['#R'] = schema.rangeKey.dbName
    expression += ' and attribute_not_exists(#R)'
  }
  return { ConditionExpression: expression, ExpressionAttributeNames: names }
}

/** The UpdateExpression parts of aws-record's _build_update_expression, or undefined when there is nothing to set. */
export interface UpdateParts {
  UpdateExpression: string
  ExpressionAttributeNames: Record<string, string>
  ExpressionAttributeValues?: Record<string, unknown>
}

/**
 * `SET #UE_A = :ue_a, … REMOVE #UE_C`: one name and one value token per attribute, in the order given; an unset
 * value is REMOVEd unless the attribute has persistNil (then `SET … = NULL`).
 */
export function updateParts(pairs: ReadonlyArray<readonly [CompiledAttribute, unknown]>): UpdateParts | undefined {
  const set: string[] = []
  const remove: string[] = []
  const names: Record<string, string> = {}
  const values: Record<string, unknown> = {}
  let nameToken = 'UE_A'
  let valueToken = 'ue_a'
  for (const [a, v] of pairs) {
    const name = `#${nameToken}`
    const value = `:${valueToken}`
    nameToken = succ(nameToken)
    valueToken = succ(valueToken)
    names[name] = a.dbName
    if ((v === undefined || v === null) && !a.persistNil) remove.push(name)
    else {
      set.push(`${name} = ${value}`)
      values[value] = serialize(a, v)
    }
  }
  const parts: string[] = []
  if (set.length > 0) parts.push(`SET ${set.join(', ')}`)
  if (remove.length > 0) parts.push(`REMOVE ${remove.join(', ')}`)
  if (parts.length === 0) return undefined
  const out: UpdateParts = { UpdateExpression: parts.join(' '), ExpressionAttributeNames: names }
  if (set.length > 0) out.ExpressionAttributeValues = values
  return out
}

/** An UpdateItem of `pairs` on `key`, with no condition (aws-record's update is an upsert). */
export function updateInput(schema: Schema, key: StoredItem, pairs: ReadonlyArray<readonly [CompiledAttribute, unknown]>): UpdateCommandInput {
  const input: UpdateCommandInput = { TableName: schema.tableName, Key: key }
  const parts = updateParts(pairs)
  if (parts) Object.assign(input, parts)
  return input
}

/** A DeleteItem of the key, with no condition. */
export function deleteInput(schema: Schema, key: StoredItem): DeleteCommandInput {
  return { TableName: schema.tableName, Key: key }
}

/** Adds `condition` (with its own names and values) to a request, merged with what the request has. */
export function withCondition<T extends { ConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> }>(
  input: T,
  condition: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
): T {
  const out = { ...input }
  out.ConditionExpression = input.ConditionExpression ? `(${input.ConditionExpression}) and (${condition.expression})` : condition.expression
  if (condition.names) out.ExpressionAttributeNames = { ...input.ExpressionAttributeNames, ...condition.names }
  if (condition.values) out.ExpressionAttributeValues = { ...input.ExpressionAttributeValues, ...condition.values }
  return out
}
