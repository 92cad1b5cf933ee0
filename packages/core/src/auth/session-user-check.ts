import type { Keyring } from '../keys/keyring.js'
import { verifySessionAuthHash } from './session-auth-hash.js'
import type { AuthUser, UserProvider } from './user-provider.js'

/**
 * The user a session's `userId` and auth hash stand for, when the app still accepts
 * them; else `null`. Django's `get_user()` with `verify_session_auth_hash`: the user
 * exists, is not disabled (`isActive !== false`), and `authHash` was derived from their
 * current password hash (a password changed since this session logged in ends it). One
 * `findById` call; nothing is written. Internal to the core: `getSessionUser`,
 * introspection and the session JWT re-issue all ask this one question.
 */
export async function checkSessionUser<U extends AuthUser>(
  keys: Keyring,
  users: UserProvider<U>,
  userId: string,
  authHash: string | null,
): Promise<U | null> {
  const user = await users.findById(userId)
  if (user === null || user.isActive === false || authHash === null) return null
  return (await verifySessionAuthHash(keys, user.passwordHash, authHash)) ? user : null
}
