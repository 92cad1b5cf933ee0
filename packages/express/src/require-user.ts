import type { AuthUser, UserProvider } from '@tessera/core'
import { sendNodeResponse, userOrRefusal } from '@tessera/core/adapter'
import type { RequestHandler } from 'express-serve-static-core'

/**
 * Lets one route through only for a logged-in user, whichever way the session arrived
 * (the cookie or the `X-Session-Token` header); the user is on `res.locals.user`, looked
 * up once per request however many guards ask. Others get the core's `401` JSON. For a
 * whole group, use `session()`'s `loginRequired` option.
 *
 * @example
 * ```ts
 * app.get('/me', requireUser(users), (req, res) => {
 *   res.json({ username: res.locals.user.username })
 * })
 * ```
 */
export function requireUser<U extends AuthUser>(users: UserProvider<U>): RequestHandler {
  return async function tesseraRequireUser(req, res, next) {
    const user = await userOrRefusal(req.session, users)
    if (user instanceof Response) return sendNodeResponse(res, user)
    res.locals.user = user
    next()
  }
}
