import type { Session } from '../session/session.js'
import { keysOf } from '../session/session-state.js'
import { checkSessionUser } from './session-user-check.js'
import type { AuthUser, UserProvider } from './user-provider.js'

/**
 * The user logged in on `session`, or `null` — Django's `get_user()`. The session is
 * flushed (logged out) when its user no longer exists, was disabled, or changed their
 * password since this session logged in (the session auth hash no longer matches).
 *
 * @example
 * ```ts
 * const user = await getSessionUser(c.var.session, users)
 * if (!user) return c.json({ detail: 'Authentication credentials were not provided.' }, 401)
 * ```
 */
export async function getSessionUser<U extends AuthUser>(
  session: Session,
  users: UserProvider<U>,
): Promise<U | null> {
  const userId = await session.getUserId()
  if (userId === null) return null
  const user = await checkSessionUser(keysOf(session), users, userId, await session.getAuthHash())
  if (user) return user
  await session.flush()
  return null
}
