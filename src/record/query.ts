// Query and scan builders (aws-record's build_query / build_scan): `:attr` tokens name attributes in code and
// become #BUILDERA… mapped to stored names; each `?` becomes :buildera… bound to the next value. Results are
// async-iterable over every page, and one page with its lastEvaluatedKey is available for manual paging.
import { QueryCommand, ScanCommand, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/lib-dynamodb'
import { RecordUsageError } from '../errors.js'
import { serialize, succ, type StoredItem } from './requests.js'
import type { ModelRuntime } from './runtime.js'
import type { CompiledAttribute } from './schema.js'

/** One page of results. */
export interface Page<T> {
  /** The items of this page, as model items (attributes the model does not declare are dropped). */
  items: T[]
  /** Pass to `exclusiveStartKey` to read the next page; undefined on the last page. */
  lastEvaluatedKey: StoredItem | undefined
  /** Items returned (after the filter). */
  count: number
  /** Items DynamoDB read (before the filter). */
  scannedCount: number
}

/** A query or scan ready to run: iterate it for every item of every page, or take pages yourself. */
export class ItemCollection<T> implements AsyncIterable<T> {
  readonly #fetch: (startKey: StoredItem | undefined) => Promise<Page<T>>
  readonly #startKey: StoredItem | undefined

  /** @internal */
  constructor(fetch: (startKey: StoredItem | undefined) => Promise<Page<T>>, startKey: StoredItem | undefined) {
    this.#fetch = fetch
    this.#startKey = startKey
  }

  /** The first page (from `exclusiveStartKey` when one was set). */
  page(): Promise<Page<T>> {
    return this.#fetch(this.#startKey)
  }

  /** Every page, one request each, until DynamoDB has no more. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let key = this.#startKey
    do {
      const page = await this.#fetch(key)
      yield page
      key = page.lastEvaluatedKey
    } while (key !== undefined)
  }

  /** Every item of every page. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.items
  }

  /** Every item of every page, in one array. */
  async toArray(): Promise<T[]> {
    const out: T[] = []
    for await (const page of this.pages()) out.push(...page.items)
    return out
  }
}

type SearchInput = QueryCommandInput & ScanCommandInput

/** What query and scan builders share. `T` is the model's item type, `I` its index names. */
abstract class SearchBuilder<T, I extends string> implements AsyncIterable<T> {
  /** @internal */
  protected readonly runtime: ModelRuntime
  /** @internal */
  protected readonly params: SearchInput
  #nextName = 'A'
  #nextValue = 'a'

  /** @internal */
  constructor(runtime: ModelRuntime) {
    this.runtime = runtime
    this.params = { TableName: runtime.schema.tableName, ExpressionAttributeNames: {}, ExpressionAttributeValues: {} }
  }

  /** Reads a secondary index instead of the table. */
  onIndex(name: I): this {
    if (!this.runtime.schema.indexes.has(name)) {
      const known = [...this.runtime.schema.indexes.keys()]
      throw new RecordUsageError(`${this.runtime.schema.modelName} has no index "${name}"${known.length ? `; it has ${known.join(', ')}` : ''}.`)
    }
    this.params.IndexName = name
    return this
  }

  /** Strongly consistent reads (not on a global secondary index). */
  consistentRead(consistent = true): this {
    this.params.ConsistentRead = consistent
    return this
  }

  /** Starts after this key (a page's `lastEvaluatedKey`). */
  exclusiveStartKey(key: StoredItem | undefined): this {
    this.params.ExclusiveStartKey = key
    return this
  }

  /** A FilterExpression: `:attr` names an attribute, `?` takes the next value (`':created_at > ?', date`). */
  filterExpr(expression: string, ...values: unknown[]): this {
    this.params.FilterExpression = this.substitute(expression, values)
    return this
  }

  /** A ProjectionExpression of `:attr` names (`':post_title, :post_id'`): only these attributes are read. */
  projectionExpr(expression: string): this {
    this.params.ProjectionExpression = this.substitute(expression, [])
    return this
  }

  /** Items per request (DynamoDB's Limit: evaluated before the filter). */
  limit(n: number): this {
    this.params.Limit = n
    return this
  }

  /** The request this builder sends (names and values substituted), for logs and tests. */
  toInput(): QueryCommandInput | ScanCommandInput {
    const input: SearchInput = { ...this.params }
    if (input.ExclusiveStartKey === undefined) delete input.ExclusiveStartKey
    if (Object.keys(input.ExpressionAttributeNames ?? {}).length === 0) delete input.ExpressionAttributeNames
    if (Object.keys(input.ExpressionAttributeValues ?? {}).length === 0) delete input.ExpressionAttributeValues
    return input
  }

  /** The query or scan, ready to run (aws-record `complete!`). */
  complete(): ItemCollection<T> {
    const input = this.toInput()
    const startKey = input.ExclusiveStartKey
    return new ItemCollection<T>((key) => this.fetch(key === undefined ? input : { ...input, ExclusiveStartKey: key }), startKey)
  }

  /** The first page. */
  page(): Promise<Page<T>> {
    return this.complete().page()
  }

  /** Every item of every page, in one array. */
  toArray(): Promise<T[]> {
    return this.complete().toArray()
  }

  /** Every item of every page. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.complete()[Symbol.asyncIterator]()
  }

  /** @internal */
  protected abstract send(input: SearchInput): Promise<{ Items?: StoredItem[]; LastEvaluatedKey?: StoredItem; Count?: number; ScannedCount?: number }>

  private async fetch(input: SearchInput): Promise<Page<T>> {
    const out = await this.send(input)
    const items = (out.Items ?? []).map((stored) => this.runtime.fromStored(stored) as T)
    return { items, lastEvaluatedKey: out.LastEvaluatedKey, count: out.Count ?? items.length, scannedCount: out.ScannedCount ?? items.length }
  }

  /**
   * Replaces `:attr` with the next #BUILDER name (stored name) and `?` with the next :builder value. A value
   * that is not a plain string, number or boolean (a Date, a Set) is written in the format of the attribute
   * named last before its `?`, so `':created_at > ?', new Date()` compares in aws-record's datetime format;
   * aws-record binds values raw.
   */
  /** @internal */
  protected substitute(expression: string, values: readonly unknown[]): string {
    const { schema } = this.runtime
    let used = 0
    let last: CompiledAttribute | undefined
    const out = expression.replace(/:(\w+)|\?/g, (_match, name: string | undefined) => {
      if (name !== undefined) {
        const a = schema.byName.get(name)
        if (a === undefined) {
          throw new RecordUsageError(`No such attribute "${name}" in ${schema.modelName} (in "${expression}"); attributes: ${[...schema.byName.keys()].join(', ')}.`)
        }
        last = a
        const token = `#BUILDER${this.#nextName}`
        this.#nextName = succ(this.#nextName)
        this.params.ExpressionAttributeNames![token] = a.dbName
        return token
      }
      if (used >= values.length) throw new RecordUsageError(`"${expression}" has more ? than the ${values.length} value(s) given.`)
      const value = values[used++]
      const token = `:builder${this.#nextValue}`
      this.#nextValue = succ(this.#nextValue)
      const plain = value === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof value) || Array.isArray(value)
      this.params.ExpressionAttributeValues![token] = plain || last === undefined ? value : serialize(last, last.marshaler.cast(value))
      return token
    })
    if (used !== values.length) throw new RecordUsageError(`"${expression}" has ${used} ? but ${values.length} value(s) were given.`)
    return out
  }
}

