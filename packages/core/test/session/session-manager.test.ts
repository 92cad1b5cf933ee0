import {
  ArgumentError,
  ConfigError,
  MemoryStore,
  type SessionEvent,
  SessionManager,
  StoreError,
} from '@tessera/core'
import { ManualClock } from '@tessera/testing'
import { describe, expect, it } from 'vitest'
import { attributes, cookieFrom, harness, request, SECRET, T0 } from '../support/harness.js'

describe('lazy loading', () => {
  it('a request that never touches the session makes no store call and no header', async () => {
    const { manager, store } = harness()
    const { manager: m2 } = harness()
    const created = cookieFrom(await request(m2, undefined, (s) => s.set('a', 1)))
    const result = await request(manager, created, () => {})
    expect(store.calls).toEqual([])
    expect(result).toEqual({ setCookie: [], vary: false, noStore: false })
  })

  it('reading adds Vary: Cookie; reading only saves nothing', async () => {
    const { manager, store } = harness()
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    store.calls.length = 0
    const result = await request(manager, cookie, async (s) => {
      expect(await s.get('a')).toBe(1)
    })
    expect(result.vary).toBe(true)
    expect(result.setCookie).toEqual([])
    expect(store.calls).toEqual(['get'])
  })
})

describe('empty sessions', () => {
  it('an anonymous session that is only read is never stored', async () => {
    const { manager, store } = harness()
    const result = await request(manager, undefined, async (s) => {
      expect(await s.get('anything')).toBeUndefined()
      expect(await s.isEmpty()).toBe(true)
    })
    expect(result.setCookie).toEqual([])
    expect(store.calls).not.toContain('create')
  })

  it('setting then deleting a key in one request stores nothing', async () => {
    const { manager, store } = harness()
    const result = await request(manager, undefined, async (s) => {
      await s.set('a', 1)
      await s.delete('a')
    })
    expect(result.setCookie).toEqual([])
    expect(store.calls).not.toContain('create')
  })

  it('emptying a stored session deletes it and clears the cookie', async () => {
    const { manager } = harness()
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    const result = await request(manager, cookie, (s) => s.delete('a'))
    expect(attributes(result.setCookie[0] as string).get('max-age')).toBe('0')
    const again = await request(manager, cookie, async (s) => {
      expect(await s.get('a')).toBeUndefined()
    })
    expect(again.setCookie[0]).toMatch(/Max-Age=0/)
  })
})

