import {
  type AuthUser,
  getSessionUser,
  type UserProvider,
  unauthenticatedResponse,
} from '@tessera/core'
import type { RequestHandler } from 'express-serve-static-core'
import { sendWebResponse } from './lib/send-web-response.js'

/**
 * Lets a route through only for a logged-in user, whichever way the session arrived:
 * the session cookie or the `X-Session-Token` header. The user is on `res.locals.user`.
 * Others get `401 {"detail": "Authentication credentials were not provided."}` with
 * `WWW-Authenticate: Session`. Disabled users and sessions from before a password change
 * are logged out (see `getSessionUser`). Needs `session()` before it.
 *
 * @example
 * ```ts
 * app.get('/api/hello/', requireUser(users), (req, res) => {
 *   res.json({ message: `Hello ${res.locals.user.username}` })
 * })
 * ```
 */
export function requireUser<U extends AuthUser>(users: UserProvider<U>): RequestHandler {
  return async function tesseraRequireUser(req, res, next) {
    const user = await getSessionUser(req.session, users)
    if (!user) return sendWebResponse(res, unauthenticatedResponse())
    res.locals.user = user
    next()
  }
}
