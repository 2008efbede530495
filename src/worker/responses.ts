// Every answer the worker gives sqsd: a status and one line of text/plain.
import type { FastifyReply } from 'fastify'

/** Sends `status` with `text` as a single text/plain line (`folded`: the text went through {@link oneLine} already). */
export function sendLine(reply: FastifyReply, status: number, text: string, folded = false): FastifyReply {
  return reply.code(status).type('text/plain; charset=utf-8').send(folded ? text : oneLine(text))
}

/** Newlines folded, length capped, so a body is always one readable line. */
export function oneLine(text: string, max = 500): string {
  if (text.length <= max && !/[\r\n]/.test(text)) return text.trim() // the usual case: already one line
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}
