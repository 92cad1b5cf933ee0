import { rotateCsrfToken } from '../csrf/csrf-session.js'
import type { Session } from '../session/session.js'
import { keysOf } from '../session/session-state.js'
import { recordAuthTime } from './auth-time.js'
import { sessionAuthHash } from './session-auth-hash.js'
import { setJwtClaims } from './set-jwt-claims.js'
import type { AuthUser } from './user-provider.js'

/**
 * Logs `user` in on `session`, as Django's `login()`: the session credential is
 * rotated so any credential known before login (fixation) dies; if the session belonged
 * to another user it is flushed instead, so nothing of theirs carries over; the user and
 * the session auth hash are recorded; in the `jwt` format the user's configured
 * `jwt.fields` are copied into the session for its JWTs ({@link setJwtClaims}); the CSRF
 * token is rotated, so a token obtained before login is refused after it. The time of
 * login is recorded in the session (on the server), for actions that demand a recent
 * login (`SessionManagement.isFresh`).
 *
 * @example
 * ```ts
 * const user = await authenticate({ users, hasher }, body.username, body.password)
 * if (!user) return c.json({ detail: 'Invalid username or password.' }, 401)
 * await login(c.var.session, user)
 * ```
 */
export async function login(session: Session, user: AuthUser): Promise<void> {
  const current = await session.getUserId()
  if (current !== null && current !== user.id) await session.flush()
  else await session.cycleKey()
  await session.setUser(user.id, await sessionAuthHash(keysOf(session), user.passwordHash))
  await setJwtClaims(session, user)
  await recordAuthTime(session)
  await rotateCsrfToken(session)
}