describe('credentials', () => {
  it('a new session gets an HttpOnly, SameSite=Lax cookie with no-store', async () => {
    const { manager } = harness()
    const result = await request(manager, undefined, (s) => s.set('a', 1))
    const attrs = attributes(result.setCookie[0] as string)
    expect(attrs.has('httponly')).toBe(true)
    expect(attrs.get('samesite')).toBe('Lax')
    expect(attrs.get('path')).toBe('/')
    expect(attrs.has('secure')).toBe(false)
    expect(attrs.get('max-age')).toBe(String(14 * 24 * 3600))
    expect(result.noStore).toBe(true)
  })

  it('Secure is set when the request came over HTTPS and cookie.secure is auto', async () => {
    const { manager } = harness()
    const s = manager.open({ cookie: undefined, secure: true })
    await s.set('a', 1)
    const result = await manager.commit(s)
    expect(attributes(result.setCookie[0] as string).has('secure')).toBe(true)
  })

  it('1,000 credentials are distinct and carry at least 128 random bits', async () => {
    const { manager } = harness()
    const values = new Set<string>()
    for (let i = 0; i < 1000; i++) {
      values.add(
        cookieFrom(await request(manager, undefined, (s) => s.set('i', i))).split('=')[1] as string,
      )
    }
    expect(values.size).toBe(1000)
    for (const v of values) {
      const [id, secret] = v.split('.')
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/) // 128 bits locate the record
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/) // 256 bits prove possession
    }
    const ids = new Set([...values].map((v) => v.split('.')[0]))
    expect(ids.size).toBe(1000)
  })

  it('a new session draws its id and secret from one call of the random source', async () => {
    const draws: Uint8Array[] = []
    const { manager } = harness({
      random: (size) => {
        const bytes = crypto.getRandomValues(new Uint8Array(size))
        draws.push(bytes.slice())
        return bytes
      },
    })
    const value = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1))).split(
      '=',
    )[1] as string
    expect(draws.map((d) => d.length)).toEqual([48])
    const drawn = Buffer.from(draws[0] as Uint8Array)
    // The id is the draw's first 128 bits, the secret the other 256: nothing is shared.
    expect(value).toBe(
      `${drawn.subarray(0, 16).toString('base64url')}.${drawn.subarray(16).toString('base64url')}`,
    )
  })

  it('the store holds only a hash of the secret, never the credential', async () => {
    const { manager, store } = harness()
    const value = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1))).split(
      '=',
    )[1] as string
    const [id, secret] = value.split('.') as [string, string]
    const stored = JSON.stringify(await store.get(id))
    expect(stored).not.toContain(secret)
    expect(stored).not.toContain(value)
  })

  it.each([
    ['garbage', 'sessionid=garbage'],
    ['empty', 'sessionid='],
    ['well-formed but never issued', `sessionid=${'A'.repeat(22)}.${'B'.repeat(43)}`],
    ['trailing garbage', null],
    ['flipped secret character', null],
  ])('a %s credential yields a new anonymous session and creates no row', async (_, given) => {
    const { manager, store } = harness()
    const real = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    const cookie =
      given ??
      (_ === 'trailing garbage'
        ? `${real}x`
        : `${real.slice(0, -1)}${real.endsWith('A') ? 'B' : 'A'}`)
    store.calls.length = 0
    const result = await request(manager, cookie, async (s) => {
      expect(await s.get('a')).toBeUndefined()
    })
    expect(store.calls.filter((c) => c !== 'get')).toEqual([])
    // The dead cookie is cleared rather than left to be sent forever.
    expect(result.setCookie[0]).toMatch(/^sessionid=; Max-Age=0/)
    // Writing afterwards creates a session under a brand-new id.
    const fresh = cookieFrom(await request(manager, cookie, (s) => s.set('b', 2)))
    expect(fresh.split('.')[0]).not.toBe(cookie.split('.')[0])
    expect(fresh.split('.')[0]).not.toBe(real.split('.')[0])
  })
})

describe('rotation and flush', () => {
  it('cycleKey keeps the data, issues a new credential and kills the old one', async () => {
    const { manager } = harness()
    const old = cookieFrom(await request(manager, undefined, (s) => s.set('cart', ['apple'])))
    const rotated = await request(manager, old, (s) => s.cycleKey())
    const fresh = cookieFrom(rotated)
    expect(fresh).not.toBe(old)
    expect(rotated.noStore).toBe(true)
    await request(manager, fresh, async (s) => {
      expect(await s.get('cart')).toEqual(['apple'])
    })
    await request(manager, old, async (s) => {
      expect(await s.get('cart')).toBeUndefined()
    })
  })

  it('flush deletes the session and clears the cookie with Max-Age=0', async () => {
    const { manager, store } = harness()
    const old = cookieFrom(await request(manager, undefined, (s) => s.set('user', 'ada')))
    const result = await request(manager, old, (s) => s.flush())
    expect(result.setCookie).toHaveLength(1)
    const attrs = attributes(result.setCookie[0] as string)
    expect(result.setCookie[0]).toMatch(/^sessionid=;/)
    expect(attrs.get('max-age')).toBe('0')
    expect(attrs.get('expires')).toBe('Thu, 01 Jan 1970 00:00:00 GMT')
    expect(await store.get(old.split('=')[1]?.split('.')[0] as string)).toBeNull()
  })

  it('data written after flush goes to a brand-new session', async () => {
    const { manager } = harness()
    const old = cookieFrom(await request(manager, undefined, (s) => s.set('user', 'ada')))
    const fresh = cookieFrom(
      await request(manager, old, async (s) => {
        await s.flush()
        await s.set('theme', 'dark')
      }),
    )
    expect(fresh.split('.')[0]).not.toBe(old.split('.')[0])
    await request(manager, fresh, async (s) => {
      expect(await s.data()).toEqual({ theme: 'dark' })
    })
  })
})

