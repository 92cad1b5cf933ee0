import { Keyring, LoginThrottle, MemoryRateLimitStore } from '@tessera/core'
import { describeRateLimitStore, ManualClock } from '@tessera/core/testing'
import { describe, expect, it } from 'vitest'

describeRateLimitStore('memory', () => new MemoryRateLimitStore())

const keys = new Keyring('throttle-secret-throttle-secret-012345')

function throttle() {
  const clock = new ManualClock()
  const store = new MemoryRateLimitStore()
  return { clock, store, throttle: new LoginThrottle({ store, keys, clock: clock.now }) }
}

describe('login throttle', () => {
  it('blocks one account from one client after 5 failures, for the rest of the window', async () => {
    const { throttle: t, clock } = throttle()
    for (let i = 0; i < 5; i++) {
      expect(await t.check('ada', '10.0.0.1')).toEqual({ allowed: true })
      await t.failed('ada', '10.0.0.1')
    }
    expect(await t.check('ada', '10.0.0.1')).toEqual({ allowed: false, retryAfter: 900 })
    expect(await t.check('ADA', '10.0.0.1')).toMatchObject({ allowed: false })
    clock.advance(600_000)
    expect(await t.check('ada', '10.0.0.1')).toEqual({ allowed: false, retryAfter: 300 })
    // The same account from elsewhere is not locked by this client's failures.
    expect(await t.check('ada', '10.0.0.2')).toEqual({ allowed: true })
    clock.advance(300_000)
    expect(await t.check('ada', '10.0.0.1')).toEqual({ allowed: true })
  })

  it('blocks a client that tries many accounts', async () => {
    const { throttle: t } = throttle()
    for (let i = 0; i < 20; i++) await t.failed(`user${i}`, '10.0.0.9')
    expect(await t.check('someone-new', '10.0.0.9')).toMatchObject({ allowed: false })
  })

  it('blocks an account attacked from many clients', async () => {
    const { throttle: t } = throttle()
    for (let i = 0; i < 50; i++) await t.failed('ada', `10.1.0.${i}`)
    expect(await t.check('ada', '10.9.9.9')).toMatchObject({ allowed: false })
  })

  it('a success clears the account-and-client counter', async () => {
    const { throttle: t } = throttle()
    for (let i = 0; i < 4; i++) await t.failed('ada', '10.0.0.1')
    await t.succeeded('ada', '10.0.0.1')
    for (let i = 0; i < 4; i++) await t.failed('ada', '10.0.0.1')
    expect(await t.check('ada', '10.0.0.1')).toEqual({ allowed: true })
  })

  it('the store never holds a username or an address', async () => {
    const seen: string[] = []
    const store = new MemoryRateLimitStore()
    const spy = {
      hit: (k: string, w: number, n: number) => {
        seen.push(k)
        return store.hit(k, w, n)
      },
      peek: store.peek.bind(store),
      reset: store.reset.bind(store),
    }
    const t = new LoginThrottle({ store: spy, keys })
    await t.failed('ada.lovelace', '203.0.113.7')
    expect(seen).toHaveLength(3)
    for (const key of seen) {
      expect(key).not.toContain('ada')
      expect(key).not.toContain('203.0.113.7')
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
})
