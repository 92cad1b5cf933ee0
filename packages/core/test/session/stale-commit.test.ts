import { MemoryStore, SessionManager, type SessionStore } from '@tessera/core'
import { ManualClock } from '@tessera/testing'
import { describe, expect, it } from 'vitest'
import { cookieFrom, harness, request, SECRET, T0 } from '../support/harness.js'

// The store-level races are in the conformance suite (stale-commit-cases), on every
// store; these pin what the core does between its own store calls, and what they cost.

/** A memory store that runs `hooks.beforeDelete` (once) just before its next `delete`. */
function storeWithDeleteHook() {
  const clock = new ManualClock(T0)
  const inner = new MemoryStore({ clock: clock.now })
  const hooks: { beforeDelete: (() => Promise<void>) | null } = { beforeDelete: null }
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'delete')
        return async (id: string) => {
          const hook = hooks.beforeDelete
          hooks.beforeDelete = null
          if (hook) await hook()
          return target.delete(id)
        }
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  }) as SessionStore
  const manager = new SessionManager({ store, secret: SECRET, clock: clock.now })
  return { manager, hooks }
}

describe('a commit that empties the session', () => {
  it('ends it for everyone before deleting it: a write landing in between is refused, not erased', async () => {
    const { manager, hooks } = storeWithDeleteHook()
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('x', 1)))
    const emptying = manager.open({ cookie, secure: false })
    await emptying.delete('x')
    const writer = manager.open({ cookie, secure: false })
    await writer.set('y', 2)
    let during: { setCookie: readonly string[]; keys: string[] } | undefined
    hooks.beforeDelete = async () => {
      // The session has been written without credentials; its delete has not run yet.
      const result = await manager.commit(writer)
      const reader = manager.open({ cookie, secure: false })
      during = { setCookie: result.setCookie, keys: await reader.keys() }
    }
    expect(cookieFrom(await manager.commit(emptying))).toBe('sessionid=')
    // The writer was not told its write was stored (it would be erased a moment later).
    expect(during?.setCookie).toEqual([])
    expect(during?.keys).toEqual([])
  })

  it('costs one compare-and-set write and one delete', async () => {
    const { manager, store } = harness()
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('x', 1)))
    const session = manager.open({ cookie, secure: false })
    await session.delete('x')
    store.calls.length = 0
    await manager.commit(session)
    expect(store.calls).toEqual(['update', 'delete'])
  })
})

describe('a read-only commit', () => {
  it('that needs no renewal or re-issue asks the store nothing', async () => {
    const { manager, store, clock } = harness({ idleTimeout: 3600, renewalInterval: 300 })
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    clock.advance(299_000)
    const session = manager.open({ cookie, secure: false })
    await session.get('a')
    store.calls.length = 0
    expect((await manager.commit(session)).setCookie).toEqual([])
    expect(store.calls).toEqual([])
  })

  it('that renews a session revoked meanwhile touches nothing and sends nothing', async () => {
    const { manager, store, clock } = harness({ idleTimeout: 3600, renewalInterval: 300 })
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    clock.advance(301_000)
    const session = manager.open({ cookie, secure: false })
    await session.get('a')
    await request(manager, cookie, (s) => s.flush())
    store.calls.length = 0
    expect((await manager.commit(session)).setCookie).toEqual([])
    expect(store.calls).toEqual(['touch'])
  })

  it('that renews a session written meanwhile (setExpiry) moves nothing and sends nothing', async () => {
    const { manager, store, clock } = harness({ idleTimeout: 3600, renewalInterval: 300 })
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    clock.advance(301_000)
    const session = manager.open({ cookie, secure: false })
    await session.get('a')
    const written = await request(manager, cookie, (s) => s.setExpiry(60))
    expect(cookieFrom(written)).toBe(cookie) // the write sent the cookie, with 60 s
    store.calls.length = 0
    expect((await manager.commit(session)).setCookie).toEqual([])
    expect(store.calls).toEqual(['touch'])
    // The cookie's value is `<id>.<secret>`.
    const record = await store.get(cookie.split('=')[1]?.split('.')[0] as string)
    expect(record?.meta.idleTimeout).toBe(60)
    expect(record?.idleExpiresAt).toBe(clock.now() + 60_000)
  })

  it('over a store whose touch ignores the version (written before it), still renews', async () => {
    const clock = new ManualClock(T0)
    const inner = new MemoryStore({ clock: clock.now })
    const seen: number[] = []
    const store: SessionStore = {
      get: (id) => inner.get(id),
      create: (record) => inner.create(record),
      update: (record, expectedVersion) => inner.update(record, expectedVersion),
      // The three-argument touch of a third-party store.
      touch: (id: string, lastSeenAt: number, idleExpiresAt: number) => {
        seen.push(idleExpiresAt)
        return inner.touch(id, lastSeenAt, idleExpiresAt)
      },
      delete: (id) => inner.delete(id),
      listByUser: (userId) => inner.listByUser(userId),
      deleteByUser: (userId, exceptId) => inner.deleteByUser(userId, exceptId),
      deleteExpired: () => inner.deleteExpired(),
    }
    const manager = new SessionManager({
      store,
      secret: SECRET,
      clock: clock.now,
      idleTimeout: 3600,
      renewalInterval: 300,
    })
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    clock.advance(301_000)
    const renewed = await request(manager, cookie, async (s) => {
      await s.get('a')
    })
    expect(cookieFrom(renewed)).toBe(cookie)
    expect(seen).toEqual([clock.now() + 3600_000])
  })
})
