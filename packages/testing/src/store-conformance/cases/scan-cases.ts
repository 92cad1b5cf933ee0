import type { SessionRecord, SessionStore } from '@tessera/core'
import { ConfigError } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from '../suite-context.js'

type Scan = NonNullable<SessionStore['scan']>
type CountExpired = NonNullable<SessionStore['countExpired']>

/**
 * The optional operator methods: `scan` walks every live record page by page,
 * `countExpired` counts what `deleteExpired` would remove, and `deleteExpired` reports
 * its progress. A store without `scan` or `countExpired` skips those cases visibly.
 */
export function scanCases(ctx: SuiteContext): void {
  // Not a missing service: the store lacks an optional method (Redis expires records
  // itself, so it has nothing to count). The note says so in the report.
  const scanOf = (skip: (note: string) => void): Scan => {
    const scan = ctx.store.scan?.bind(ctx.store)
    if (!scan) skip('optional: this store has no scan()')
    return scan as Scan
  }
  const countOf = (skip: (note: string) => void): CountExpired => {
    const count = ctx.store.countExpired?.bind(ctx.store)
    if (!count) skip('optional: this store has no countExpired() (it expires records natively)')
    return count as CountExpired
  }
  const collect = async (pages: AsyncIterable<SessionRecord[]>, batchSize: number) => {
    const sizes: number[] = []
    const byId = new Map<string, SessionRecord>()
    for await (const page of pages) {
      sizes.push(page.length)
      for (const record of page) byId.set(record.id, record)
    }
    for (const size of sizes) {
      expect(size).toBeGreaterThan(0)
      expect(size).toBeLessThanOrEqual(batchSize)
    }
    return { sizes, records: [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1)) }
  }
  const sorted = (records: SessionRecord[]) => [...records].sort((a, b) => (a.id < b.id ? -1 : 1))

  /** 23 live records (users, anonymous, touched) and 4 that expire after one second. */
  const seed = async () => {
    const now = ctx.clock.now()
    const live: SessionRecord[] = []
    for (let i = 0; i < 23; i++) {
      const record = ctx.make({ userId: i % 3 === 0 ? null : `user${i % 4}`, data: { i } })
      expect(await ctx.store.create(record)).toBe(true)
      live.push(record)
    }
    const dying: SessionRecord[] = []
    for (let i = 0; i < 4; i++) {
      const record = ctx.make({ userId: i % 2 ? 'user1' : null, idleExpiresAt: now + 1000 })
      expect(await ctx.store.create(record)).toBe(true)
      dying.push(record)
    }
    ctx.clock.advance(1000)
    return { live, dying }
  }

  describe('scan and countExpired (optional)', () => {
    it('scan yields every live record, by value, in pages of at most batchSize', async ({
      skip,
    }) => {
      const scan = scanOf(skip)
      const { live } = await seed()
      const { sizes, records } = await collect(scan({ batchSize: 5 }), 5)
      expect(records).toEqual(sorted(live))
      expect(sizes.length).toBeGreaterThanOrEqual(5)
      const all = await collect(scan(), 500)
      expect(all.records).toEqual(sorted(live))
    })

    it('scan never yields an expired record, and nothing for an empty store', async ({ skip }) => {
      const scan = scanOf(skip)
      expect((await collect(scan({ batchSize: 3 }), 3)).sizes).toEqual([])
      const now = ctx.clock.now()
      const short = ctx.make({ idleExpiresAt: now + 10 })
      const absolute = ctx.make({ userId: 'u1', absoluteExpiresAt: now + 10 })
      await ctx.store.create(short)
      await ctx.store.create(absolute)
      ctx.clock.advance(10)
      expect((await collect(scan({ batchSize: 3 }), 3)).sizes).toEqual([])
    })

    it('scan shows records as touch and update left them', async ({ skip }) => {
      const scan = scanOf(skip)
      const now = ctx.clock.now()
      const touched = ctx.make({ userId: 'u1' })
      const updated = ctx.make({ userId: 'u1' })
      await ctx.store.create(touched)
      await ctx.store.create(updated)
      expect(await ctx.store.touch(touched.id, now + 5, now + 90_000)).toBe(true)
      const next = { ...updated, userId: 'u2', data: { moved: true }, version: 2 }
      expect(await ctx.store.update(next, 1)).toBe('ok')
      const { records } = await collect(scan({ batchSize: 1 }), 1)
      expect(records).toEqual(
        sorted([{ ...touched, lastSeenAt: now + 5, idleExpiresAt: now + 90_000 }, next]),
      )
    })

    it('records scan yields are the caller’s: changing them changes nothing stored', async ({
      skip,
    }) => {
      const scan = scanOf(skip)
      const record = ctx.make({ data: { n: 1 } })
      await ctx.store.create(record)
      for await (const page of scan()) for (const r of page) r.data.n = 2
      expect(await ctx.store.get(record.id)).toEqual(record)
    })

    it('scan refuses a batchSize that is not a whole number from 1 to 10000', async ({ skip }) => {
      const scan = scanOf(skip)
      for (const batchSize of [0, -1, 1.5, 10_001, Number.NaN]) {
        await expect(collect(scan({ batchSize }), 1)).rejects.toBeInstanceOf(ConfigError)
      }
    })

    it('countExpired counts exactly what deleteExpired removes', async ({ skip }) => {
      const count = countOf(skip)
      expect(await count()).toBe(0)
      const { dying } = await seed()
      expect(await count()).toBe(dying.length)
      expect(await ctx.store.deleteExpired()).toBe(dying.length)
      expect(await count()).toBe(0)
    })

    it('deleteExpired reports a growing running total that ends at its answer', async ({
      skip,
    }) => {
      // Stores that expire natively have nothing to delete, hence nothing to report.
      if (ctx.nativeExpiry) skip()
      const { dying } = await seed()
      const totals: number[] = []
      const deleted = await ctx.store.deleteExpired({ onProgress: (n) => totals.push(n) })
      expect(deleted).toBe(dying.length)
      expect(totals.at(-1)).toBe(deleted)
      for (let i = 1; i < totals.length; i++) {
        expect(totals[i] as number).toBeGreaterThan(totals[i - 1] as number)
      }
    })
  })
}