describe('expiry', () => {
  it('idle timeout ends a session left alone, enforced on the server', async () => {
    const { manager, clock } = harness({ idleTimeout: 600, absoluteTimeout: 3600 })
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    clock.advance(599_000)
    await request(manager, cookie, async (s) => expect(await s.get('a')).toBe(1))
    clock.advance(600_000)
    await request(manager, cookie, async (s) => expect(await s.get('a')).toBeUndefined())
  })

  it('activity slides the idle expiry but never past the absolute timeout', async () => {
    const { manager, clock } = harness({
      idleTimeout: 600,
      absoluteTimeout: 1800,
      renewalInterval: 60,
    })
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    for (let t = 0; t < 5; t++) {
      clock.advance(300_000)
      await request(manager, cookie, async (s) => expect(await s.get('a')).toBe(1))
    }
    // 25 minutes in: alive only because it was used every 5 minutes.
    clock.advance(300_000) // 30 minutes: the absolute timeout
    await request(manager, cookie, async (s) => expect(await s.get('a')).toBeUndefined())
  })

  it('sliding renewal writes at most once per renewal interval', async () => {
    const { manager, clock, store } = harness({ idleTimeout: 3600, renewalInterval: 300 })
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    store.calls.length = 0
    for (let i = 0; i < 10; i++) {
      clock.advance(20_000) // ten reads over 200 s
      const r = await request(manager, cookie, async (s) => void (await s.get('a')))
      expect(r.setCookie).toEqual([])
    }
    expect(store.calls.filter((c) => c === 'touch')).toEqual([])
    clock.advance(100_000) // 300 s since the last write
    const renewed = await request(manager, cookie, async (s) => void (await s.get('a')))
    expect(store.calls.filter((c) => c === 'touch')).toHaveLength(1)
    expect(attributes(renewed.setCookie[0] as string).get('max-age')).toBe('3600')
  })

  it('expireAtBrowserClose sends no Max-Age but the server still expires the session', async () => {
    const { manager, clock } = harness({
      expireAtBrowserClose: true,
      idleTimeout: 60,
      renewalInterval: 10,
    })
    const result = await request(manager, undefined, (s) => s.set('a', 1))
    expect(attributes(result.setCookie[0] as string).has('max-age')).toBe(false)
    clock.advance(61_000)
    await request(manager, cookieFrom(result), async (s) =>
      expect(await s.get('a')).toBeUndefined(),
    )
  })

  it('setExpiry: seconds, 0 for browser close, a Date, and null', async () => {
    const { manager, clock } = harness({ idleTimeout: 3600, absoluteTimeout: 7200 })
    const short = await request(manager, undefined, async (s) => {
      await s.set('a', 1)
      await s.setExpiry(60)
    })
    expect(attributes(short.setCookie[0] as string).get('max-age')).toBe('60')
    const browser = await request(manager, undefined, async (s) => {
      await s.set('a', 1)
      await s.setExpiry(0)
    })
    expect(attributes(browser.setCookie[0] as string).has('max-age')).toBe(false)
    const until = await request(manager, undefined, async (s) => {
      await s.set('a', 1)
      await s.setExpiry(new Date(clock.now() + 120_000))
    })
    expect(attributes(until.setCookie[0] as string).get('max-age')).toBe('120')
    const reset = await request(manager, cookieFrom(short), (s) => s.setExpiry(null))
    expect(attributes(reset.setCookie[0] as string).get('max-age')).toBe('3600')
    clock.advance(121_000)
    await request(manager, cookieFrom(until), async (s) => expect(await s.get('a')).toBeUndefined())
    await request(manager, cookieFrom(browser), async (s) => expect(await s.get('a')).toBe(1))
    await expect(request(manager, undefined, (s) => s.setExpiry(-1))).rejects.toThrow(ArgumentError)
  })
})

