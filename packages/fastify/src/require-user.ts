import type { AuthUser, UserProvider } from '@tessera/core'
import { userOrRefusal } from '@tessera/core/adapter'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { sendAnswer } from './lib/reply-headers.js'

/**
 * A `preHandler` that lets one route through only for a logged-in user, whichever way
 * the session arrived (the cookie or the `X-Session-Token` header); the user lands on
 * `request.user`, looked up once per request however many guards ask. Others get the
 * core's `401` JSON. For a whole group, use `tesseraSession`'s `loginRequired` option.
 *
 * @example
 * ```ts
 * app.get('/me', { preHandler: requireUser(users) }, async (request) => ({ user: request.user }))
 * ```
 */
export function requireUser<U extends AuthUser>(users: UserProvider<U>) {
  return async function tesseraRequireUser(request: FastifyRequest, reply: FastifyReply) {
    const user = await userOrRefusal(request.session, users)
    if (user instanceof Response) return reply.send(await sendAnswer(reply, user, false))
    request.user = user
    return undefined
  }
}
