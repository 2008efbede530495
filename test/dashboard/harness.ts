// A dashboard on fauxqs for tests: a worker queue with its dead-letter queue, an app with the plugin on 127.0.0.1,
// and a small HTTP client that keeps the dashboard's cookie and the CSRF token of the last page.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs'
import Fastify, { type FastifyInstance } from 'fastify'
import { request } from 'undici'
import { fastifyAwsDashboard, type FastifyAwsDashboardOptions } from '../../src/dashboard/index.js'
import { startSqs, type RunningEmulator } from '../helpers/emulators.js'
import { sqsClient } from '../sqsd/helpers.js'

/** A fauxqs with `work` and its dead-letter queue `work-dead-letter` (maxReceiveCount 2). */
export async function startQueues(): Promise<{ emulator: RunningEmulator; sqs: SQSClient; queueUrl: string; deadLetterUrl: string; close(): Promise<void> }> {
  const emulator = await startSqs()
  const sqs = sqsClient(emulator.endpoint)
  const deadLetterUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'work-dead-letter' }))).QueueUrl!
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!
  const queueUrl = (
    await sqs.send(new CreateQueueCommand({ QueueName: 'work', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 2 }) } }))
  ).QueueUrl!
  return {
    emulator,
    sqs,
    queueUrl,
    deadLetterUrl,
    close: async () => {
      sqs.destroy()
      await emulator.close()
    },
  }
}

/** A project directory with a cron.yaml. */
export function projectDir(cronYaml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-aws-dashboard-'))
  if (cronYaml !== undefined) writeFileSync(join(dir, 'cron.yaml'), cronYaml)
  return dir
}

/** An app with only the dashboard, listening on 127.0.0.1. */
export async function startDashboard(options: FastifyAwsDashboardOptions): Promise<{ app: FastifyInstance; base: string }> {
  const app = Fastify({ logger: false })
  await app.register(fastifyAwsDashboard, { configLoad: { env: {} }, jobQueues: false, ...options })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` }
}

/** A response, read whole. */
export interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A browser stand-in: keeps the cookie the dashboard sets and the CSRF token of the last page it read. */
export class Browser {
  cookie = ''
  token = ''
  constructor(readonly base: string, readonly headers: Record<string, string> = {}) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await request(this.base + path, { headers: { ...this.headers, ...(this.cookie ? { cookie: this.cookie } : {}), ...headers } })
    return this.#read(res)
  }

  /** POSTs a form with the last page's CSRF token (unless `_csrf` is given). */
  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
    const body = new URLSearchParams({ _csrf: this.token, ...form }).toString()
    const res = await request(this.base + path, {
      method: 'POST',
      headers: { ...this.headers, 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}), ...headers },
      body,
    })
    return this.#read(res)
  }

  async #read(res: Awaited<ReturnType<typeof request>>): Promise<Reply> {
    const body = await res.body.text()
    const set = res.headers['set-cookie']
    for (const c of [set ?? []].flat()) {
      const pair = c.split(';')[0]!
      if (pair.startsWith('fastify-aws-dashboard-csrf=')) this.cookie = pair
    }
    const token = /name="_csrf" value="([^"]*)"/.exec(body)?.[1]
    if (token) this.token = token
    return { status: res.statusCode, headers: res.headers, body }
  }
}

/** Markup that would run if it were not escaped (escaped, none of it has a `<`). */
export const HOSTILE = /<script>|<script\s+src|<img[\s>]|<svg[\s>]|<iframe/i

/** The page's own script and style only: exactly one <script and one <style, both with this page's nonce. */
export function onlyOwnScript(body: string): boolean {
  const nonce = /<script nonce="([^"]+)">/.exec(body)?.[1]
  return nonce !== undefined && body.split('<script').length === 2 && body.includes(`<style nonce="${nonce}">`) && body.split('<style').length === 2
}
