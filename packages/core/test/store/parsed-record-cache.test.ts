import { type JsonValue, ParsedRecordCache, type SessionRecord } from '@tessera/core'
import { makeRecord } from '@tessera/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const T0 = 1_700_000_000_000

function jsonOf(overrides: Partial<SessionRecord>): { id: string; json: string } {
  const record = makeRecord(overrides, T0)
  return { id: record.id, json: JSON.stringify(record) }
}

describe('ParsedRecordCache', () => {
  it('hands out the same frozen record while the text is the same, and parses a new text', () => {
    const cache = new ParsedRecordCache()
    const { id, json } = jsonOf({ data: { cart: ['apple'] } })
    const first = cache.read(id, json)
    expect(first).toEqual(JSON.parse(json))
    expect(cache.read(id, `${json}`)).toBe(first)
    const cart = first.data.cart as string[]
    expect(Object.isFrozen(first) && Object.isFrozen(first.data) && Object.isFrozen(cart)).toBe(
      true,
    )
    expect(() => cart.push('pear')).toThrow(TypeError)

    const changed = JSON.stringify({ ...JSON.parse(json), data: { cart: ['pear'] } })
    const second = cache.read(id, changed)
    expect(second).not.toBe(first)
    expect(second.data).toEqual({ cart: ['pear'] })
    expect(cache.size).toBe(1)
  })

  it('carries the times it is given; a touch keeps the frozen data and makes a new record', () => {
    const cache = new ParsedRecordCache()
    const { id, json } = jsonOf({ data: { n: 1 } })
    const first = cache.read(id, json, T0 + 5, T0 + 60_000)
    expect([first.lastSeenAt, first.idleExpiresAt]).toEqual([T0 + 5, T0 + 60_000])
    expect(cache.read(id, json, T0 + 5, T0 + 60_000)).toBe(first)

    const touched = cache.read(id, json, T0 + 9, T0 + 90_000)
    expect(touched).not.toBe(first)
    expect(touched).toEqual({ ...first, lastSeenAt: T0 + 9, idleExpiresAt: T0 + 90_000 })
    expect(touched.data).toBe(first.data)
    expect(Object.isFrozen(touched)).toBe(true)
    expect(cache.read(id, json, T0 + 9, T0 + 90_000)).toBe(touched)
    // Read without times, the text's own are the ones that count.
    expect(cache.read(id, json)).toEqual(JSON.parse(json))
  })

  it('holds at most its capacity, the one held longest going first; forget and clear drop', () => {
    const cache = new ParsedRecordCache(2)
    const [a, b, c] = [jsonOf({}), jsonOf({}), jsonOf({})] as const
    const heldA = cache.read(a.id, a.json)
    const heldB = cache.read(b.id, b.json)
    cache.read(c.id, c.json)
    expect(cache.size).toBe(2)
    expect(cache.read(b.id, b.json)).toBe(heldB)
    expect(cache.read(a.id, a.json)).not.toBe(heldA)

    const heldC = cache.read(c.id, c.json)
    cache.forget(c.id)
    expect(cache.read(c.id, c.json)).not.toBe(heldC)
    cache.clear()
    expect(cache.size).toBe(0)

    const none = new ParsedRecordCache(0)
    expect(none.read(a.id, a.json)).not.toBe(none.read(a.id, a.json))
    expect(none.size).toBe(0)
  })

  it('property: whatever was read before, a read equals its own text parsed, with its times', () => {
    const ids = ['a', 'b', 'c']
    const read = fc.record({
      id: fc.constantFrom(...ids),
      data: fc.dictionary(fc.constantFrom('k', 'l'), fc.jsonValue(), { maxKeys: 2 }),
      version: fc.integer({ min: 1, max: 3 }),
      times: fc.option(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))),
    })
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.array(read, { maxLength: 40 }),
        (capacity, reads) => {
          const cache = new ParsedRecordCache(capacity)
          for (const { id, data, version, times } of reads) {
            const fixed = {
              data: data as Record<string, JsonValue>,
              version,
              credentials: { cookie: 'c' },
            }
            const json = JSON.stringify({ ...makeRecord(fixed, T0), id })
            const expected = JSON.parse(json) as SessionRecord
            const got =
              times === null ? cache.read(id, json) : cache.read(id, json, times[0], times[1])
            if (times !== null) {
              expected.lastSeenAt = times[0]
              expected.idleExpiresAt = times[1]
            }
            expect(got).toEqual(expected)
            expect(Object.isFrozen(got) && Object.isFrozen(got.data)).toBe(true)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
