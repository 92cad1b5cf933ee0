import type { SessionRecord } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import type { SuiteContext } from '../suite-context.js'

/** Races that the session manager relies on being decided by the store, not by luck. */
export function concurrencyCases(ctx: SuiteContext): void {
  describe('concurrency', () => {
    it(`${ctx.concurrency} concurrent creates of one id: exactly one wins`, async () => {
      const id = ctx.make().id
      const contenders = Array.from({ length: ctx.concurrency }, (_, i) =>
        ctx.make({ id, data: { i } }),
      )
      const results = await Promise.all(contenders.map((r) => ctx.store.create(r)))
      expect(results.filter(Boolean)).toHaveLength(1)
      const winner = contenders[results.indexOf(true)]
      expect(await ctx.store.get(id)).toEqual(winner)
    })

    it(`${ctx.concurrency} concurrent read-modify-write loops all land`, async () => {
      const n = ctx.concurrency
      // Fair compare-and-set needs at most n(n+1)/2 attempts when every round has one
      // winner; n² leaves room for unlucky interleavings yet stops a livelock.
      const maxAttempts = Math.max(10_000, n * n)
      const initial = ctx.make({ data: { seed: true }, version: 5 })
      await ctx.store.create(initial)
      let attempts = 0

      const writer = async (i: number): Promise<void> => {
        for (;;) {
          if (++attempts > maxAttempts) throw new Error(`no progress after ${maxAttempts} attempts`)
          const current = await ctx.store.get(initial.id)
          if (!current) throw new Error('the record vanished under concurrent updates')
          const next: SessionRecord = {
            ...current,
            data: { ...current.data, [`writer${i}`]: i },
            version: current.version + 1,
          }
          const result = await ctx.store.update(next, current.version)
          if (result === 'ok') return
          expect(result).toBe('conflict')
        }
      }
      await Promise.all(Array.from({ length: n }, (_, i) => writer(i)))

      const final = await ctx.store.get(initial.id)
      expect(final?.version).toBe(initial.version + n)
      const expected: Record<string, unknown> = { seed: true }
      for (let i = 0; i < n; i++) expected[`writer${i}`] = i
      expect(final?.data).toEqual(expected)
    })

    it(`${ctx.concurrency} updates racing a touch of the version they replace: the update's deadline stands`, async () => {
      // A renewal of a request that loaded version 1, racing a write of version 2 that
      // shortens the idle deadline (setExpiry): whichever lands first, the record ends
      // as the write left it, and expires on its deadline.
      const now = ctx.clock.now()
      const records = Array.from({ length: ctx.concurrency }, (_, i) =>
        ctx.make({ userId: `u${i % 3}`, data: { i }, idleExpiresAt: now + 30 * 60_000 }),
      )
      for (const record of records) await ctx.store.create(record)
      const written = records.map(
        (record): SessionRecord => ({
          ...record,
          data: { ...record.data, written: true },
          idleExpiresAt: now + 60_000,
          version: record.version + 1,
        }),
      )
      const results = await Promise.all(
        records.flatMap((record, i) => {
          const update = () => ctx.store.update(written[i] as SessionRecord, record.version)
          const touch = () => ctx.store.touch(record.id, now, now + 60 * 60_000, record.version)
          // Half start with the touch, half with the update.
          return i % 2 === 0 ? [touch(), update()] : [update(), touch()]
        }),
      )
      expect(results.filter((r) => r === 'ok')).toHaveLength(ctx.concurrency)
      for (const record of written) expect(await ctx.store.get(record.id)).toEqual(record)
      ctx.clock.set(now + 60_000)
      for (const record of written) expect(await ctx.store.get(record.id)).toBeNull()
    })
  })
}
