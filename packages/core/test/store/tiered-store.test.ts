import {
  ConfigError,
  MemoryStore,
  SessionManager,
  type SessionRecord,
  type SessionStore,
  TieredStore,
  type TieredStoreOptions,
} from '@tessera/core'
import { describeSessionStore, ManualClock, makeRecord } from '@tessera/testing'
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { answerNow } from '../../../../test-support/answer-now.js'
import { cookieFrom, request, SECRET } from '../support/harness.js'

describeSessionStore('tiered (memory over memory)', () => {
  const clock = new ManualClock()
  const store = new TieredStore({
    cache: new MemoryStore({ clock: clock.now }),
    primary: new MemoryStore({ clock: clock.now }),
  })
  return { store, clock }
})

/** The eight required methods of `SessionStore`, without `scan` and `countExpired`. */
type RequiredOnly = Omit<SessionStore, 'scan' | 'countExpired' | 'close'>

/**
 * A memory store as a third-party store without the optional operator methods would be:
 * the eight required methods of a real `MemoryStore`, nothing more.
 */
function requiredOnly(store: MemoryStore): RequiredOnly {
  return {
    get: (id) => store.get(id),
    create: (record) => store.create(record),
    update: (record, expectedVersion) => store.update(record, expectedVersion),
    touch: (id, lastSeenAt, idleExpiresAt, expectedVersion) =>
      store.touch(id, lastSeenAt, idleExpiresAt, expectedVersion),
    delete: (id) => store.delete(id),
    listByUser: (userId) => store.listByUser(userId),
    deleteByUser: (userId, exceptId) => store.deleteByUser(userId, exceptId),
    deleteExpired: (options) => store.deleteExpired(options),
  }
}

// The scan cases of this registration skip ("this store has no scan()"): the tiered
// store has no scan or countExpired because its primary has none.
describeSessionStore('tiered (memory over a primary without scan or countExpired)', () => {
  const clock = new ManualClock()
  const store = new TieredStore({
    cache: new MemoryStore({ clock: clock.now }),
    primary: requiredOnly(new MemoryStore({ clock: clock.now })),
  })
  return { store, clock }
})

describe("tiered store: the optional methods are the primary's", () => {
  it('has scan and countExpired exactly when the primary has them', async () => {
    const cache = new MemoryStore()
    const full = new TieredStore({ cache, primary: new MemoryStore() })
    expect(typeof full.scan).toBe('function')
    expect(typeof full.countExpired).toBe('function')
    expect(await full.countExpired()).toBe(0)

    const bare = new TieredStore({ cache, primary: requiredOnly(new MemoryStore()) })
    expect('scan' in bare).toBe(false)
    expect('countExpired' in bare).toBe(false)

    // A primary with scan alone, as a Redis store is (keys expire natively).
    const memory = new MemoryStore()
    const scanOnly = new TieredStore({
      cache,
      primary: { ...requiredOnly(memory), scan: memory.scan.bind(memory) },
    })
    expect(typeof scanOnly.scan).toBe('function')
    expect('countExpired' in scanOnly).toBe(false)
    const record = makeRecord({}, Date.now())
    await scanOnly.create(record)
    const pages: SessionRecord[][] = []
    for await (const page of scanOnly.scan()) pages.push(page)
    expect(pages).toEqual([[record]])
  })

  it('is typed after the primary', () => {
    const cache = new MemoryStore()
    expectTypeOf(new TieredStore({ cache, primary: new MemoryStore() })).toHaveProperty('scan')
    expectTypeOf(new TieredStore({ cache, primary: new MemoryStore() }).countExpired).toEqualTypeOf<
      () => Promise<number>
    >()
    expectTypeOf(
      new TieredStore({ cache, primary: requiredOnly(new MemoryStore()) }),
    ).not.toHaveProperty('scan')
    expectTypeOf(
      new TieredStore({ cache, primary: requiredOnly(new MemoryStore()) }),
    ).not.toHaveProperty('countExpired')
    // Over any SessionStore they are optional, as on the interface.
    expectTypeOf(
      new TieredStore({ cache, primary: new MemoryStore() as SessionStore }).scan,
    ).toEqualTypeOf<SessionStore['scan']>()
    expectTypeOf(
      new TieredStore({ cache, primary: new MemoryStore() }),
    ).toMatchTypeOf<SessionStore>()
  })
})

