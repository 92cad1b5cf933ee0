import { copyResponseHeaders, type HeaderWriter } from '@tessera/core'
import type { FastifyReply } from 'fastify'

/**
 * A Fastify reply in the shape of the core's `HeaderWriter`, for `writeSessionHeaders`.
 * `reply.header('set-cookie', …)` already appends (Fastify keeps repeated `set-cookie`
 * values as an array, one header line each, RFC 6265 §3); other headers are joined.
 */
export function replyHeaderWriter(reply: FastifyReply): HeaderWriter {
  const get = (name: string): string | undefined => {
    const value = reply.getHeader(name)
    return Array.isArray(value) ? value.join(', ') : value?.toString()
  }
  return {
    get,
    set: (name, value) => {
      reply.header(name, value)
    },
    append: (name, value) => {
      const current = name === 'set-cookie' ? undefined : get(name)
      reply.header(name, current ? `${current}, ${value}` : value)
    },
  }
}

/**
 * Turns the reply into a core-built answer (the `503` store failure, the `403` CSRF
 * refusal, the `413`): its status and headers replace the reply's, its body is returned
 * as the payload. Whatever the route had set (cookies included) goes: the answer is not
 * theirs.
 */
export async function replaceReply(reply: FastifyReply, response: Response): Promise<string> {
  for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name)
  return applyResponse(reply, response)
}

/**
 * Puts a core-built answer (the `401`, a shared-session hop) on the reply beside what
 * earlier hooks set (CORS headers, say): its status and headers, and its body returned
 * as the payload.
 */
export async function applyResponse(reply: FastifyReply, response: Response): Promise<string> {
  reply.code(response.status)
  copyResponseHeaders(response, (name, value) => reply.header(name, value))
  return response.text()
}
