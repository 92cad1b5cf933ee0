import type { AuthUser, UserProvider } from '@tessera/core'
import { userOrRefusal } from '@tessera/core/adapter'
import type { SessionContext } from './with-session.js'

/**
 * The logged-in user, or a ready `401` answer to return as is, whichever way the session
 * arrived (the cookie or the `X-Session-Token` header); looked up once per request
 * however many guards ask. For a whole group of routes, use `withSession`'s
 * `loginRequired` option.
 *
 * @example
 * ```ts
 * export const GET = withSession(sessions, async (request, context) => {
 *   const user = await requireUser(context, users)
 *   if (user instanceof Response) return user
 *   return Response.json({ message: `Hello ${user.username}` })
 * })
 * ```
 */
export function requireUser<U extends AuthUser>(
  context: Pick<SessionContext, 'session'>,
  users: UserProvider<U>,
): Promise<U | Response> {
  return userOrRefusal(context.session, users)
}