/** Two app instances: two TieredStores over the same cache and primary objects. */
function setup() {
  const clock = new ManualClock()
  const cache = new MemoryStore({ clock: clock.now })
  const primary = new MemoryStore({ clock: clock.now })
  return {
    clock,
    cache,
    primary,
    one: new TieredStore({ cache, primary }),
    two: new TieredStore({ cache, primary }),
    make: (overrides: Partial<SessionRecord> = {}) => makeRecord(overrides, clock.now()),
  }
}

const boom = (): Promise<never> => Promise.reject(new Error('cache down'))

describe("tiered store: the manager's reads go through the cache's", () => {
  it('getNow answers a cache copy and nothing else; getShared falls back to the primary', async () => {
    const { cache, primary, one, make } = setup()
    const record = make({ userId: 'alice' })
    await primary.create(record) // in the primary only
    expect(answerNow(one, record.id)).toBeUndefined() // a miss: only the primary may say "gone"
    expect(answerNow(one, make().id)).toBeUndefined()
    const read = vi.spyOn(primary, 'get')
    expect(await one.getShared(record.id)).toEqual(record) // copied into the cache
    expect(read).toHaveBeenCalledTimes(2) // read, copied, checked again, as get does
    expect(await cache.get(record.id)).toEqual(record)
    read.mockClear()
    const now = answerNow(one, record.id)
    expect(now).toEqual(record)
    expect(Object.isFrozen(now)).toBe(true) // MemoryStore's shared copy
    expect(await one.getShared(record.id)).toEqual(record)
    expect(read).not.toHaveBeenCalled()
    await one.delete(record.id)
    expect(answerNow(one, record.id)).toBeUndefined()
    expect(await one.getShared(record.id)).toBeNull()
  })

  it('a cache without getNow or getShared, or whose get was replaced, is read through its get', async () => {
    const memory = new MemoryStore()
    const primary = new MemoryStore()
    const plain = new TieredStore({ cache: requiredOnly(memory), primary })
    const record = makeRecord({ userId: 'bob' }, Date.now())
    await plain.create(record)
    // Its cache cannot answer without waiting: no getNow, so the manager does not batch.
    expect(plain.getNow).toBeUndefined()
    expect(await plain.getShared(record.id)).toEqual(record)

    const cache = new MemoryStore()
    const wrapped = new TieredStore({ cache, primary })
    await wrapped.get(record.id) // copied into this cache
    const get = vi.fn(() => Promise.resolve(null))
    cache.get = get // a test double: the cache's getNow no longer reads what get reads
    expect(answerNow(wrapped, record.id)).toBeUndefined()
    expect(await wrapped.getShared(record.id)).toEqual(record) // from the primary
    expect(get).toHaveBeenCalledTimes(1) // by getShared; getNow answered without it
  })
})

describe('tiered store: which of its reads the manager uses', () => {
  it('over a cache with getNow, a subclass that overrides get alone is read through that get', async () => {
    let gets = 0
    // TieredStore's constructor is typed generic; extended here as the class it is.
    const Base = TieredStore as unknown as new (options: TieredStoreOptions) => SessionStore
    class Logged extends Base {
      override async get(id: string) {
        gets++
        return super.get(id)
      }
    }
    const store = new Logged({ cache: new MemoryStore(), primary: new MemoryStore() })
    expect(store.getNow).toBeTypeOf('function')
    const manager = new SessionManager({ store, secret: SECRET })
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    await request(manager, cookie, async (s) => {
      expect(await s.get('a')).toBe(1)
    })
    expect(gets).toBe(1)
  })

  it('over a cache without getNow, none: its loads are not held for the end of the turn', async () => {
    const cache = requiredOnly(new MemoryStore())
    const store = new TieredStore({ cache, primary: new MemoryStore() })
    expect(store.getNow).toBeUndefined()
    const manager = new SessionManager({ store, secret: SECRET })
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    const read = vi.spyOn(cache, 'get')
    const session = manager.open({ cookie, secure: false })
    const value = session.get('a')
    expect(read).toHaveBeenCalledTimes(1) // at once, not in an immediate at the turn's end
    expect(await value).toBe(1)
  })
})

