import {
  type AuthUser,
  type PasswordHasher,
  SessionManagement,
  SessionManager,
  type SessionRecord,
  type SessionStore,
} from '@tessera/core'
import { expect } from 'vitest'

const SECRET = 'login-burst-secret-login-burst-secret-01'

/**
 * 100 concurrent logins of one user, each a request of its own (open, `login`, commit),
 * spread over four app instances, with `maxSessionsPerUser: 10`: afterwards the user has exactly 10 sessions in the
 * store, and they are the 10 newest of the burst (login time, then id). `store` is
 * used as given; only its `create` is watched, to know every session the burst made.
 */
export async function loginBurst(store: SessionStore, userId: string): Promise<void> {
  const user: AuthUser = { id: userId, username: `burst-${userId}`, passwordHash: 'plain$pw' }
  const hasher: PasswordHasher = {
    hash: async (p) => `plain$${p}`,
    verify: async (p, e) => ({ valid: e === `plain$${p}`, needsRehash: false }),
  }
  const users = {
    findByUsername: async () => ({ ...user }),
    findById: async (id: string) => (id === userId ? { ...user } : null),
    replacePasswordHash: async () => true,
  }
  const created: SessionRecord[] = []
  const watched: SessionStore = {
    get: (id) => store.get(id),
    create: async (r) => {
      const ok = await store.create(r)
      if (ok) created.push(structuredClone(r))
      return ok
    },
    update: (r, v) => store.update(r, v),
    touch: (id, seen, idle, version) => store.touch(id, seen, idle, version),
    delete: (id) => store.delete(id),
    listByUser: (u) => store.listByUser(u),
    deleteByUser: (u, e) => store.deleteByUser(u, e),
    deleteExpired: () => store.deleteExpired(),
  }
  // Every reading of the clock is a new millisecond, so the logins of the burst have
  // distinct login times and "the newest 10" is one answer.
  let now = Date.now()
  const clock = () => ++now
  // Four app instances on the one store, the logins dealt out in turn: the cap must hold
  // across instances, not only within one.
  const instances = Array.from({ length: 4 }, () => ({
    manager: new SessionManager({ store: watched, secret: SECRET, clock }),
    management: new SessionManagement({
      store: watched,
      users,
      hasher,
      clock,
      maxSessionsPerUser: 10,
    }),
  }))
  await Promise.all(
    Array.from({ length: 100 }, async (_, i) => {
      const { manager, management } = instances[i % instances.length] as (typeof instances)[0]
      const session = manager.open({ cookie: undefined, secure: false })
      await management.login(session, user)
      await manager.commit(session)
    }),
  )

  expect(created).toHaveLength(100)
  const loginTime = (r: SessionRecord) => r.authenticatedAt as number
  const newest = created
    .sort((a, b) => loginTime(b) - loginTime(a) || (a.id < b.id ? 1 : -1))
    .slice(0, 10)
    .map((r) => r.id)
  const left = (await store.listByUser(userId)).map((r) => r.id)
  expect(left.sort()).toEqual(newest.sort())
}
