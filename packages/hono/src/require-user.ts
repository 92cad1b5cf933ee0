import {
  type AuthUser,
  requestUser,
  resolveAnonymousRoutes,
  type UserProvider,
  unauthenticatedResponse,
} from '@tessera/core'
import type { MiddlewareHandler } from 'hono'
import type { SessionEnv } from './session-middleware.js'

/** Hono environment after {@link requireUser}: `c.var.user` is the logged-in user. */
export type UserEnv<U extends AuthUser = AuthUser> = {
  Variables: SessionEnv['Variables'] & { user: U }
}

/** Options of {@link requireUser}. */
export interface RequireUserOptions {
  /**
   * As a group guard (`app.use('/api/*', requireUser(users, …))`), the group's routes
   * anonymous requests may still reach — Django REST framework's `AllowAny` under an
   * `IsAuthenticated` default: exact `"/path"` (any method) or `"METHOD /path"` entries,
   * matched against `c.req.path`. They get no `c.var.user`. A bad entry throws
   * `ConfigError` here.
   * @default [] (every route of the group needs a login)
   */
  allowAnonymous?: readonly string[]
}

/**
 * Lets a route — or, mounted with `app.use`, a whole group — through only for a
 * logged-in user, whichever way the session arrived: the session cookie or the
 * `X-Session-Token` header (DRF's `SessionAuthentication` and django-session-token's
 * `SessionTokenAuthentication` in one). The user is on `c.var.user`, looked up once per
 * request however many guards ask (`requestUser`). Others get
 * `401 {"detail": "Authentication credentials were not provided."}` with
 * `WWW-Authenticate: Session` (`unauthenticatedResponse`). Disabled users and sessions
 * from before a password change are logged out (see `getSessionUser`).
 *
 * @example
 * ```ts
 * app.use('/api/*', requireUser(users, { allowAnonymous: ['POST /api/login/', 'GET /api/csrf/'] }))
 * app.get('/api/hello/', (c) => c.json({ message: `Hello ${c.var.user.username}` }))
 * ```
 */
export function requireUser<U extends AuthUser>(
  users: UserProvider<U>,
  options: RequireUserOptions = {},
): MiddlewareHandler<UserEnv<U>> {
  const anonymous = resolveAnonymousRoutes(options.allowAnonymous)
  return async function tesseraRequireUser(c, next) {
    if (anonymous.allows(c.req.method, c.req.path)) return next()
    const user = await requestUser(c.var.session, users)
    if (!user) return unauthenticatedResponse()
    c.set('user', user)
    await next()
  }
}