describe('tiered store: revocation across instances', () => {
  it('a delete through one instance is seen at once by the other', async () => {
    const { cache, one, two, make } = setup()
    const record = make({ userId: 'alice' })
    expect(await one.create(record)).toBe(true)
    expect(await cache.get(record.id)).toEqual(record)
    expect(await two.get(record.id)).toEqual(record)
    await two.delete(record.id)
    expect(await one.get(record.id)).toBeNull()
    expect(await cache.get(record.id)).toBeNull()
  })

  it('deleteByUser through one instance clears the copies the other reads', async () => {
    const { cache, primary, one, two, make } = setup()
    const keep = make({ userId: 'alice' })
    const a = make({ userId: 'alice' })
    const b = make({ userId: 'alice' })
    for (const r of [keep, a, b]) await one.create(r)
    for (const r of [keep, a, b]) expect(await two.get(r.id)).toEqual(r)
    expect(await one.deleteByUser('alice', keep.id)).toBe(2)
    expect(await two.get(a.id)).toBeNull()
    expect(await two.get(b.id)).toBeNull()
    expect(await two.get(keep.id)).toEqual(keep)
    expect(await cache.get(a.id)).toBeNull()
    expect(await primary.listByUser('alice')).toEqual([keep])
  })

  it('a revocation between the primary read and the cache populate never resurrects', async () => {
    const { cache, primary, one, two, make } = setup()
    const record = make({ userId: 'alice' })
    await primary.create(record) // in the primary, not in the cache: the next read populates
    const create = cache.create.bind(cache)
    // The revocation runs after `one` read the primary and before its copy lands.
    const spy = vi.spyOn(cache, 'create').mockImplementationOnce(async (r) => {
      await two.delete(r.id)
      return create(r)
    })
    const seen = await one.get(record.id)
    expect(spy).toHaveBeenCalledTimes(1)
    expect(seen).toBeNull()
    expect(await cache.get(record.id)).toBeNull()
    expect(await one.get(record.id)).toBeNull()
    expect(await two.get(record.id)).toBeNull()
  })

  it('the same race with deleteByUser (revoke all) never resurrects', async () => {
    const { cache, primary, one, two, make } = setup()
    const record = make({ userId: 'alice' })
    await primary.create(record)
    const create = cache.create.bind(cache)
    vi.spyOn(cache, 'create').mockImplementationOnce(async (r) => {
      expect(await two.deleteByUser('alice')).toBe(1)
      return create(r)
    })
    expect(await one.get(record.id)).toBeNull()
    expect(await cache.get(record.id)).toBeNull()
  })

  it('an update between the primary read and the populate leaves no stale copy', async () => {
    const { cache, primary, one, two, make } = setup()
    const record = make({ data: { n: 1 } })
    await primary.create(record)
    const next = { ...record, data: { n: 2 }, version: 2 }
    const create = cache.create.bind(cache)
    vi.spyOn(cache, 'create').mockImplementationOnce(async (r) => {
      expect(await two.update(next, 1)).toBe('ok')
      return create(r)
    })
    expect(await one.get(record.id)).toEqual(next)
    expect(await cache.get(record.id)).toBeNull()
    expect(await two.get(record.id)).toEqual(next)
    expect(await cache.get(record.id)).toEqual(next)
  })
})

describe('tiered store: a revocation between the primary write and the cache write', () => {
  it('a session created while its user is revoked (logout everywhere) is not served from the cache', async () => {
    const { cache, primary, one, two, make } = setup()
    const record = make({ userId: 'alice' })
    const create = cache.create.bind(cache)
    // The login's session reached the primary; "log out everywhere" runs whole before its
    // copy reaches the cache.
    vi.spyOn(cache, 'create').mockImplementationOnce(async (r) => {
      expect(await two.deleteByUser('alice')).toBe(1)
      return create(r)
    })
    expect(await one.create(record)).toBe(true)
    expect(await primary.get(record.id)).toBeNull()
    expect(await one.get(record.id)).toBeNull()
    expect(await cache.get(record.id)).toBeNull()
  })

  it('a session the cap evicts while its copy is being written is not served from the cache', async () => {
    const { cache, primary, one, two, make } = setup()
    const record = make({ userId: 'alice' })
    const create = cache.create.bind(cache)
    vi.spyOn(cache, 'create').mockImplementationOnce(async (r) => {
      await two.delete(r.id)
      return create(r)
    })
    expect(await one.create(record)).toBe(true)
    expect(await primary.get(record.id)).toBeNull()
    expect(await one.get(record.id)).toBeNull()
  })

  it('an anonymous session logged in while its user is revoked is not served from the cache', async () => {
    const { cache, primary, one, two, make } = setup()
    const anonymous = make()
    expect(await one.create(anonymous)).toBe(true)
    const loggedIn = { ...anonymous, userId: 'alice', version: 2 }
    // "Log out everywhere" lists alice's sessions before the login reaches the primary,
    // and deletes them after; the login's cache write comes last.
    let cacheWrite!: () => void
    const cacheMayWrite = new Promise<void>((resolve) => {
      cacheWrite = resolve
    })
    const update = cache.update.bind(cache)
    vi.spyOn(cache, 'update').mockImplementationOnce(async (r, expected) => {
      await cacheMayWrite
      return update(r, expected)
    })
    const primaryUpdate = primary.update.bind(primary)
    let loggedInPrimary!: () => void
    const primaryWritten = new Promise<void>((resolve) => {
      loggedInPrimary = resolve
    })
    vi.spyOn(primary, 'update').mockImplementationOnce(async (r, expected) => {
      const result = await primaryUpdate(r, expected)
      loggedInPrimary()
      return result
    })
    const list = primary.listByUser.bind(primary)
    let login: Promise<unknown> | undefined
    vi.spyOn(primary, 'listByUser').mockImplementationOnce(async (userId) => {
      const listed = await list(userId)
      login = one.update(loggedIn, 1)
      await primaryWritten
      return listed
    })
    expect(await two.deleteByUser('alice')).toBe(1)
    cacheWrite()
    expect(await login).toBe('ok')
    expect(await primary.get(anonymous.id)).toBeNull()
    expect(await one.get(anonymous.id)).toBeNull()
    expect(await cache.get(anonymous.id)).toBeNull()
  })
})

