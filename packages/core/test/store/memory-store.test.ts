import { isDeepStrictEqual } from 'node:util'
import { MemoryStore, type SessionRecord } from '@tessera/core'
import { describeSessionStore, ManualClock, makeRecord } from '@tessera/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

describeSessionStore('memory store', () => {
  const clock = new ManualClock()
  return { store: new MemoryStore({ clock: clock.now }), clock }
})

describe('memory store: copies and defaults', () => {
  it('mutating a record after create does not change the stored one', async () => {
    const store = new MemoryStore()
    const record = makeRecord({ userId: 'alice', data: { cart: [1] } })
    await store.create(record)
    const snapshot = structuredClone(record)
    ;(record.data.cart as number[]).push(2)
    record.userId = 'mallory'
    record.credentials.cookie = 'forged'
    record.meta.ip = '203.0.113.9'
    expect(await store.get(record.id)).toEqual(snapshot)
    expect(await store.listByUser('mallory')).toEqual([])
  })

  it('mutating a record returned by get or listByUser does not change the stored one', async () => {
    const store = new MemoryStore()
    const record = makeRecord({ userId: 'alice', data: { nested: { n: 1 } } })
    await store.create(record)
    const got = await store.get(record.id)
    if (!got) throw new Error('record not found')
    ;(got.data.nested as { n: number }).n = 99
    got.version = 42
    const [listed] = await store.listByUser('alice')
    if (!listed) throw new Error('record not listed')
    listed.data.injected = true
    expect(await store.get(record.id)).toEqual(record)
    expect(await store.update({ ...record, version: 2 }, 1)).toBe('ok')
  })

  it('getNow hands out the held record frozen all the way down, and a touch replaces it', async () => {
    const store = new MemoryStore()
    const record = makeRecord({ userId: 'alice', data: { cart: [{ sku: 'a' }] } })
    await store.create(record)
    const held = store.getNow(record.id)
    if (!held) throw new Error('record not found')
    expect(store.getNow(record.id)).toBe(held)
    expect(() => {
      ;(held.data.cart as [{ sku: string }])[0].sku = 'forged'
    }).toThrow(TypeError)
    expect(() => {
      held.credentials.cookie = 'forged'
    }).toThrow(TypeError)
    expect(() => (held.data.cart as unknown[]).push(1)).toThrow(TypeError)
    // get still hands out a copy its caller may change.
    const copy = await store.get(record.id)
    if (!copy) throw new Error('record not found')
    copy.data.changed = true
    expect(store.getNow(record.id)).toEqual(record)
    expect(await store.touch(record.id, record.lastSeenAt + 1, record.idleExpiresAt + 1)).toBe(true)
    const touched = store.getNow(record.id)
    expect(touched).not.toBe(held)
    expect(Object.isFrozen(touched)).toBe(true)
    expect(touched).toEqual({
      ...record,
      lastSeenAt: record.lastSeenAt + 1,
      idleExpiresAt: record.idleExpiresAt + 1,
    })
    expect(held.idleExpiresAt).toBe(record.idleExpiresAt)
  })

  it('mutating a record after update does not change the stored one', async () => {
    const store = new MemoryStore()
    const record = makeRecord()
    await store.create(record)
    const next = { ...record, data: { a: [1] }, version: 2 }
    await store.update(next, 1)
    ;(next.data.a as number[]).push(2)
    expect((await store.get(record.id))?.data).toEqual({ a: [1] })
  })

  it('reads the current time from Date.now when no clock is given', async () => {
    const store = new MemoryStore()
    const now = Date.now()
    const live = makeRecord({ idleExpiresAt: now + 60_000 }, now)
    const dead = makeRecord({ idleExpiresAt: now - 1 }, now)
    await store.create(live)
    await store.create(dead)
    expect(await store.get(live.id)).toEqual(live)
    expect(await store.get(dead.id)).toBeNull()
  })

  it('reads back exactly what a JSON round trip of the written record gives (fast-check)', async () => {
    // Keys include "__proto__" and other Object.prototype names: they must stay plain keys.
    const key = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString'))
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(key, tie('value'), { maxKeys: 4 }),
      ),
    })).value
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, json, { maxKeys: 6 }), async (data) => {
        const store = new MemoryStore()
        const record = makeRecord({ data: data as SessionRecord['data'] })
        await store.create(record)
        const expected = JSON.parse(JSON.stringify(record)) as SessionRecord
        // node:util's comparison: vitest's reads a "constructor" key as the object's class.
        const first = await store.get(record.id)
        expect(isDeepStrictEqual(first, expected)).toBe(true)
        // The copy is the reader's own: changing it leaves the next read untouched.
        if (first) first.data = { changed: true }
        expect(isDeepStrictEqual(await store.get(record.id), expected)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})
