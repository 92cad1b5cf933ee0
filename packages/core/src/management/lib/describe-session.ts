import { verifySessionAuthHash } from '../../auth/session-auth-hash.js'
import type { AuthUser } from '../../auth/user-provider.js'
import type { Keyring } from '../../keys/keyring.js'
import { expiresAt, type SessionRecord } from '../../store/session-record.js'
import type { ListedSession } from '../listed-session.js'
import { parseUserAgent } from '../parse-user-agent.js'
import { publicSessionId } from '../public-session-id.js'

/** The row a "your sessions" screen shows for `record`. */
export async function describeSession(
  keys: Keyring,
  record: SessionRecord,
  current: boolean,
): Promise<ListedSession> {
  const userAgent = typeof record.meta.userAgent === 'string' ? record.meta.userAgent : null
  return {
    id: await publicSessionId(keys, record.id),
    current,
    ...parseUserAgent(userAgent),
    userAgent,
    ip: typeof record.meta.ip === 'string' ? record.meta.ip : null,
    createdAt: record.createdAt,
    lastSeenAt: record.lastSeenAt,
    expiresAt: expiresAt(record),
  }
}

/**
 * The records that still authenticate `user`: their session auth hash matches the
 * user's current password hash (the others end at their next request anyway).
 */
export async function liveSessions(
  keys: Keyring,
  user: AuthUser,
  records: readonly SessionRecord[],
): Promise<SessionRecord[]> {
  const live: SessionRecord[] = []
  for (const r of records) {
    if (r.authHash !== null && (await verifySessionAuthHash(keys, user.passwordHash, r.authHash)))
      live.push(r)
  }
  return live
}
