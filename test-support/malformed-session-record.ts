import {
  type AuthUser,
  login,
  SessionManagement,
  SessionManager,
  type SessionStore,
  StoreError,
} from '@tessera/core'
import { expect } from 'vitest'
import type { RawRecordAccess } from './legacy-session-record.js'

const SECRET = 'malformed-record-test-secret-malformed-rec'
const ADA: AuthUser = { id: 'u1', username: 'ada', passwordHash: 'plain$ada-pw' }

/**
 * Records someone with write access to the store could plant: valid JSON, but not the
 * shape Tessera writes. Each is kept live and keeps its credentials where it can, so the
 * victim's own cookie still finds it.
 */
const MALFORMED: Record<string, (record: Record<string, unknown>) => unknown> = {
  'data is null': (r) => ({ ...r, data: null }),
  'credentials is null': (r) => ({ ...r, credentials: null }),
  'the record is an array': () => [],
  'absoluteExpiresAt is a string': (r) => ({ ...r, absoluteExpiresAt: 'soon' }),
}

/**
 * Plants each {@link MALFORMED} record in `store` through its raw storage, then checks
 * that the session's own cookie reads it as a store failure (`StoreError`,
 * `STORE_UNAVAILABLE`: a 503 at every adapter, as unreadable JSON is), never a
 * `TypeError` or a cookie error (a 500), and that listing the user's sessions from
 * another of them fails the same way (or leaves it out). Ends every session it made.
 */
export async function checkMalformedRecordsRefused(
  store: SessionStore,
  raw: RawRecordAccess,
): Promise<void> {
  const manager = new SessionManager({ store, secret: SECRET })
  const management = new SessionManagement({
    store,
    users: {
      findByUsername: async () => ADA,
      findById: async () => ADA,
      replacePasswordHash: async () => true,
    },
    hasher: { hash: async (p) => p, verify: async () => ({ valid: false, needsRehash: false }) },
  })
  const loggedIn = async (): Promise<string> => {
    const session = manager.open({ cookie: null, secure: true })
    await login(session, ADA)
    await session.set('cart', ['apple'])
    const set = (await manager.commit(session)).setCookie.find((c) => c.startsWith('sessionid='))
    return (set as string).split(';')[0] as string
  }
  const other = await loggedIn()
  for (const [name, plant] of Object.entries(MALFORMED)) {
    const cookie = await loggedIn()
    const id = cookie.slice('sessionid='.length).split('.')[0] as string
    await raw.write(id, JSON.stringify(plant(JSON.parse(await raw.read(id)))))

    const session = manager.open({ cookie, secure: true })
    const read = await session
      .get('cart')
      .then(async (value) => {
        // Read as anonymous is fine too, if saving then does not fail another way.
        await session.set('cart', ['pear'])
        await manager.commit(session)
        return value
      })
      .catch((e: unknown) => e)
    if (read !== undefined) {
      expect(read, `${name}: read`).toBeInstanceOf(StoreError)
      expect((read as StoreError).code, `${name}: read`).toBe('STORE_UNAVAILABLE')
    }
    const listed = await management
      .list(manager.open({ cookie: other, secure: true }))
      .catch((e: unknown) => e)
    // A store that checks the owner itself may leave the record out instead.
    if (!Array.isArray(listed)) {
      expect(listed, `${name}: list`).toBeInstanceOf(StoreError)
      expect((listed as StoreError).code, `${name}: list`).toBe('STORE_UNAVAILABLE')
    }
    await store.delete(id)
  }
  await store.deleteByUser(ADA.id)
}
