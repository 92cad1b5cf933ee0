import type { SessionRecord } from '../../store/session-record.js'
import { upgradeRecord } from '../../store/upgrade-record.js'

/** Which sessions count as the oldest when a user is over the cap. */
export type EvictionPolicy = 'oldest-created' | 'least-recently-seen'

/**
 * The sessions to delete so that the user's `live` sessions (the one logging in
 * included) fit in `cap`: all but the newest `cap` in one total order, so that every
 * login of a burst, on any instance, keeps the same ones. "Newest" is by login time
 * (the session's recorded authentication time, else its `createdAt`), or by
 * `lastSeenAt` for `least-recently-seen`; ties broken by id.
 */
export function pickEvictions(
  live: readonly SessionRecord[],
  cap: number,
  policy: EvictionPolicy,
): SessionRecord[] {
  if (live.length <= cap) return []
  const at = policy === 'least-recently-seen' ? lastSeen : loggedIn
  return [...live]
    .sort((a, b) => at(b) - at(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(cap)
}

const lastSeen = (r: SessionRecord) => r.lastSeenAt

// The login time, not createdAt: a session that existed before its login (a cart, an
// anonymous CSRF secret) is as new as its login, so it does not evict itself.
function loggedIn(r: SessionRecord): number {
  // A record written before the login time had a field of its own has it in its data.
  const at = upgradeRecord(r).authenticatedAt
  return typeof at === 'number' && Number.isFinite(at) ? at : r.createdAt
}
