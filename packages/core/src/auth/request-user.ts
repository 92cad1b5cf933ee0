import { requestSlot, setRequestSlot } from '../session/request-slot.js'
import type { Session } from '../session/session.js'
import { getSessionUser } from './get-session-user.js'
import type { AuthUser, UserProvider } from './user-provider.js'

/** The user resolved for one session, and for which user id. */
interface Resolved {
  readonly userId: string | null
  readonly user: Promise<AuthUser | null>
}

// Kept beside the request's session, so the memo dies with the request.
const RESOLVED = Symbol('tessera.requestUser')

/**
 * The logged-in user of the request whose session this is — {@link getSessionUser},
 * resolved once per request: a group guard, a route guard and the handler all asking
 * cost one `users.findById`, like Django's lazy `request.user`. A login or logout in the
 * same request (the session's user id changed) resolves again. Every adapter's
 * `requireUser` reads it.
 *
 * @example
 * ```ts
 * const user = await requestUser(c.var.session, users) // the same object for the whole request
 * ```
 */
export async function requestUser<U extends AuthUser>(
  session: Session,
  users: UserProvider<U>,
): Promise<U | null> {
  const userId = await session.getUserId()
  if (userId === null) return null
  const known = requestSlot<Resolved>(session, RESOLVED)
  if (known && known.userId === userId) return (await known.user) as U | null
  const user = getSessionUser(session, users)
  setRequestSlot(session, RESOLVED, { userId, user })
  return user
}
