import type { SessionRecord } from '@tessera/core'
import { makeRecord } from '@tessera/testing'

/** The app secret the tests' "app" uses; the CLI gets it through TESSERA_SECRET. */
export const SECRET = 'cli-test-secret-cli-test-secret-0123456789'

/** An hour ago, by the real clock: when the expired sessions were created. */
export const AN_HOUR_AGO = Date.now() - 60 * 60_000

/**
 * `n` sessions created an hour ago with one second of idle time: expired for 59
 * minutes by any clock that reads the real time, as the CLI's does. Every 4th is
 * anonymous, the others spread over `users` user ids.
 */
export function* expiredRecords(n: number, users = 100): Generator<SessionRecord> {
  for (let i = 0; i < n; i++) {
    yield makeRecord(
      {
        userId: i % 4 === 0 ? null : `user-${i % users}`,
        idleExpiresAt: AN_HOUR_AGO + 1000,
        data: { n: i },
      },
      AN_HOUR_AGO,
    )
  }
}

/** A session that lives for another day, with device metadata, created `ago` ms ago. */
export function liveRecord(
  userId: string | null,
  meta: SessionRecord['meta'] = {},
  ago = 60_000,
): SessionRecord {
  const now = Date.now()
  return makeRecord(
    {
      userId,
      createdAt: now - ago,
      lastSeenAt: now - ago / 2,
      idleExpiresAt: now + 24 * 60 * 60_000,
      absoluteExpiresAt: now + 2 * 24 * 60 * 60_000,
      meta,
    },
    now - ago,
  )
}