describe('tiered store: stale cache copies', () => {
  it('a stale copy that makes an update conflict is dropped; the re-read is fresh', async () => {
    const { cache, primary, one, make } = setup()
    const record = make({ data: { n: 1 } })
    await one.create(record)
    // Another writer reached the primary but its cache write was lost.
    const v2 = { ...record, data: { n: 2 }, version: 2 }
    expect(await primary.update(v2, 1)).toBe('ok')
    expect(await one.get(record.id)).toEqual(record) // the stale copy
    expect(await one.update({ ...record, data: { n: 3 }, version: 2 }, 1)).toBe('conflict')
    expect(await cache.get(record.id)).toBeNull()
    expect(await one.get(record.id)).toEqual(v2)
    const v3 = { ...v2, data: { n: 3 }, version: 3 }
    expect(await one.update(v3, 2)).toBe('ok')
    expect(await cache.get(record.id)).toEqual(v3)
  })

  it('an update the cache answers with conflict or missing drops the copy', async () => {
    const { cache, primary, one, make } = setup()
    const record = make()
    await one.create(record)
    await cache.update({ ...record, version: 7 }, 1) // the cache copy went its own way
    const v2 = { ...record, data: { n: 2 }, version: 2 }
    expect(await one.update(v2, 1)).toBe('ok')
    expect(await cache.get(record.id)).toBeNull()
    expect(await one.get(record.id)).toEqual(v2)
    expect(await primary.get(record.id)).toEqual(v2)
  })

  it('update answers missing when the primary has no record, and drops any copy', async () => {
    const { cache, one, make } = setup()
    const record = make()
    await cache.create(record)
    expect(await one.update({ ...record, version: 2 }, 1)).toBe('missing')
    expect(await cache.get(record.id)).toBeNull()
  })

  it('create replaces an old copy the cache still holds under the id', async () => {
    const { cache, one, make } = setup()
    const record = make({ data: { n: 1 } })
    await cache.create({ ...record, data: { old: true } })
    expect(await one.create(record)).toBe(true)
    expect(await cache.get(record.id)).toBeNull()
    expect(await one.get(record.id)).toEqual(record)
  })

  it('touch moves both copies; with no primary record it answers false and drops the copy', async () => {
    const { clock, cache, primary, one, make } = setup()
    const record = make()
    await one.create(record)
    clock.advance(1000)
    expect(await one.touch(record.id, clock.now(), clock.now() + 60_000)).toBe(true)
    const touched = { ...record, lastSeenAt: clock.now(), idleExpiresAt: clock.now() + 60_000 }
    expect(await cache.get(record.id)).toEqual(touched)
    expect(await primary.get(record.id)).toEqual(touched)
    const orphan = make()
    await cache.create(orphan)
    expect(await one.touch(orphan.id, clock.now(), clock.now() + 60_000)).toBe(false)
    expect(await cache.get(orphan.id)).toBeNull()
  })

  it('listByUser reads the primary; deleteExpired cleans both and counts the primary', async () => {
    const { clock, cache, primary, one, make } = setup()
    const live = make({ userId: 'alice' })
    const short = make({ userId: 'alice', idleExpiresAt: clock.now() + 1000 })
    await one.create(live)
    await one.create(short)
    await cache.create(make({ userId: 'alice', idleExpiresAt: clock.now() + 1000 }))
    expect((await one.listByUser('alice')).map((r) => r.id).sort()).toEqual(
      [live.id, short.id].sort(),
    )
    clock.advance(1000)
    expect(await one.deleteExpired()).toBe(1)
    expect(await cache.deleteExpired()).toBe(0)
    expect(await primary.deleteExpired()).toBe(0)
    expect(await one.listByUser('alice')).toEqual([live])
  })
})

