import type { Session } from '../session/session.js'
import { sessionClock } from './lib/session-internals.js'

/**
 * Session key holding when the user last proved who they are (login, password
 * re-entry, password change), in milliseconds since the epoch — kept on the server with
 * the rest of the session, so a client cannot make its login look recent. Do not write
 * it yourself; read it with {@link authenticatedAt}.
 *
 * @example
 * ```ts
 * const recorded = await session.has(AUTH_TIME_KEY)
 * ```
 */
export const AUTH_TIME_KEY = '_auth_at'

/**
 * When the user of `session` last authenticated (login or password re-entry), in
 * milliseconds since the epoch, or `null` for anonymous sessions and sessions logged in
 * before this was recorded.
 *
 * @example
 * ```ts
 * const at = await authenticatedAt(c.var.session)
 * const minutesAgo = at === null ? null : (Date.now() - at) / 60_000
 * ```
 */
export async function authenticatedAt(session: Session): Promise<number | null> {
  if ((await session.getUserId()) === null) return null
  const at = await session.get(AUTH_TIME_KEY)
  return typeof at === 'number' && Number.isFinite(at) ? at : null
}

/** Records "the user authenticated now" on `session` (internal: login and re-authentication). */
export async function recordAuthTime(session: Session): Promise<void> {
  await session.set(AUTH_TIME_KEY, sessionClock(session))
}
