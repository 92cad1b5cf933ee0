import { requestUser } from '../auth/request-user.js'
import type { AuthUser, UserProvider } from '../auth/user-provider.js'
import { unauthenticatedResponse } from '../http/unauthenticated-response.js'
import type { Session } from '../session/session.js'

/**
 * The logged-in user of the request whose session this is (looked up once per request,
 * `requestUser`), or the `401` to answer instead: what every adapter's `requireUser`
 * route guard asks.
 *
 * @example
 * ```ts
 * const user = await userOrRefusal(c.var.session, users)
 * if (user instanceof Response) return user
 * ```
 */
export async function userOrRefusal<U extends AuthUser>(
  session: Session,
  users: UserProvider<U>,
): Promise<U | Response> {
  return (await requestUser(session, users)) ?? unauthenticatedResponse()
}
