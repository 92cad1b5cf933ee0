import { describe, expect, it } from 'vitest'
import { type AdapterSuiteContext, sessionCookie } from '../suite-context.js'

/** Concurrent writers on one session: the manager's compare-and-set retries must hold. */
export function concurrencyCases(ctx: AdapterSuiteContext): void {
  const how = ctx.realPort ? 'over real HTTP' : 'through fetch()'
  describe('concurrency', () => {
    it(`${ctx.concurrency} concurrent writers on one session all land (${how})`, async () => {
      const { sendOverNetwork: send } = await ctx.open()
      const cookie = sessionCookie(await send('/set/start', { json: 0 }))
      const responses = await Promise.all(
        Array.from({ length: ctx.concurrency }, (_, i) => send(`/set/k${i}`, { cookie, json: i })),
      )
      expect(responses.map((r) => r.status)).toEqual(Array(ctx.concurrency).fill(200))
      const data = (await (await send('/data', { cookie })).json()) as Record<string, number>
      expect(Object.keys(data)).toHaveLength(ctx.concurrency + 1)
      for (let i = 0; i < ctx.concurrency; i++) expect(data[`k${i}`]).toBe(i)
    })
  })
}