describe('concurrent writers', () => {
  it('two requests that change different keys both land', async () => {
    const { manager } = harness()
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('base', 0)))
    const a = manager.open({ cookie, secure: false })
    const b = manager.open({ cookie, secure: false })
    await a.set('a', 1)
    await b.set('b', 2)
    await manager.commit(a)
    await manager.commit(b)
    await request(manager, cookie, async (s) =>
      expect(await s.data()).toEqual({ base: 0, a: 1, b: 2 }),
    )
  })

  it('a request still in flight when the session is flushed does not resurrect it', async () => {
    const { manager, store } = harness()
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('user', 'ada')))
    const slow = manager.open({ cookie, secure: false })
    await slow.set('late', true)
    await request(manager, cookie, (s) => s.flush())
    const result = await manager.commit(slow)
    expect(result.setCookie).toEqual([])
    expect(await store.get(cookie.split('=')[1]?.split('.')[0] as string)).toBeNull()
  })

  it('a request in flight across a rotation cannot write with the dead credential', async () => {
    const { manager } = harness()
    const old = cookieFrom(await request(manager, undefined, (s) => s.set('user', 'ada')))
    const slow = manager.open({ cookie: old, secure: false })
    await slow.set('planted', true)
    const fresh = cookieFrom(await request(manager, old, (s) => s.cycleKey()))
    expect((await manager.commit(slow)).setCookie).toEqual([])
    await request(manager, fresh, async (s) => expect(await s.has('planted')).toBe(false))
  })
})

describe('events', () => {
  it('created, rotated, destroyed and expired carry a salted hash, never the id', async () => {
    const { manager, clock } = harness({ idleTimeout: 60, renewalInterval: 10 })
    const events: SessionEvent[] = []
    for (const type of [
      'created',
      'rotated',
      'destroyed',
      'expired',
      'invalidCredential',
    ] as const) {
      manager.on(type, (e) => events.push(e))
    }
    const c1 = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    const c2 = cookieFrom(await request(manager, c1, (s) => s.cycleKey()))
    await request(manager, c2, (s) => s.flush())
    const c3 = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
    // The store shares the clock and hides the expired record: it reads as unknown.
    clock.advance(61_000)
    await request(manager, c3, async (s) => void (await s.get('a')))
    await request(manager, 'sessionid=nonsense', async (s) => void (await s.get('a')))
    await manager.settled()
    expect(events.map((e) => e.type)).toEqual([
      'created',
      'rotated',
      'destroyed',
      'created',
      'invalidCredential',
      'invalidCredential',
    ])
    const ids = [c1, c2, c3].map((c) => c.split('=')[1]?.split('.')[0] as string)
    for (const e of events) {
      if ('session' in e && e.session) for (const id of ids) expect(e.session).not.toContain(id)
    }
    const [created, rotated] = events
    expect(created && 'session' in created && created.session).toBe(
      rotated && 'session' in rotated && rotated.session,
    )
  })

  it('a manager whose clock is ahead of the store reports expiry as expired', async () => {
    const storeClock = new ManualClock(T0)
    const managerClock = new ManualClock(T0)
    const store = new MemoryStore({ clock: storeClock.now })
    const manager = new SessionManager({
      store,
      secret: SECRET,
      clock: managerClock.now,
      idleTimeout: 60,
      renewalInterval: 10,
    })
    const expired: SessionEvent[] = []
    manager.on('expired', (e) => expired.push(e))
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('b', 1)))
    managerClock.advance(61_000) // the store still sees a live record; the manager does not
    await request(manager, cookie, async (s) => expect(await s.get('b')).toBeUndefined())
    await manager.settled()
    expect(expired.map((e) => e.type === 'expired' && e.reason)).toEqual(['idle'])
    expect(await store.get(cookie.split('=')[1]?.split('.')[0] as string)).toBeNull()
  })
})

/**
 * Stores a session through a subclass of `Base` that overrides `get` alone, reads it back
 * in a second request, and answers how many times that `get` ran.
 */
async function readThroughOverriddenGet<S extends MemoryStore>(
  Base: new () => S,
): Promise<{ gets: number; store: S }> {
  let gets = 0
  const Logging = class extends (Base as new () => MemoryStore) {
    override async get(id: string) {
      gets++
      return super.get(id)
    }
  }
  const store = new Logging() as unknown as S
  const manager = new SessionManager({ store, secret: SECRET })
  const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
  await request(manager, cookie, async (s) => {
    expect(await s.get('a')).toBe(1)
  })
  return { gets, store }
}

