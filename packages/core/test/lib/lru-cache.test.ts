import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LruCache } from '../../src/lib/lru-cache.js'

// The verified-token cache of JWT sessions and the session auth hash cache: bounded,
// never answering a value other than the last one set for its key, and keeping what
// was read over what was not.
describe('LruCache', () => {
  it('drops the entry not read since it was inserted, as its example says', () => {
    const cache = new LruCache<string, number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    cache.get('a')
    cache.set('c', 3)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(1)
    expect(cache.get('c')).toBe(3)
    expect(cache.size).toBe(2)
  })

  it('keeps a key read again and again while every other entry is replaced around it', () => {
    const cache = new LruCache<string, number>(100)
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, i)
    for (let i = 100; i < 1000; i++) {
      expect(cache.get('k0')).toBe(0)
      cache.set(`k${i}`, i)
    }
    expect(cache.get('k0')).toBe(0)
    expect(cache.size).toBe(100)
  })

  it('drops the oldest unread entry when every other one was read', () => {
    const cache = new LruCache<number, number>(4)
    for (let i = 0; i < 4; i++) cache.set(i, i)
    for (const i of [0, 1, 3]) cache.get(i)
    cache.set(4, 4)
    expect([0, 1, 2, 3, 4].map((i) => cache.get(i))).toEqual([0, 1, undefined, 3, 4])
  })

  it('keeps the entry just set, even when every older one was read', () => {
    const cache = new LruCache<number, number>(3)
    for (let i = 0; i < 3; i++) cache.set(i, i)
    for (let i = 0; i < 3; i++) cache.get(i)
    cache.set(3, 3)
    expect(cache.get(3)).toBe(3)
    expect(cache.size).toBe(3)
  })

  it('stores nothing at capacity 0', () => {
    const cache = new LruCache<string, number>(0)
    cache.set('a', 1)
    expect(cache.get('a')).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  type Op = { op: 'set'; key: number; value: number } | { op: 'get' | 'delete'; key: number }
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('set' as const), key: fc.nat(12), value: fc.integer() }),
    fc.record({ op: fc.constantFrom('get' as const, 'delete' as const), key: fc.nat(12) }),
  )

  it('holds at most its capacity, answers only the last value set for a key, and has what it just set (property)', () => {
    fc.assert(
      fc.property(fc.nat(6), fc.array(op, { maxLength: 200 }), (capacity, ops) => {
        const cache = new LruCache<number, number>(capacity)
        const last = new Map<number, number>()
        for (const o of ops) {
          if (o.op === 'set') {
            cache.set(o.key, o.value)
            last.set(o.key, o.value)
            expect(cache.get(o.key)).toBe(capacity === 0 ? undefined : o.value)
          } else if (o.op === 'delete') {
            cache.delete(o.key)
            last.delete(o.key)
            expect(cache.get(o.key)).toBeUndefined()
          } else {
            const got = cache.get(o.key)
            if (got !== undefined) expect(got).toBe(last.get(o.key))
          }
          expect(cache.size).toBeLessThanOrEqual(capacity)
        }
        // Nothing is dropped while there is room: with at most `capacity` keys ever set
        // and still present, every one of them is held.
        if (new Set(ops.filter((o) => o.op === 'set').map((o) => o.key)).size <= capacity) {
          for (const [key, value] of last) expect(cache.get(key)).toBe(value)
        }
      }),
    )
  })
})
