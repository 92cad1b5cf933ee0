import {
  type AuthUser,
  requestUser,
  type UserProvider,
  unauthenticatedResponse,
} from '@tessera/core'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { applyResponse } from './lib/reply-headers.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `true` lets anonymous requests reach this route although a `requireUser` hook
     * guards its plugin — Django REST framework's `AllowAny` under an `IsAuthenticated`
     * default. The route then gets no `request.user`.
     */
    allowAnonymous?: boolean
  }
}

/**
 * A `preHandler` that lets a route — or, added with `addHook` in a plugin, every route
 * of that plugin — through only for a logged-in user, whichever way the session
 * arrived: the session cookie or the `X-Session-Token` header (DRF's
 * `SessionAuthentication` and django-session-token's `SessionTokenAuthentication` in
 * one). A route opts out with `config: { allowAnonymous: true }`. The user lands on
 * `request.user`, looked up once per request however many guards ask (`requestUser`).
 * Others get `401 {"detail": "Authentication credentials were not provided."}` with
 * `WWW-Authenticate: Session` and `X-Content-Type-Options: nosniff`. Disabled users and
 * sessions from before a password change are logged out (see `getSessionUser`). Needs
 * {@link tesseraSession} registered.
 *
 * @example
 * ```ts
 * await app.register(async (api) => {
 *   api.addHook('preHandler', requireUser(users))
 *   api.get('/hello/', async (request) => ({ message: `Hello ${(request.user as User).username}` }))
 *   api.post('/login/', { config: { allowAnonymous: true } }, login)
 * }, { prefix: '/api' })
 * ```
 */
export function requireUser<U extends AuthUser>(
  users: UserProvider<U>,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  return async function tesseraRequireUser(request, reply) {
    if (request.routeOptions.config.allowAnonymous === true) return undefined
    const user = await requestUser(request.session, users)
    if (!user) return reply.send(await applyResponse(reply, unauthenticatedResponse()))
    request.user = user
    return undefined
  }
}
