import type { Session } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { cookieFrom, harness, request } from '../support/harness.js'

// commitNow is commit's synchronous fast path: whenever it answers, it must answer what
// commit would, and it must refuse (undefined) whenever saving needs the store.
describe('SessionManager.commitNow', () => {
  it('answers at once for an untouched session, with no store call', () => {
    const { manager, store } = harness()
    const session = manager.open({ cookie: 'sessionid=whatever', secure: false })
    expect(manager.commitNow(session)).toEqual({ setCookie: [], vary: false, noStore: false })
    expect(store.calls).toEqual([])
  })

  it('answers what commit answers for a loaded session that was only read', async () => {
    const { manager, store } = harness()
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    store.calls.length = 0
    const session = manager.open({ cookie, secure: false })
    expect(await session.get('a')).toBe(1)
    const now = manager.commitNow(session)
    expect(now).toEqual({ setCookie: [], vary: true, noStore: false })
    expect(await manager.commit(session)).toEqual(now)
    expect(store.calls).toEqual(['get'])
  })

  it('keeps noStore when the response shows the existing header token', async () => {
    const { manager } = harness()
    const first = manager.open({ cookie: undefined, secure: false })
    await first.set('a', 1)
    const token = await first.getSessionToken()
    await manager.commit(first)
    const session = manager.open({
      cookie: undefined,
      header: (name) => (name === 'x-session-token' ? token : undefined),
      secure: false,
    })
    expect(await session.getSessionToken()).toBe(token)
    expect(manager.commitNow(session)).toEqual({
      setCookie: [],
      vary: true,
      noStore: true,
      viaHeader: 'x-session-token',
    })
  })

  it.each([
    ['a write', async (s: Session) => s.set('b', 2)],
    ['a flush', async (s: Session) => s.flush()],
    ['a key rotation', async (s: Session) => s.cycleKey()],
  ])('refuses after %s: saving needs the store', async (_, use) => {
    const { manager } = harness()
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    const session = manager.open({ cookie, secure: false })
    await use(session)
    expect(manager.commitNow(session)).toBeUndefined()
  })

  it('refuses while the load is still in flight', async () => {
    const { manager } = harness()
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    const session = manager.open({ cookie, secure: false })
    const reading = session.get('a')
    expect(manager.commitNow(session)).toBeUndefined()
    await reading
    expect(manager.commitNow(session)).toBeDefined()
  })

  it('refuses an anonymous session that was read (commit may clear a stale cookie)', async () => {
    const { manager } = harness()
    const session = manager.open({ cookie: 'sessionid=forged.value', secure: false })
    await session.get('a')
    expect(manager.commitNow(session)).toBeUndefined()
    expect((await manager.commit(session)).setCookie[0]).toMatch(/^sessionid=; Max-Age=0/)
  })

  it('refuses once the sliding renewal is due, so commit can touch the session', async () => {
    const { manager, clock, store } = harness({ idleTimeout: 3600, renewalInterval: 300 })
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    clock.advance(299_000)
    const early = manager.open({ cookie, secure: false })
    await early.get('a')
    expect(manager.commitNow(early)).toBeDefined()
    clock.advance(2_000)
    const due = manager.open({ cookie, secure: false })
    await due.get('a')
    expect(manager.commitNow(due)).toBeUndefined()
    store.calls.length = 0
    expect((await manager.commit(due)).setCookie).toHaveLength(1)
    // The touch, then the check that the session still holds the cookie it sends.
    expect(store.calls).toEqual(['touch', 'get'])
  })
})
