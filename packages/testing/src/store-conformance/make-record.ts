import type { SessionRecord } from '@tessera/core'

/**
 * Builds a valid, live {@link SessionRecord} for tests: a fresh random 22-character
 * base64url id (128 bits from `crypto.getRandomValues`), empty data, no user, version 1,
 * 30 minutes of idle time and 1 day of absolute time from `now`. `overrides` win.
 *
 * Guarantees: every call returns a new object with its own id and credential hash,
 * so records from different calls never collide.
 *
 * @example
 * ```ts
 * const record = makeRecord({ userId: 'u1', data: { cart: [1, 2] } }, clock.now())
 * expect(await store.create(record)).toBe(true)
 * ```
 */
export function makeRecord(
  overrides: Partial<SessionRecord> = {},
  now: number = Date.now(),
): SessionRecord {
  return {
    id: randomId(16),
    data: {},
    userId: null,
    authHash: null,
    credentials: { cookie: randomId(32) },
    createdAt: now,
    lastSeenAt: now,
    idleExpiresAt: now + 30 * 60_000,
    absoluteExpiresAt: now + 24 * 60 * 60_000,
    version: 1,
    meta: {},
    ...overrides,
  }
}

function randomId(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes))
  return btoa(String.fromCharCode(...raw))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}
