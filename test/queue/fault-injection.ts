// SDK middleware that makes SQS batch calls fail some entries or whole calls: faults fauxqs cannot produce.
import type { SQSClient } from '@aws-sdk/client-sqs'

/** Decides, per batch entry, whether SQS "fails" it this time; `senderFault` marks a permanent failure. */
export type EntryFault = (entry: { Id?: string; MessageBody?: string; ReceiptHandle?: string }, call: number) =>
  | { code: string; senderFault: boolean }
  | undefined

/**
 * Makes `commandName` (SendMessageBatchCommand, DeleteMessageBatchCommand, ...) report the entries `fault`
 * picks as Failed, without sending them. Returns a function that removes the middleware.
 */
export function failBatchEntries(client: SQSClient, commandName: string, fault: EntryFault): () => void {
  let call = 0
  const name = `fail-entries-${commandName}-${Math.random()}`
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if ((context as { commandName?: string }).commandName !== commandName) return next(args)
      call++
      const input = args.input as { Entries?: Array<{ Id?: string }> }
      const failed: Array<{ Id?: string; Code: string; SenderFault: boolean; Message: string }> = []
      const kept = (input.Entries ?? []).filter((e) => {
        const f = fault(e, call)
        if (f) failed.push({ Id: e.Id, Code: f.code, SenderFault: f.senderFault, Message: 'injected by the test' })
        return !f
      })
      if (kept.length === 0) return { output: { $metadata: {}, Successful: [], Failed: failed }, response: {} }
      const result = await next({ ...args, input: { ...input, Entries: kept } as typeof args.input })
      const output = result.output as { Failed?: unknown[] }
      output.Failed = [...(output.Failed ?? []), ...failed]
      return result
    },
    { step: 'initialize', name },
  )
  return () => client.middlewareStack.remove(name)
}

/** Makes the next `times` calls of `commandName` throw `error` (e.g. a throttling error). */
export function failCalls(client: SQSClient, commandName: string, times: number, error: () => Error): () => void {
  let left = times
  const name = `fail-calls-${commandName}-${Math.random()}`
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if ((context as { commandName?: string }).commandName === commandName && left > 0) {
        left--
        throw error()
      }
      return next(args)
    },
    { step: 'initialize', name },
  )
  return () => client.middlewareStack.remove(name)
}