describe('synchronous reads (getNow)', () => {
  /** A MemoryStore that counts which of its two reads the manager used. */
  class CountingStore extends MemoryStore {
    reads = { get: 0, getNow: 0 }
    override async get(id: string) {
      this.reads.get++
      return super.getNow(id)
    }
    override getNow(id: string) {
      this.reads.getNow++
      return super.getNow(id)
    }
  }

  async function loggedIn(manager: SessionManager): Promise<string> {
    return cookieFrom(await request(manager, undefined, (s) => s.set('a', 1)))
  }

  it('a store with getNow is read through it, and the session reads the same', async () => {
    const store = new CountingStore()
    const manager = new SessionManager({ store, secret: SECRET })
    const cookie = await loggedIn(manager)
    await request(manager, cookie, async (s) => {
      expect(await s.get('a')).toBe(1)
    })
    expect(store.reads).toEqual({ get: 0, getNow: 1 })
  })

  it('a subclass that overrides get alone is still read through its get', async () => {
    const { gets } = await readThroughOverriddenGet(MemoryStore)
    expect(gets).toBe(1)
  })

  it('a get assigned on the store after the manager was built is the one called', async () => {
    const store = new CountingStore()
    const manager = new SessionManager({ store, secret: SECRET })
    const cookie = await loggedIn(manager)
    let replaced = 0
    const original = store.get.bind(store)
    store.get = (id) => {
      replaced++
      return original(id)
    }
    await request(manager, cookie, async (s) => {
      expect(await s.get('a')).toBe(1)
    })
    expect({ replaced, getNow: store.reads.getNow }).toEqual({ replaced: 1, getNow: 0 })
  })

  it('a getNow that throws is STORE_UNAVAILABLE, its cause kept, its message not shown', async () => {
    const store = new MemoryStore()
    const manager = new SessionManager({ store, secret: SECRET })
    const cookie = await loggedIn(manager)
    const cause = new Error('SQLITE_IOERR: disk I/O error at /secret/path')
    store.getNow = () => {
      throw cause
    }
    // Assigned on the instance, so it is the store's own getNow and get together.
    store.get = async (id) => store.getNow(id)
    const fresh = new SessionManager({ store, secret: SECRET })
    const error = await fresh
      .open({ cookie: cookie.split(';')[0], secure: false })
      .get('a')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).code).toBe('STORE_UNAVAILABLE')
    expect((error as StoreError).cause).toBe(cause)
    expect((error as StoreError).message).not.toContain('/secret/path')
  })
})

describe('shared reads (getShared)', () => {
  /** A MemoryStore made to look like a server's store: no getNow, a getShared beside get. */
  class SharedReadStore extends MemoryStore {
    reads = { get: 0, getShared: 0 }
    constructor() {
      super()
      Object.defineProperty(this, 'getNow', { value: undefined })
    }
    override async get(id: string) {
      this.reads.get++
      return structuredClone(this.#held(id))
    }
    async getShared(id: string) {
      this.reads.getShared++
      return this.#held(id)
    }
    #held(id: string) {
      return MemoryStore.prototype.getNow.call(this, id)
    }
  }

  it('a store without getNow is read through its getShared, and its frozen record is never changed', async () => {
    const store = new SharedReadStore()
    const manager = new SessionManager({ store, secret: SECRET })
    const cookie = cookieFrom(await request(manager, undefined, (s) => s.set('a', { n: 1 })))
    await request(manager, cookie, async (s) => {
      expect(await s.get('a')).toEqual({ n: 1 })
      await s.set('a', { n: 2 })
      await s.set('b', 1)
    })
    await request(manager, cookie, async (s) => {
      expect([await s.get('a'), await s.get('b')]).toEqual([{ n: 2 }, 1])
    })
    expect(store.reads).toEqual({ get: 0, getShared: 2 })
  })

  it('a subclass that overrides get alone is still read through its get', async () => {
    const { gets, store } = await readThroughOverriddenGet(SharedReadStore)
    expect([gets, store.reads.getShared]).toEqual([1, 0])
  })
})

