import { type HeaderWriter, writeResponse } from '@tessera/core/adapter'
import type { FastifyReply } from 'fastify'
/** A reply as a `HeaderWriter`; `reply.header('set-cookie', …)` appends a line (RFC 6265 §3). */
export function replyHeaderWriter(reply: FastifyReply): HeaderWriter {
  return {
    get: (name) => reply.getHeader(name)?.toString(),
    set: (name, value) => reply.header(name, value),
    append: (name, value) => reply.header(name, value),
  }
}

/**
 * Puts a core-built answer on the reply (its status and headers) and returns its body
 * as the payload, bytes so Fastify keeps the content type. `replace`: whatever the route
 * or earlier hooks had set goes (the 503, 413, 400 are not theirs).
 */
export async function sendAnswer(
  reply: FastifyReply,
  response: Response,
  replace = true,
): Promise<Buffer> {
  if (replace) for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name)
  const target = { status: (code: number) => reply.code(code), header: reply.header.bind(reply) }
  return Buffer.from(await writeResponse(response, target))
}
