import {
  type AuthUser,
  requestUser,
  type UserProvider,
  unauthenticatedResponse,
} from '@tessera/core'
import type { SessionContext } from './with-session.js'

/**
 * The logged-in user, or a ready `401` answer to return as is. The session may have
 * come from the cookie or the `X-Session-Token` header (DRF's `SessionAuthentication`
 * and django-session-token's `SessionTokenAuthentication` in one). Others get
 * `401 {"detail": "Authentication credentials were not provided."}` with
 * `WWW-Authenticate: Session` and `X-Content-Type-Options: nosniff`. Disabled users and sessions from before a password change
 * are logged out (see `getSessionUser`). Looked up once per request however many guards
 * ask (`requestUser`); for a whole group of routes, see `withUser`.
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
export async function requireUser<U extends AuthUser>(
  context: SessionContext,
  users: UserProvider<U>,
): Promise<U | Response> {
  const user = await requestUser(context.session, users)
  return user ?? unauthenticatedResponse()
}
