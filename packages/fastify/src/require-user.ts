import {
  type AuthUser,
  getSessionUser,
  type UserProvider,
  unauthenticatedResponse,
} from '@tessera/core'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { applyResponse } from './lib/reply-headers.js'

/**
 * A `preHandler` that lets a route through only for a logged-in user, whichever way the
 * session arrived: the session cookie or the `X-Session-Token` header (DRF's
 * `SessionAuthentication` and django-session-token's `SessionTokenAuthentication` in one). The user
 * lands on `request.user`. Others get
 * `401 {"detail": "Authentication credentials were not provided."}` with
 * `WWW-Authenticate: Session` and `X-Content-Type-Options: nosniff`. Disabled users and sessions from before a password change
 * are logged out (see `getSessionUser`). Needs {@link tesseraSession} registered.
 *
 * @example
 * ```ts
 * app.get('/api/hello/', { preHandler: requireUser(users) }, async (request) => ({
 *   message: `Hello ${(request.user as User).username}`,
 * }))
 * ```
 */
export function requireUser<U extends AuthUser>(
  users: UserProvider<U>,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  return async function tesseraRequireUser(request, reply) {
    const user = await getSessionUser(request.session, users)
    if (!user) return reply.send(await applyResponse(reply, unauthenticatedResponse()))
    request.user = user
    return undefined
  }
}
