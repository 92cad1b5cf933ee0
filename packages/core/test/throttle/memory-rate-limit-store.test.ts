import { MemoryRateLimitStore } from '@tessera/core'
import { describe, expect, it } from 'vitest'

// The rate-limit store contract is describeRateLimitStore's (login-throttle.test.ts); here,
// what only process memory needs: a bound. A client naming a new username per attempt
// leaves a counter per name, and nothing else would ever drop the ended ones.
describe('MemoryRateLimitStore', () => {
  it('drops the counters of ended windows by itself as it grows', async () => {
    const store = new MemoryRateLimitStore()
    for (let i = 0; i < 10_000; i++) await store.reserve(`first-${i}`, 5, 1000, 0)
    // A second burst of new names after the first burst's windows ended.
    for (let i = 0; i < 10_000; i++) await store.reserve(`second-${i}`, 5, 1000, 5000)
    expect(await store.deleteExpired(5000)).toBe(0)
    expect(await store.peek('second-9999', 5000)).toEqual({ count: 1, resetAt: 6000 })
    expect(await store.deleteExpired(6000)).toBe(10_000)
  })

  it('deleteExpired deletes the ended windows only, and answers how many', async () => {
    const store = new MemoryRateLimitStore()
    await store.hit('short', 1000, 0)
    await store.hit('long', 5000, 0)
    await store.reserve('long', 5, 5000, 10)
    expect(await store.deleteExpired(999)).toBe(0)
    expect(await store.deleteExpired(1000)).toBe(1)
    expect(await store.peek('long', 1000)).toEqual({ count: 2, resetAt: 5000 })
    expect(await store.peek('short', 0)).toBeNull()
  })
})
