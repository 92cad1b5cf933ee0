import { headersFromRecord, type SharedSessions } from '@tessera/core'
import type { FastifyPluginAsync } from 'fastify'
import { isSecure, requestUrl } from './lib/request-security.js'

/** Options of {@link sharedSessionRoutes}. */
export interface SharedSessionRoutesOptions {
  /** The configured shared sessions. */
  shared: SharedSessions
  /** Believe `X-Forwarded-Proto` (set it like `tesseraSession`'s). @default false */
  trustProxy?: boolean
}

/**
 * Seed 002's endpoints for Fastify 5: registers `GET <shared.path>/*` — the script path,
 * the SPA loader and the redirect path; anything else under the prefix is a 404.
 * Register `tesseraSession` first: its `onSend` hook saves the session and adds the
 * cookie the transfer installed.
 *
 * @example
 * ```ts
 * await app.register(tesseraSession, { manager })
 * await app.register(sharedSessionRoutes, { shared: new SharedSessions({ sites, key }) })
 * ```
 */
export const sharedSessionRoutes: FastifyPluginAsync<SharedSessionRoutesOptions> = async (
  fastify,
  options,
) => {
  const { shared } = options
  const trustProxy = options.trustProxy ?? false
  fastify.get(`${shared.path}/*`, async (request, reply) => {
    const secure = isSecure(request, trustProxy)
    const response = await shared.handle(
      // The real method: Fastify routes HEAD here too, and a HEAD must not spend a code.
      new Request(requestUrl(request, secure), {
        method: request.method,
        headers: headersFromRecord(request.headers),
      }),
      request.session,
      { secure },
    )
    if (!response) return reply.callNotFound()
    reply.code(response.status)
    for (const [name, value] of response.headers) {
      if (name !== 'set-cookie') reply.header(name, value)
    }
    const cookies = response.headers.getSetCookie()
    if (cookies.length > 0) reply.header('set-cookie', cookies)
    return reply.send(await response.text())
  })
}
