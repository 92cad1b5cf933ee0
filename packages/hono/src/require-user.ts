import {
  type AuthUser,
  getSessionUser,
  type UserProvider,
  unauthenticatedResponse,
} from '@tessera/core'
import type { MiddlewareHandler } from 'hono'
import type { SessionEnv } from './session-middleware.js'

/** Hono environment after {@link requireUser}: `c.var.user` is the logged-in user. */
export type UserEnv<U extends AuthUser = AuthUser> = {
  Variables: SessionEnv['Variables'] & { user: U }
}

/**
 * Lets a route through only for a logged-in user, whichever way the session arrived:
 * the session cookie or the `X-Session-Token` header (DRF's `SessionAuthentication`
 * and django-session-token's `SessionTokenAuthentication` in one). Others get
 * `401 {"detail": "Authentication credentials were not provided."}` (with
 * `X-Content-Type-Options: nosniff`, like every Tessera JSON error). Disabled users and
 * sessions from before a password change are logged out (see `getSessionUser`).
 *
 * @example
 * ```ts
 * app.get('/api/hello/', requireUser(users), (c) => c.json({ message: `Hello ${c.var.user.username}` }))
 * ```
 */
export function requireUser<U extends AuthUser>(
  users: UserProvider<U>,
): MiddlewareHandler<UserEnv<U>> {
  return async function tesseraRequireUser(c, next) {
    const user = await getSessionUser(c.var.session, users)
    if (!user) return unauthenticatedResponse()
    c.set('user', user)
    await next()
  }
}
