import {
  type AuthUser,
  requestUser,
  resolveAnonymousRoutes,
  type UserProvider,
  unauthenticatedResponse,
} from '@tessera/core'
import type { RequestHandler } from 'express-serve-static-core'
import { sendWebResponse } from './lib/send-web-response.js'

/** Options of {@link requireUser}. */
export interface RequireUserOptions {
  /**
   * As a group guard (`app.use('/api', requireUser(users, …))`), the group's routes
   * anonymous requests may still reach — Django REST framework's `AllowAny` under an
   * `IsAuthenticated` default: exact `"/path"` (any method) or `"METHOD /path"` entries,
   * matched against the full path (`req.baseUrl + req.path`). They get no
   * `res.locals.user`. A bad entry throws `ConfigError` here.
   * @default [] (every route of the group needs a login)
   */
  allowAnonymous?: readonly string[]
}

/**
 * Lets a route — or, mounted with `app.use`, a whole group — through only for a
 * logged-in user, whichever way the session arrived: the session cookie or the
 * `X-Session-Token` header. The user is on `res.locals.user`, looked up once per request
 * however many guards ask (`requestUser`). Others get
 * `401 {"detail": "Authentication credentials were not provided."}` with
 * `WWW-Authenticate: Session` (`unauthenticatedResponse`). Disabled users and sessions
 * from before a password change are logged out (see `getSessionUser`). Needs
 * `session()` before it.
 *
 * @example
 * ```ts
 * app.use('/api', requireUser(users, { allowAnonymous: ['POST /api/login/'] }))
 * app.get('/api/hello/', (req, res) => {
 *   res.json({ message: `Hello ${res.locals.user.username}` })
 * })
 * ```
 */
export function requireUser<U extends AuthUser>(
  users: UserProvider<U>,
  options: RequireUserOptions = {},
): RequestHandler {
  const anonymous = resolveAnonymousRoutes(options.allowAnonymous)
  return async function tesseraRequireUser(req, res, next) {
    if (anonymous.allows(req.method, req.baseUrl + req.path)) return next()
    const user = await requestUser(req.session, users)
    if (!user) return sendWebResponse(res, unauthenticatedResponse())
    res.locals.user = user
    next()
  }
}
