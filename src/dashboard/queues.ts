// The queues the dashboard watches, their counts and dead-letter queues, read at most once per refresh however
// many browsers are looking.
import type { SQSClient } from '@aws-sdk/client-sqs'
import { DashboardNotFoundError } from '../errors.js'
import { parseQueueArn, queueNameOfUrl, queueUrlOfArn, readQueueAttributes, type QueueCounts } from './sqs/queue-attributes.js'

/** A queue to show. */
export interface WatchedQueue {
  name: string
  url: string
}

/** One queue as the overview shows it. */
export interface QueueView {
  name: string
  url: string
  arn: string | undefined
  fifo: boolean
  counts: QueueCounts | undefined
  /** Why the queue could not be read (a missing queue, no permission), when it could not. */
  error: string | undefined
  /** RedrivePolicy maxReceiveCount, when the queue has a dead-letter queue. */
  maxReceiveCount: number | undefined
  deadLetter: DeadLetterView | undefined
}

/** A dead-letter queue as the overview shows it. */
export interface DeadLetterView {
  name: string
  url: string | undefined
  arn: string
  fifo: boolean
  counts: QueueCounts | undefined
  error: string | undefined
}

/** A dead-letter queue with the queues that send to it, for browsing and redrive. */
export interface DeadLetterQueue {
  name: string
  url: string
  arn: string
  fifo: boolean
  /** Queues whose redrive policy targets it: where its messages go back to. */
  sources: { name: string; url: string; arn: string | undefined; fifo: boolean }[]
}

/** The queues' state at one moment. */
export interface QueueOverview {
  at: number
  queues: QueueView[]
}

/** Watched queues and their dead-letter queues; a dead-letter queue is known by its name only once an overview found it. */
export class QueueDirectory {
  readonly #sqs: SQSClient
  readonly #queues: ReadonlyMap<string, WatchedQueue>
  readonly #maxAgeMs: number
  readonly #dlqUrls = new Map<string, string>()
  #last: QueueOverview | undefined
  #pending: Promise<QueueOverview> | undefined

  /** `maxAgeMs`: an overview younger than this is served again instead of asking SQS. */
  constructor(sqs: SQSClient, queues: readonly WatchedQueue[], maxAgeMs = 1_000) {
    this.#sqs = sqs
    this.#queues = new Map(queues.map((q) => [q.name, q]))
    this.#maxAgeMs = maxAgeMs
  }

  /** The watched queues, in the order given. */
  get queues(): WatchedQueue[] {
    return [...this.#queues.values()]
  }

  /** Every queue's counts and dead-letter queue; `fresh` skips the cache (after an action changed them). */
  overview(fresh = false): Promise<QueueOverview> {
    const last = this.#last
    if (!fresh && last !== undefined && Date.now() - last.at < this.#maxAgeMs) return Promise.resolve(last)
    return (this.#pending ??= this.#read().finally(() => (this.#pending = undefined)))
  }

  async #read(): Promise<QueueOverview> {
    const queues = await Promise.all(this.queues.map((q) => this.#readOne(q)))
    return (this.#last = { at: Date.now(), queues })
  }

  async #readOne(q: WatchedQueue): Promise<QueueView> {
    const view: QueueView = { name: q.name, url: q.url, arn: undefined, fifo: q.url.endsWith('.fifo'), counts: undefined, error: undefined, maxReceiveCount: undefined, deadLetter: undefined }
    let attrs
    try {
      attrs = await readQueueAttributes(this.#sqs, q.url)
    } catch (err) {
      view.error = describe(err)
      return view
    }
    view.fifo = attrs.fifo
    view.arn = attrs.arn
    view.counts = attrs.counts
    if (attrs.redrive === undefined) return view
    view.maxReceiveCount = attrs.redrive.maxReceiveCount
    const arn = attrs.redrive.deadLetterArn
    const name = parseQueueArn(arn)?.name ?? arn
    const dlq: DeadLetterView = { name, url: undefined, arn, fifo: name.endsWith('.fifo'), counts: undefined, error: undefined }
    view.deadLetter = dlq
    try {
      let url = this.#dlqUrls.get(arn)
      if (url === undefined) {
        url = await queueUrlOfArn(this.#sqs, arn)
        if (url !== undefined) this.#dlqUrls.set(arn, url)
      }
      if (url === undefined) {
        dlq.error = 'the redrive policy names no SQS queue ARN'
        return view
      }
      dlq.url = url
      dlq.counts = (await readQueueAttributes(this.#sqs, url)).counts
    } catch (err) {
      dlq.error = describe(err)
    }
    return view
  }

  /**
   * The dead-letter queue called `name` (as the overview lists it), with its source queues. Only names the
   * overview found are known: a name from a request is looked up, never turned into a URL.
   */
  async deadLetterQueue(name: string): Promise<DeadLetterQueue> {
    const overview = await this.overview()
    const sources = overview.queues.filter((q) => q.deadLetter?.name === name && q.deadLetter.url !== undefined)
    const first = sources[0]?.deadLetter
    if (first === undefined || first.url === undefined) {
      const known = [...new Set(overview.queues.flatMap((q) => (q.deadLetter ? [q.deadLetter.name] : [])))]
      throw new DashboardNotFoundError(
        `No dead-letter queue called ${JSON.stringify(name)} is known${known.length ? ` (known: ${known.join(', ')})` : ' (no watched queue has a redrive policy)'}.`,
      )
    }
    return {
      name,
      url: first.url,
      arn: first.arn,
      fifo: first.fifo,
      sources: sources.map((q) => ({ name: q.name, url: q.url, arn: q.arn, fifo: q.fifo })),
    }
  }
}

/** The queues to watch: explicit names first, then URLs named after their last segment (made unique). */
export function watchedQueues(named: Iterable<[string, string]>, urls: Iterable<string>): WatchedQueue[] {
  const byName = new Map<string, string>()
  const seenUrls = new Set<string>()
  for (const [name, url] of named) {
    if (seenUrls.has(url) || byName.has(name)) continue
    byName.set(name, url)
    seenUrls.add(url)
  }
  for (const url of urls) {
    if (seenUrls.has(url)) continue
    const base = queueNameOfUrl(url)
    let name = base
    for (let n = 2; byName.has(name); n++) name = `${base} (${n})`
    byName.set(name, url)
    seenUrls.add(url)
  }
  return [...byName].map(([name, url]) => ({ name, url }))
}

function describe(err: unknown): string {
  const e = err as { name?: unknown; message?: unknown }
  return `${typeof e?.name === 'string' ? e.name : 'Error'}: ${typeof e?.message === 'string' ? e.message : String(err)}`
}
