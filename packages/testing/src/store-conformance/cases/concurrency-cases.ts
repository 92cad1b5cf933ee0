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
  })
}
