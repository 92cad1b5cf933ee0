import type { AuthUser, UserProvider } from '@tessera/core'
import { userOrRefusal } from '@tessera/core/adapter'
import type { MiddlewareHandler } from 'hono'
import type { SessionEnv } from './session-middleware.js'

/** Hono environment after {@link requireUser} (or `session()`'s `loginRequired`): `c.var.user`. */
export type UserEnv<U extends AuthUser = AuthUser> = {
  Variables: SessionEnv['Variables'] & { user: U }
}

/**
 * Lets one route through only for a logged-in user, whichever way the session arrived
 * (the cookie or the `X-Session-Token` header); the user is on `c.var.user`, looked up
 * once per request however many guards ask. Others get the core's `401` JSON. For a
 * whole group, use `session()`'s `loginRequired` option.
 *
 * @example
 * ```ts
 * app.get('/me', requireUser(users), (c) => c.json({ username: c.var.user.username }))
 * ```
 */
export function requireUser<U extends AuthUser>(
  users: UserProvider<U>,
): MiddlewareHandler<UserEnv<U>> {
  return async function tesseraRequireUser(c, next) {
    const user = await userOrRefusal(c.var.session, users)
    if (user instanceof Response) return user
    c.set('user', user)
    await next()
  }
}