describe('store failures', () => {
  it('a hanging store fails with STORE_TIMEOUT after the configured timeout', async () => {
    const store = new MemoryStore()
    store.get = () => new Promise(() => {})
    const manager = new SessionManager({ store, secret: SECRET, storeTimeout: 50 })
    const s = manager.open({
      cookie: `sessionid=${'A'.repeat(22)}.${'B'.repeat(43)}`,
      secure: false,
    })
    const started = Date.now()
    const error = await s.get('a').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).code).toBe('STORE_TIMEOUT')
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('a hanging store call times out even after many answered calls with the same timeout', async () => {
    // The deadlines of calls sharing a timeout share one timer: answered calls must not
    // delay or cancel the deadline of a later hanging one.
    const store = new MemoryStore()
    // Each read is issued at once (not at the end of the turn), while `hang` says what it should do.
    const options = { store, secret: SECRET, storeTimeout: 40, batchLoads: false }
    const manager = new SessionManager(options)
    const cookie = `sessionid=${'A'.repeat(22)}.${'B'.repeat(43)}`
    for (let i = 0; i < 200; i++) {
      expect(await manager.open({ cookie, secure: false }).get('a')).toBeUndefined()
    }
    const answer = store.get.bind(store)
    let hang = true
    store.get = (id) => (hang ? new Promise(() => {}) : answer(id))
    const first = manager
      .open({ cookie, secure: false })
      .get('a')
      .catch((e: unknown) => e)
    hang = false
    const answered = manager.open({ cookie, secure: false }).get('a')
    expect(await answered).toBeUndefined()
    hang = true
    const second = manager
      .open({ cookie, secure: false })
      .get('a')
      .catch((e: unknown) => e)
    expect(((await first) as StoreError).code).toBe('STORE_TIMEOUT')
    expect(((await second) as StoreError).code).toBe('STORE_TIMEOUT')
    // After both expired, the shared timer re-arms for the next hanging call.
    const third = await manager
      .open({ cookie, secure: false })
      .get('a')
      .catch((e: unknown) => e)
    expect((third as StoreError).code).toBe('STORE_TIMEOUT')
  })

  it('a rejecting store fails with STORE_UNAVAILABLE and the message hides the credential', async () => {
    const store = new MemoryStore()
    const credential = `${'A'.repeat(22)}.${'B'.repeat(43)}`
    store.get = async () => {
      throw new Error(`connection refused while reading ${credential}`)
    }
    const manager = new SessionManager({ store, secret: SECRET })
    const error = (await manager
      .open({ cookie: `sessionid=${credential}`, secure: false })
      .get('a')
      .catch((e) => e)) as StoreError
    expect(error.code).toBe('STORE_UNAVAILABLE')
    expect(error.message).not.toContain('B'.repeat(43))
    expect(error.message).not.toContain('A'.repeat(22))
  })
})

describe('configuration', () => {
  const store = new MemoryStore()
  it.each([
    [{ secret: 'short' }, 'secret must be a string of at least 32 characters'],
    [{ idleTimeout: 0 }, 'idleTimeout must be a positive whole number, got 0'],
    [{ idleTimeout: 100, absoluteTimeout: 50 }, 'idleTimeout must not exceed absoluteTimeout'],
    [
      { idleTimeout: 100, renewalInterval: 60 },
      'renewalInterval must be at most half of idleTimeout',
    ],
    [{ cookie: { name: 'bad name' } }, /^Invalid session cookie options: /],
    [
      { cookie: { name: '__Host-sid', domain: 'example.com', secure: true } },
      /^Invalid session cookie options: /,
    ],
    [{ cookie: { name: '__Host-sid' } }, /cookie.secure is "auto": set it to true/],
    [{ store: {} }, 'store must implement the SessionStore contract (missing get())'],
  ])('%j is refused at startup with an exact message', (bad, message) => {
    const make = () => new SessionManager({ store, secret: SECRET, ...(bad as object) })
    expect(make).toThrow(ConfigError)
    expect(make).toThrow(message)
  })

  it('accepts a __Host- cookie with secure: true', () => {
    expect(
      () =>
        new SessionManager({ store, secret: SECRET, cookie: { name: '__Host-sid', secure: true } }),
    ).not.toThrow()
  })
})
