import type { SessionRecord, SessionStore } from '@tessera/core'
import { type ManualClock, makeRecord } from '@tessera/testing'
import { expect } from 'vitest'

type SharedReader = SessionStore & { getShared(id: string): Promise<SessionRecord | null> }

/**
 * `one.getShared` hands out one frozen record while the stored session is unchanged,
 * and reads anew what another instance (`two`, on the same data) wrote: a touch, an
 * update, a delete. `get` still hands out an unfrozen copy. Both stores run on `clock`.
 * Answers the first record and the one read after the touch, for the store's own
 * checks (a store that keeps times beside the JSON shares the frozen data).
 */
export async function checkSharedRecordReads(
  one: SharedReader,
  two: SessionStore,
  clock: ManualClock,
): Promise<{ first: SessionRecord; touched: SessionRecord | null }> {
  const record = makeRecord({ data: { cart: ['apple'] } }, clock.now())
  await one.create(record)
  const first = (await one.getShared(record.id)) as SessionRecord
  expect(first).toEqual(record)
  expect(await one.getShared(record.id)).toBe(first)
  expect(() => (first.data.cart as string[]).push('pear')).toThrow(TypeError)
  const copy = await one.get(record.id)
  expect(copy).toEqual(record)
  expect(Object.isFrozen(copy)).toBe(false)

  clock.advance(5)
  expect(await two.touch(record.id, clock.now(), clock.now() + 60_000)).toBe(true)
  const touched = await one.getShared(record.id)
  expect(touched).not.toBe(first)
  expect(touched).toEqual({
    ...record,
    lastSeenAt: clock.now(),
    idleExpiresAt: clock.now() + 60_000,
  })

  const next = { ...record, data: { cart: ['pear'] }, version: 2 }
  expect(await two.update(next, 1)).toBe('ok')
  expect(await one.getShared(record.id)).toEqual(next)
  await two.delete(record.id)
  expect(await one.getShared(record.id)).toBeNull()
  return { first, touched }
}
