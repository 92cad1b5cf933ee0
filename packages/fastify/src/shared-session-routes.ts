import { headersFromRecord, requestViewOf, type SharedSessions } from '@tessera/core'
import type { FastifyPluginAsync } from 'fastify'
import { applyResponse } from './lib/reply-headers.js'
import { requestUrl } from './lib/request-security.js'

/** Options of {@link sharedSessionRoutes}. */
export interface SharedSessionRoutesOptions {
  /** The configured shared sessions. */
  shared: SharedSessions
  /**
   * Deprecated: `tesseraSession`'s `trustProxy` decides whether the request was HTTPS.
   * Still accepted; when given it must equal `tesseraSession`'s, or requests under the
   * prefix fail with `ConfigError`.
   * @default tesseraSession's
   */
  trustProxy?: boolean
}

/**
 * django-shared-session's endpoints for Fastify 5: registers `GET <shared.path>/*` — the script path,
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
  fastify.get(`${shared.path}/*`, async (request, reply) => {
    const { secure } = requestViewOf(request.session, {
      consumer: 'sharedSessionRoutes',
      session: 'tesseraSession',
      trustProxy: options.trustProxy,
    })
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
    return reply.send(await applyResponse(reply, response))
  })
}
