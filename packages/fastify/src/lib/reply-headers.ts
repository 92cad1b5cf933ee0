import type { CommitResult } from '@tessera/core'
import type { FastifyReply } from 'fastify'

/**
 * Writes a {@link CommitResult} onto a Fastify reply, as core's `applyCommit` does onto
 * `Headers`: every `Set-Cookie` appended (Fastify keeps repeated `set-cookie` values as
 * an array, one header line each, RFC 6265 §3), `Vary: Cookie` merged into any `Vary`
 * the route set, and `Cache-Control: no-store` when the reply carries a credential.
 */
export function applyCommitToReply(reply: FastifyReply, result: CommitResult): void {
  if (result.setCookie.length > 0) reply.header('set-cookie', result.setCookie)
  if (result.vary) {
    const current = reply.getHeader('vary')
    const vary = Array.isArray(current) ? current.join(', ') : current?.toString()
    if (!vary) reply.header('vary', 'Cookie')
    else if (!/(^|,)\s*(cookie|\*)\s*(,|$)/i.test(vary)) reply.header('vary', `${vary}, Cookie`)
  }
  if (result.noStore) reply.header('cache-control', 'no-store')
}

/**
 * Turns the reply into a core-built answer (the `503` store failure, the `403` CSRF
 * refusal): its status and headers replace the reply's, its body is returned as the
 * payload. Whatever the route had set (cookies included) goes: the answer is not theirs.
 */
export async function replaceReply(reply: FastifyReply, response: Response): Promise<string> {
  for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name)
  reply.code(response.status)
  for (const [name, value] of response.headers) reply.header(name, value)
  return response.text()
}
