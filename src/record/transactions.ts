// Transactions (aws-record's Transactions.transact_write / transact_find): save, put, update, delete and check
// entries in one TransactWriteItems; items found by key in one TransactGetItems.
import { TransactGetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { RecordTransactionError, RecordUsageError } from '../errors.js'
import { markSaved, planSave, RecordBase, STATE } from './item.js'
import { deleteInput, keyFor, withCondition, type StoredItem } from './requests.js'
import { awsErrorName, describeKey, MODEL, type ModelRuntime } from './runtime.js'

/** Any model's item, as transactions and batches take it (checked at run time to be one). */
export interface ModelItem {
  key(): StoredItem
  isNewRecord(): boolean
}

/** A condition in DynamoDB's expression syntax, with its own names and values (stored names, plain values). */
export interface WriteCondition {
  expression: string
  names?: Record<string, string>
  values?: Record<string, unknown>
}

/** A condition check of one item (`Model.transactCheck(key, condition)`). */
export interface TransactCheck {
  /** @internal */
  readonly runtime: ModelRuntime
  /** Stored key. */
  readonly key: StoredItem
  readonly condition: WriteCondition
}

/** A read of one item in `transactFind` (`Model.tfind(key)`); `T` is the model's item type. */
export interface TransactFind<T> {
  /** @internal */
  readonly runtime: ModelRuntime
  /** Stored key. */
  readonly key: StoredItem
  /** Type-level only. */
  readonly itemType?: T
}

/**
 * One entry of `transactWrite`:
 * - `save`: as `item.save()` (a new item is a Put if it does not exist yet, else an Update of the changed attributes);
 * - `put`: an unconditional Put of the whole item (unless `condition` is given);
 * - `update`: an Update of the changed attributes (an upsert);
 * - `delete`: a Delete of the item's key;
 * - `check`: a condition on another item that must hold.
 */
export type TransactWriteEntry =
  | { save: ModelItem }
  | { put: ModelItem; condition?: WriteCondition }
  | { update: ModelItem; condition?: WriteCondition }
  | { delete: ModelItem; condition?: WriteCondition }
  | { check: TransactCheck }

function runtimeOfItem(item: ModelItem, entry: string): ModelRuntime {
  const runtime = (item?.constructor as { [MODEL]?: ModelRuntime } | undefined)?.[MODEL]
  if (!(item instanceof RecordBase) || runtime === undefined) throw new RecordUsageError(`transactWrite: "${entry}" takes a model item.`)
  return runtime
}

function cancelled(err: unknown, described: string[]): unknown {
  if (awsErrorName(err) !== 'TransactionCanceledException') return err
  const reasons = ((err as { CancellationReasons?: Array<{ Code?: string; Message?: string }> }).CancellationReasons ?? []).map((r) => r.Code ?? 'None')
  const failing = reasons.map((code, i) => (code !== 'None' ? `${described[i] ?? `entry ${i}`}: ${code}` : undefined)).filter((x) => x !== undefined)
  const error = new RecordTransactionError(failing.length > 0 ? failing.join('; ') : (err as Error).message, { cause: err })
  Object.assign(error, { reasons })
  return error
}

/**
 * Writes every entry in one TransactWriteItems, all or nothing. On success saved, put and updated items are
 * clean and persisted, deleted ones destroyed. A cancelled transaction throws {@link RecordTransactionError}
 * naming each item that failed and why (`reasons` has one code per entry).
 */
export async function transactWrite(entries: readonly TransactWriteEntry[], options: { client?: DynamoDBDocumentClient } = {}): Promise<void> {
  if (entries.length === 0) return
  const items: Record<string, unknown>[] = []
  const described: string[] = []
  const done: Array<() => void> = []
  const undos: Array<() => void> = []
  let client = options.client
  const use = (runtime: ModelRuntime): void => {
    const c = runtime.client()
    if (client === undefined) client = c
  }
  for (const entry of entries) {
    if ('check' in entry) {
      const { runtime, key, condition } = entry.check
      use(runtime)
      items.push({
        ConditionCheck: {
          TableName: runtime.schema.tableName,
          Key: key,
          ConditionExpression: condition.expression,
          ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
          ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
        },
      })
      described.push(`check ${runtime.schema.modelName} ${describeKey(runtime.schema, key)}`)
      continue
    }
    const [kind, given] = 'save' in entry ? ['save', entry.save] : 'put' in entry ? ['put', entry.put] : 'update' in entry ? ['update', entry.update] : ['delete', entry.delete]
    const runtime = runtimeOfItem(given, kind)
    const item = given as RecordBase
    use(runtime)
    const { schema } = runtime
    const condition = 'condition' in entry ? entry.condition : undefined
    if (kind === 'delete') {
      let input = deleteInput(schema, keyFor(schema, item[STATE].data, 'delete'))
      if (condition) input = withCondition(input, condition)
      items.push({ Delete: input })
      done.push(() => void (item[STATE].destroyed = true))
    } else {
      const plan = planSave(item, { force: kind === 'put', asUpdate: kind === 'update' })
      undos.push(plan.undo)
      if (plan.kind === 'update' && (plan.input as { UpdateExpression?: string }).UpdateExpression === undefined) {
        for (const undo of undos) undo()
        throw new RecordUsageError(`transactWrite: ${schema.modelName} ${describeKey(schema, item.key())} has no changes to ${kind}; leave it out, or use a check entry.`)
      }
      const input = condition ? withCondition(plan.input, condition) : plan.input
      items.push(plan.kind === 'put' ? { Put: input } : { Update: input })
      done.push(() => markSaved(item))
    }
    described.push(`${kind} ${schema.modelName} ${describeKey(schema, keyFor(schema, item[STATE].data, kind))}`)
  }
  try {
    await client!.send(new TransactWriteCommand({ TransactItems: items as never }))
  } catch (err) {
    for (const undo of undos) undo()
    throw cancelled(err, described)
  }
  for (const f of done) f()
}

/** Item types of a list of `tfind` reads. */
export type TransactFindResults<R extends readonly TransactFind<unknown>[]> = { -readonly [I in keyof R]: R[I] extends TransactFind<infer T> ? T | undefined : never }

/**
 * Reads up to 100 items, of any models on one client, in one TransactGetItems (a consistent snapshot).
 * Resolves to one entry per read, in order: the item, or undefined when it does not exist.
 */
export async function transactFind<const R extends readonly TransactFind<unknown>[]>(reads: R): Promise<TransactFindResults<R>> {
  if (reads.length === 0) return [] as unknown as TransactFindResults<R>
  const client = reads[0]!.runtime.client()
  const out = await client.send(
    new TransactGetCommand({ TransactItems: reads.map((r) => ({ Get: { TableName: r.runtime.schema.tableName, Key: r.key } })) }),
  )
  const responses = out.Responses ?? []
  return reads.map((r, i) => {
    const stored = responses[i]?.Item
    return stored === undefined ? undefined : r.runtime.fromStored(stored)
  }) as unknown as TransactFindResults<R>
}
