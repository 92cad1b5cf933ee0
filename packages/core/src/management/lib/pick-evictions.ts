import type { SessionRecord } from '../../store/session-record.js'

/** Which sessions count as the oldest when a user is over the cap. */
export type EvictionPolicy = 'oldest-created' | 'least-recently-seen'

/**
 * The sessions to delete so that `others` plus the one logging in fit in `cap`: the
 * oldest by `createdAt` (or `lastSeenAt`), ties broken by id so every instance picks the
 * same ones.
 */
export function pickEvictions(
  others: readonly SessionRecord[],
  cap: number,
  policy: EvictionPolicy,
): SessionRecord[] {
  const excess = others.length + 1 - cap
  if (excess <= 0) return []
  const at = policy === 'least-recently-seen' ? 'lastSeenAt' : 'createdAt'
  return [...others]
    .sort((a, b) => a[at] - b[at] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, excess)
}
