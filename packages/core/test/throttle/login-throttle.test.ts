import { Keyring, LoginThrottle, MemoryRateLimitStore, type RateLimitStore } from '@tessera/core'
import { describeRateLimitStore, ManualClock } from '@tessera/testing'
import { describe, expect, it } from 'vitest'

describeRateLimitStore('memory', () => new MemoryRateLimitStore())

const keys = new Keyring('throttle-secret-throttle-secret-012345')

function throttle() {
  const clock = new ManualClock()
  const store = new MemoryRateLimitStore()
  return { clock, store, throttle: new LoginThrottle({ store, keys, clock: clock.now }) }
}

/** Reserves an attempt that turns out wrong (the place it holds is the failure). */
async function wrong(t: LoginThrottle, username: string, client: string) {
  return t.reserve(username, client)
}

describe('login throttle', () => {
  it('blocks one account from one client after 5 attempts, for the rest of the window', async () => {
    const { throttle: t, clock } = throttle()
    for (let i = 0; i < 5; i++) {
      expect(await wrong(t, 'ada', '10.0.0.1')).toMatchObject({ allowed: true })
    }
    expect(await t.reserve('ada', '10.0.0.1')).toEqual({ allowed: false, retryAfter: 900 })
    expect(await t.reserve('ADA', '10.0.0.1')).toMatchObject({ allowed: false })
    clock.advance(600_000)
    expect(await t.reserve('ada', '10.0.0.1')).toEqual({ allowed: false, retryAfter: 300 })
    // The same account from elsewhere is not locked by this client's failures.
    expect(await t.reserve('ada', '10.0.0.2')).toMatchObject({ allowed: true })
    clock.advance(300_000)
    expect(await t.reserve('ada', '10.0.0.1')).toMatchObject({ allowed: true })
  })

  it('a parallel burst of 50 attempts gets exactly 5 places; the rest are refused', async () => {
    const { throttle: t } = throttle()
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => t.reserve('ada', '10.0.0.1')),
    )
    expect(answers.filter((a) => a.allowed)).toHaveLength(5)
    expect(answers.filter((a) => !a.allowed)).toHaveLength(45)
  })

  it('a refused attempt gives back the places it took on the other counters', async () => {
    const { throttle: t } = throttle()
    for (let i = 0; i < 5; i++) await wrong(t, 'ada', '10.0.0.9')
    // 30 more on the full pair: each briefly held a per-client place, then gave it back.
    for (let i = 0; i < 30; i++) {
      expect(await t.reserve('ada', '10.0.0.9')).toMatchObject({ allowed: false })
    }
    // So the client has used 5 of its 20, not 35: 15 more accounts may still be tried.
    for (let i = 0; i < 15; i++) {
      expect(await wrong(t, `user${i}`, '10.0.0.9')).toMatchObject({ allowed: true })
    }
    expect(await t.reserve('someone-new', '10.0.0.9')).toMatchObject({ allowed: false })
  })

  it('blocks a client that tries many accounts', async () => {
    const { throttle: t } = throttle()
    for (let i = 0; i < 20; i++) await wrong(t, `user${i}`, '10.0.0.9')
    expect(await t.reserve('someone-new', '10.0.0.9')).toMatchObject({ allowed: false })
  })

  it('blocks an account attacked from many clients', async () => {
    const { throttle: t } = throttle()
    for (let i = 0; i < 50; i++) await wrong(t, 'ada', `10.1.0.${i}`)
    expect(await t.reserve('ada', '10.9.9.9')).toMatchObject({ allowed: false })
  })

  it('a success clears the account-and-client counter', async () => {
    const { throttle: t } = throttle()
    for (let i = 0; i < 4; i++) await wrong(t, 'ada', '10.0.0.1')
    const right = await t.reserve('ada', '10.0.0.1')
    if (!right.allowed) throw new Error('the fifth attempt has a place')
    await right.succeeded()
    for (let i = 0; i < 4; i++) await wrong(t, 'ada', '10.0.0.1')
    expect(await t.reserve('ada', '10.0.0.1')).toMatchObject({ allowed: true })
  })

  it('successes do not count against the per-client and per-account limits', async () => {
    const { throttle: t } = throttle()
    // 60 good logins from one address (an office behind one NAT), over 60 accounts and
    // one account: more than perClient (20) and perAccount (50) would allow as failures.
    for (let i = 0; i < 60; i++) {
      for (const name of [`user${i}`, 'ada']) {
        const attempt = await t.reserve(name, '10.0.0.1')
        if (!attempt.allowed) throw new Error(`login ${i} of ${name} refused`)
        await attempt.succeeded()
      }
    }
    expect(await t.reserve('bob', '10.0.0.1')).toMatchObject({ allowed: true })
  })

  it('still supports the deprecated check/failed/succeeded calls', async () => {
    const { throttle: t } = throttle()
    for (let i = 0; i < 5; i++) await t.failed('ada', '10.0.0.1')
    expect(await t.check('ada', '10.0.0.1')).toEqual({ allowed: false, retryAfter: 900 })
    await t.succeeded('ada', '10.0.0.1')
    expect(await t.check('ada', '10.0.0.1')).toEqual({ allowed: true })
  })

  it('the store never holds a username or an address', async () => {
    const seen: string[] = []
    const store = new MemoryRateLimitStore()
    const spy: RateLimitStore = {
      hit: (k, w, n) => {
        seen.push(k)
        return store.hit(k, w, n)
      },
      reserve: (k, m, w, n) => {
        seen.push(k)
        return store.reserve(k, m, w, n)
      },
      release: (k, r) => {
        seen.push(k)
        return store.release(k, r)
      },
      peek: store.peek.bind(store),
      reset: (k) => {
        seen.push(k)
        return store.reset(k)
      },
    }
    const t = new LoginThrottle({ store: spy, keys })
    await t.failed('ada.lovelace', '203.0.113.7')
    const attempt = await t.reserve('ada.lovelace', '203.0.113.7')
    if (attempt.allowed) await attempt.succeeded()
    expect(seen).toHaveLength(9)
    for (const key of seen) {
      expect(key).not.toContain('ada')
      expect(key).not.toContain('203.0.113.7')
    }
  })

  it('a store failure during a reservation is a StoreError and gives back the places taken', async () => {
    const store = new MemoryRateLimitStore()
    let calls = 0
    const flaky: RateLimitStore = {
      hit: store.hit.bind(store),
      // The second counter (per client) fails; the other two answer.
      reserve: (k, m, w, n) =>
        ++calls % 3 === 2 ? Promise.reject(new Error('down')) : store.reserve(k, m, w, n),
      release: store.release.bind(store),
      peek: store.peek.bind(store),
      reset: store.reset.bind(store),
    }
    const t = new LoginThrottle({ store: flaky, keys })
    for (let i = 0; i < 10; i++) {
      await expect(t.reserve('ada', '10.0.0.1')).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      })
    }
    // Ten failed reservations left nothing behind on the pair counter.
    const healthy = new LoginThrottle({ store, keys })
    for (let i = 0; i < 5; i++) {
      expect(await healthy.reserve('ada', '10.0.0.1')).toMatchObject({ allowed: true })
    }
  })

  it('refuses bad limits at setup', () => {
    expect(
      () =>
        new LoginThrottle({
          store: new MemoryRateLimitStore(),
          keys,
          perClient: { max: 0, window: 60 },
        }),
    ).toThrow('perClient.max must be a positive whole number')
  })

  it.each([0, 31, 129, 64.5, Number.NaN])('refuses ipv6Prefix %s at setup', (ipv6Prefix) => {
    expect(
      () => new LoginThrottle({ store: new MemoryRateLimitStore(), keys, ipv6Prefix }),
    ).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: 'ipv6Prefix must be a whole number from 32 to 128',
      }),
    )
  })
})
