import { describe, expect, it } from 'vitest'
import type { RateLimitStore } from './rate-limit-store.js'

/**
 * The conformance suite every {@link RateLimitStore} must pass (a vitest `describe`).
 *
 * @example
 * ```ts
 * describeRateLimitStore('sqlite', () => new SqliteRateLimitStore({ path: ':memory:' }))
 * ```
 */
export function describeRateLimitStore(
  name: string,
  make: () => RateLimitStore | Promise<RateLimitStore>,
): void {
  const T = 1_700_000_000_000
  describe(`${name} rate-limit store`, () => {
    it('counts hits within a window and reports when it ends', async () => {
      const store = await make()
      expect(await store.peek('k', T)).toBeNull()
      expect(await store.hit('k', 60_000, T)).toEqual({ count: 1, resetAt: T + 60_000 })
      expect(await store.hit('k', 60_000, T + 1000)).toEqual({ count: 2, resetAt: T + 60_000 })
      expect(await store.peek('k', T + 59_999)).toEqual({ count: 2, resetAt: T + 60_000 })
      expect(await store.peek('other', T)).toBeNull()
    })

    it('starts over once the window has ended', async () => {
      const store = await make()
      await store.hit('k', 60_000, T)
      await store.hit('k', 60_000, T)
      expect(await store.peek('k', T + 60_000)).toBeNull()
      expect(await store.hit('k', 60_000, T + 60_000)).toEqual({ count: 1, resetAt: T + 120_000 })
    })

    it('reset forgets a key', async () => {
      const store = await make()
      await store.hit('k', 60_000, T)
      await store.reset('k')
      expect(await store.peek('k', T)).toBeNull()
    })

    it('concurrent hits each count once', async () => {
      const store = await make()
      await Promise.all(Array.from({ length: 100 }, () => store.hit('k', 60_000, T)))
      expect((await store.peek('k', T))?.count).toBe(100)
    })
  })
}
