import { readInternals, writeInternals } from '../session/internal-fields.js'
import type { Session } from '../session/session.js'
import { operationsOf } from '../session/session-operations.js'
import type { LEGACY_KEYS } from '../store/upgrade-record.js'

/**
 * The reserved session key where earlier versions kept the login time inside the
 * session data. The time is now a field of the session record (`authenticatedAt`, on
 * the server, so a client cannot make its login look recent), which `session.keys()`
 * never shows and `session.clear()` keeps; records that still have this key load with
 * it moved there, and `session.set()` refuses the key. Read it with {@link authenticatedAt}.
 *
 * @example
 * ```ts
 * await session.has(AUTH_TIME_KEY) // always false: the login time is not session data
 * ```
 */
export const AUTH_TIME_KEY = '_auth_at' satisfies keyof typeof LEGACY_KEYS

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
  const at = (await readInternals(session)).authenticatedAt
  return typeof at === 'number' && Number.isFinite(at) ? at : null
}

/** Records "the user authenticated now" on `session` (internal: login and re-authentication). */
export async function recordAuthTime(session: Session): Promise<void> {
  await writeInternals(session, { authenticatedAt: operationsOf(session).now() })
}
