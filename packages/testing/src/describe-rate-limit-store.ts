import type { RateLimitStore } from '@tessera/core'
import { describe, expect, it } from 'vitest'

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

    it('reserve counts up to max and then refuses without counting', async () => {
      const store = await make()
      for (let i = 1; i <= 3; i++) {
        expect(await store.reserve('k', 3, 60_000, T + i)).toEqual({
          reserved: true,
          count: i,
          resetAt: T + 1 + 60_000,
        })
      }
      expect(await store.reserve('k', 3, 60_000, T + 10)).toEqual({
        reserved: false,
        count: 3,
        resetAt: T + 1 + 60_000,
      })
      expect(await store.peek('k', T + 10)).toEqual({ count: 3, resetAt: T + 1 + 60_000 })
      // An ended window starts over, full or not.
      expect(await store.reserve('k', 3, 60_000, T + 1 + 60_000)).toEqual({
        reserved: true,
        count: 1,
        resetAt: T + 1 + 120_000,
      })
    })

    it('reserve shares its counter with hit', async () => {
      const store = await make()
      await store.hit('k', 60_000, T)
      await store.hit('k', 60_000, T)
      expect(await store.reserve('k', 2, 60_000, T)).toMatchObject({ reserved: false, count: 2 })
      expect(await store.reserve('k', 3, 60_000, T)).toMatchObject({ reserved: true, count: 3 })
    })

    it('a parallel burst of 50 reserves exactly max, on the first window', async () => {
      const store = await make()
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.reserve('burst', 5, 60_000, T)),
      )
      expect(results.filter((r) => r.reserved)).toHaveLength(5)
      expect(results.filter((r) => !r.reserved)).toHaveLength(45)
      expect(new Set(results.map((r) => r.resetAt))).toEqual(new Set([T + 60_000]))
      expect(
        results
          .filter((r) => r.reserved)
          .map((r) => r.count)
          .sort(),
      ).toEqual([1, 2, 3, 4, 5])
      expect(await store.peek('burst', T)).toEqual({ count: 5, resetAt: T + 60_000 })
    })

    it('release gives back one place in the window it was reserved in; an empty one is gone', async () => {
      const store = await make()
      await store.reserve('k', 2, 60_000, T)
      await store.reserve('k', 2, 60_000, T)
      await store.release('k', T + 60_000)
      expect(await store.peek('k', T)).toEqual({ count: 1, resetAt: T + 60_000 })
      expect(await store.reserve('k', 2, 60_000, T)).toMatchObject({ reserved: true, count: 2 })
      await Promise.all(Array.from({ length: 5 }, () => store.release('k', T + 60_000)))
      // Nothing held: the counter is removed, so refused logins leave no rows behind.
      expect(await store.peek('k', T)).toBeNull()
      expect(await store.reserve('k', 2, 60_000, T + 1000)).toEqual({
        reserved: true,
        count: 1,
        resetAt: T + 61_000,
      })
      await store.release('missing', T + 60_000)
      expect(await store.peek('missing', T)).toBeNull()
    })

    it('a late release never lowers a newer window', async () => {
      const store = await make()
      await store.reserve('k', 5, 60_000, T)
      await store.reserve('k', 5, 60_000, T + 60_000)
      await store.reserve('k', 5, 60_000, T + 60_000)
      await store.release('k', T + 60_000)
      expect(await store.peek('k', T + 60_000)).toEqual({ count: 2, resetAt: T + 120_000 })
    })

    it('parallel reserves and releases each act once', async () => {
      const store = await make()
      for (let i = 0; i < 20; i++) await store.reserve('k', 100, 60_000, T)
      // 20 places held, so even all releases first never reach the floor at zero.
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 2 === 0 ? store.reserve('k', 100, 60_000, T) : store.release('k', T + 60_000),
        ),
      )
      expect(await store.peek('k', T)).toEqual({ count: 20, resetAt: T + 60_000 })
    })
  })
}
