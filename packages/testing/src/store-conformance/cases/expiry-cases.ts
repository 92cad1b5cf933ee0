import type { SessionRecord } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from '../suite-context.js'

/**
 * A record is live while `clock.now() < min(idleExpiresAt, absoluteExpiresAt)`: at the
 * boundary itself it is already gone, for every read and every conditional write.
 */
export function expiryCases(ctx: SuiteContext): void {
  const visible = async (record: SessionRecord, userId: string): Promise<boolean> => {
    const got = await ctx.store.get(record.id)
    const listed = (await ctx.store.listByUser(userId)).some((r) => r.id === record.id)
    expect(listed).toBe(got !== null)
    return got !== null
  }

  describe('expiry', () => {
    it('a record dies exactly when idleExpiresAt is reached', async () => {
      const now = ctx.clock.now()
      const record = ctx.make({
        userId: 'u1',
        idleExpiresAt: now + 1000,
        absoluteExpiresAt: now + 10_000,
      })
      await ctx.store.create(record)
      ctx.clock.advance(999)
      expect(await visible(record, 'u1')).toBe(true)
      ctx.clock.advance(1)
      expect(await visible(record, 'u1')).toBe(false)
    })

    it('a record dies exactly when absoluteExpiresAt is reached, idle time left or not', async () => {
      const now = ctx.clock.now()
      const record = ctx.make({
        userId: 'u1',
        idleExpiresAt: now + 10_000,
        absoluteExpiresAt: now + 1000,
      })
      await ctx.store.create(record)
      ctx.clock.advance(999)
      expect(await visible(record, 'u1')).toBe(true)
      ctx.clock.advance(1)
      expect(await visible(record, 'u1')).toBe(false)
    })

    it('touch keeps a record alive past its first idle deadline, never past absoluteExpiresAt', async () => {
      const start = ctx.clock.now()
      const record = ctx.make({
        userId: 'u1',
        idleExpiresAt: start + 1000,
        absoluteExpiresAt: start + 5000,
      })
      await ctx.store.create(record)
      ctx.clock.advance(900)
      expect(await ctx.store.touch(record.id, ctx.clock.now(), ctx.clock.now() + 1000)).toBe(true)
      ctx.clock.advance(900) // past the first idle deadline, within the second
      expect(await visible(record, 'u1')).toBe(true)
      // The caller may hand over an idle deadline beyond the absolute one; it does not count.
      expect(await ctx.store.touch(record.id, ctx.clock.now(), start + 60_000)).toBe(true)
      ctx.clock.set(start + 4999)
      expect(await visible(record, 'u1')).toBe(true)
      ctx.clock.set(start + 5000)
      expect(await visible(record, 'u1')).toBe(false)
    })

    it('an update can move the expiry either way', async () => {
      const now = ctx.clock.now()
      const record = ctx.make({ idleExpiresAt: now + 1000 })
      await ctx.store.create(record)
      const longer = { ...record, idleExpiresAt: now + 3000, version: 2 }
      expect(await ctx.store.update(longer, 1)).toBe('ok')
      ctx.clock.advance(2000)
      expect(await ctx.store.get(record.id)).toEqual(longer)
      const shorter = { ...longer, idleExpiresAt: ctx.clock.now() + 10, version: 3 }
      expect(await ctx.store.update(shorter, 2)).toBe('ok')
      ctx.clock.advance(10)
      expect(await ctx.store.get(record.id)).toBeNull()
    })

    it("update of an expired record answers 'missing', whatever the version", async () => {
      const now = ctx.clock.now()
      const record = ctx.make({ idleExpiresAt: now + 1000 })
      await ctx.store.create(record)
      ctx.clock.advance(1000)
      const revived = { ...record, idleExpiresAt: now + 60_000, version: 2 }
      expect(await ctx.store.update(revived, 1)).toBe('missing')
      expect(await ctx.store.update({ ...revived, version: 6 }, 5)).toBe('missing')
      expect(await ctx.store.get(record.id)).toBeNull()
    })
  })

  describe('deleteExpired', () => {
    it('removes expired records, answers how many, and keeps live ones', async () => {
      const now = ctx.clock.now()
      const idle = ctx.make({ userId: 'u1', idleExpiresAt: now + 1000 })
      const absolute = ctx.make({ absoluteExpiresAt: now + 1500 })
      const live = ctx.make({ userId: 'u1', idleExpiresAt: now + 2000 })
      for (const r of [idle, absolute, live]) await ctx.store.create(r)
      expect(await ctx.store.deleteExpired()).toBe(0)
      ctx.clock.advance(1500)
      expectCount(await ctx.store.deleteExpired(), 2)
      expect(await ctx.store.deleteExpired()).toBe(0)
      expect(await ctx.store.get(live.id)).toEqual(live)
      expect(await ctx.store.listByUser('u1')).toEqual([live])
      // The ids are free again: nothing of the expired records lingers.
      expect(await ctx.store.create(ctx.make({ id: idle.id }))).toBe(true)
    })

    it('honours expiry moved by touch and by update', async () => {
      const now = ctx.clock.now()
      const touched = ctx.make({ idleExpiresAt: now + 1000 })
      const updated = ctx.make({ idleExpiresAt: now + 1000 })
      const shortened = ctx.make({ idleExpiresAt: now + 60_000 })
      for (const r of [touched, updated, shortened]) await ctx.store.create(r)
      expect(await ctx.store.touch(touched.id, now, now + 5000)).toBe(true)
      expect(await ctx.store.update({ ...updated, idleExpiresAt: now + 5000, version: 2 }, 1)).toBe(
        'ok',
      )
      expect(
        await ctx.store.update({ ...shortened, idleExpiresAt: now + 500, version: 2 }, 1),
      ).toBe('ok')
      ctx.clock.advance(2000)
      expectCount(await ctx.store.deleteExpired(), 1)
      expect(await ctx.store.get(touched.id)).not.toBeNull()
      expect(await ctx.store.get(updated.id)).not.toBeNull()
      expect(await ctx.store.get(shortened.id)).toBeNull()
    })
  })

  function expectCount(actual: number, expected: number): void {
    if (ctx.nativeExpiry) expect([0, expected]).toContain(actual)
    else expect(actual).toBe(expected)
  }
}
