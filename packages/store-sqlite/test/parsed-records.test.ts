import { setImmediate as nextTurn } from 'node:timers/promises'
import type { JsonValue } from '@tessera/core'
import { SqliteStore } from '@tessera/store-sqlite'
import { ManualClock, makeRecord } from '@tessera/testing'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { beforeEach, describe, expect, it } from 'vitest'
import { useTempDatabase } from './support/temp-database.js'

describe('sqlite store › getNow hands out the parsed record again while its row is unchanged', () => {
  const temp = useTempDatabase('tessera-sqlite-parsed-')
  let file: string
  beforeEach(() => {
    file = temp.file()
  })

  it('the same frozen record until the row changes; get parses a copy of its own', async () => {
    const clock = new ManualClock()
    const store = temp.track(new SqliteStore({ path: file, clock: clock.now }))
    const record = makeRecord({ data: { cart: ['apple'] } }, clock.now())
    await store.create(record)
    const first = store.getNow(record.id)
    expect(first).toEqual(record)
    expect(store.getNow(record.id)).toBe(first)
    const cart = first?.data.cart as string[]
    expect(Object.isFrozen(cart)).toBe(true)
    expect(() => cart.push('pear')).toThrow(TypeError)

    const copy = await store.get(record.id)
    expect(copy).toEqual(record)
    expect(copy).not.toBe(first)
    expect(Object.isFrozen(copy)).toBe(false)

    expect(await store.touch(record.id, clock.now() + 5, clock.now() + 60_000)).toBe(true)
    const touched = store.getNow(record.id)
    expect(touched).not.toBe(first)
    expect(touched?.lastSeenAt).toBe(clock.now() + 5)
  })

  it('a row rewritten by another process is parsed again', async () => {
    const clock = new ManualClock()
    const store = temp.track(new SqliteStore({ path: file, clock: clock.now }))
    const record = makeRecord({ data: { n: 1 } }, clock.now())
    await store.create(record)
    expect(store.getNow(record.id)?.data).toEqual({ n: 1 })
    const other = temp.track(new Database(file))
    other
      .prepare('UPDATE tessera_sessions SET record = ? WHERE id = ?')
      .run(JSON.stringify({ ...record, data: { n: 2 } }), record.id)
    await nextTurn()
    expect(store.getNow(record.id)?.data).toEqual({ n: 2 })
  })

  it('property: over any writes and reads of a few sessions, getNow equals what get parses', async () => {
    const clock = new ManualClock()
    const store = temp.track(new SqliteStore({ path: file, clock: clock.now }))
    const ids = ['a', 'b', 'c'].map(
      (suffix) => `${makeRecord({}, clock.now()).id.slice(0, -1)}${suffix}`,
    )
    const step = fc.record({
      session: fc.integer({ min: 0, max: 2 }),
      action: fc.constantFrom('write', 'touch', 'delete', 'read', 'next turn'),
      value: fc.jsonValue() as fc.Arbitrary<JsonValue>,
    })
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        for (const { session, action, value } of steps) {
          const id = ids[session] as string
          const now = clock.now()
          const current = await store.get(id)
          if (action === 'write') {
            const next = makeRecord({ id, data: { value } }, now)
            if (current === null) await store.create(next)
            else await store.update({ ...next, version: current.version + 1 }, current.version)
          } else if (action === 'touch') {
            await store.touch(id, now + 1, now + 60_000)
          } else if (action === 'delete') {
            await store.delete(id)
          } else if (action === 'next turn') {
            await nextTurn()
          }
          expect(store.getNow(id)).toEqual(await store.get(id))
        }
      }),
      { numRuns: 100 },
    )
  })
})