/** A Query: `Model.query().keyExpr(':forum_uuid = ?', id).filterExpr(...)`. */
export class QueryBuilder<T, I extends string> extends SearchBuilder<T, I> {
  /** The KeyConditionExpression (`':author_username = ?', 'alice'`). Required. */
  keyExpr(expression: string, ...values: unknown[]): this {
    this.params.KeyConditionExpression = this.substitute(expression, values)
    return this
  }

  /** Sort order of the range key: ascending (default) or descending with `false`. */
  scanAscending(ascending = true): this {
    this.params.ScanIndexForward = ascending
    return this
  }

  /** @internal */
  protected send(input: SearchInput): Promise<{ Items?: StoredItem[]; LastEvaluatedKey?: StoredItem; Count?: number; ScannedCount?: number }> {
    if (input.KeyConditionExpression === undefined) {
      throw new RecordUsageError(`A query of ${this.runtime.schema.modelName} needs keyExpr(...) (use scan() to read without a key).`)
    }
    return this.runtime.client().send(new QueryCommand(input))
  }
}

/** A Scan: `Model.scan().filterExpr(...)`, optionally one segment of a parallel scan. */
export class ScanBuilder<T, I extends string> extends SearchBuilder<T, I> {
  /** Reads one segment of a parallel scan (run one per worker, segment 0 … totalSegments-1). */
  parallelScan(options: { totalSegments: number; segment: number }): this {
    const { totalSegments, segment } = options
    if (!Number.isInteger(totalSegments) || totalSegments < 1 || !Number.isInteger(segment) || segment < 0 || segment >= totalSegments) {
      throw new RecordUsageError(`parallelScan needs 0 <= segment < totalSegments, got segment ${segment} of ${totalSegments}.`)
    }
    this.params.TotalSegments = totalSegments
    this.params.Segment = segment
    return this
  }

  /** @internal */
  protected send(input: SearchInput): Promise<{ Items?: StoredItem[]; LastEvaluatedKey?: StoredItem; Count?: number; ScannedCount?: number }> {
    return this.runtime.client().send(new ScanCommand(input))
  }
}