describe('tiered store: cache failures', () => {
  it('a failed cache write after create is invalidated and the create still counts', async () => {
    const { cache, primary, one, make } = setup()
    const record = make()
    vi.spyOn(cache, 'create').mockImplementationOnce(boom)
    expect(await one.create(record)).toBe(true)
    expect(await primary.get(record.id)).toEqual(record)
    expect(await cache.get(record.id)).toBeNull()
    expect(await one.get(record.id)).toEqual(record)
  })

  it('when the invalidation fails too, the original error is thrown', async () => {
    const { cache, one, make } = setup()
    vi.spyOn(cache, 'create').mockImplementationOnce(boom)
    vi.spyOn(cache, 'delete').mockImplementationOnce(() => Promise.reject(new Error('second')))
    await expect(one.create(make())).rejects.toThrow('cache down')
  })

  it('a failed write-through after an update drops the copy; unhealthy cache throws', async () => {
    const { cache, one, make } = setup()
    const record = make()
    await one.create(record)
    vi.spyOn(cache, 'update').mockImplementation(boom)
    const v2 = { ...record, version: 2 }
    expect(await one.update(v2, 1)).toBe('ok')
    expect(await cache.get(record.id)).toBeNull()
    expect(await one.get(record.id)).toEqual(v2)
    vi.spyOn(cache, 'delete').mockImplementationOnce(boom)
    await expect(one.update({ ...record, version: 3 }, 2)).rejects.toThrow('cache down')
  })

  it('a revocation with the cache down fails before the primary changes', async () => {
    const { cache, primary, one, make } = setup()
    const record = make({ userId: 'alice' })
    await one.create(record)
    vi.spyOn(cache, 'delete').mockImplementation(boom)
    vi.spyOn(cache, 'deleteByUser').mockImplementation(boom)
    await expect(one.delete(record.id)).rejects.toThrow('cache down')
    await expect(one.deleteByUser('alice')).rejects.toThrow('cache down')
    expect(await primary.get(record.id)).toEqual(record)
  })

  it('a cache read failure is thrown, not bypassed', async () => {
    const { cache, one, make } = setup()
    const record = make()
    await one.create(record)
    vi.spyOn(cache, 'get').mockImplementationOnce(boom)
    await expect(one.get(record.id)).rejects.toThrow('cache down')
  })
})

describe('tiered store: setup', () => {
  it('rejects a missing or non-store cache or primary, and one store used twice', () => {
    const store = new MemoryStore()
    expect(() => new TieredStore({} as never)).toThrow(ConfigError)
    expect(() => new TieredStore(undefined as never)).toThrow(ConfigError)
    expect(() => new TieredStore({ cache: store, primary: {} as never })).toThrow(
      /"primary" must be a session store/,
    )
    expect(() => new TieredStore({ cache: { get() {} } as never, primary: store })).toThrow(
      /"cache" must be a session store/,
    )
    expect(() => new TieredStore({ cache: store, primary: store })).toThrow(
      '"cache" and "primary" must be different stores',
    )
  })

  it('close closes both stores and rethrows the first failure', async () => {
    const cache = Object.assign(new MemoryStore(), { close: vi.fn(async () => {}) })
    const primary = Object.assign(new MemoryStore(), {
      close: vi.fn(() => Promise.reject(new Error('pool'))),
    })
    await expect(new TieredStore({ cache, primary }).close()).rejects.toThrow('pool')
    expect(cache.close).toHaveBeenCalledTimes(1)
    expect(primary.close).toHaveBeenCalledTimes(1)
    await expect(
      new TieredStore({ cache: new MemoryStore(), primary: new MemoryStore() }).close(),
    ).resolves.toBeUndefined()
  })
})
