import { describe, expect, it } from 'vitest'
import { faultyStore } from '../faulty-store.js'
import { type AdapterSuiteContext, sessionCookie } from '../suite-context.js'

/** Store outages answer 503 JSON within the store timeout, then heal. */
export function storeFailureCases(ctx: AdapterSuiteContext): void {
  describe.each([
    ['reject', 'STORE_UNAVAILABLE'],
    ['hang', 'STORE_TIMEOUT'],
  ] as const)('a store that starts to %s', (fault, code) => {
    it(`answers 503 JSON ${code}, then serves again once the store is back`, async () => {
      const { store, mode } = faultyStore()
      const app = await ctx.open({ store, storeTimeout: 100 })
      try {
        const cookie = sessionCookie(await app.send('/set/a', { json: 1 }))
        mode.value = fault
        const responses = await Promise.all([
          app.send('/get/a', { cookie }),
          app.send('/set/b', { cookie, json: 2 }),
          app.send('/set/c', { json: 3 }),
          app.send('/data', { cookie }),
        ])
        for (const res of responses) {
          expect(res.status).toBe(503)
          expect(res.headers.get('content-type')).toMatch(/^application\/json/)
          const body = (await res.json()) as { code: string }
          expect(body.code).toBe(code)
          expect(JSON.stringify(body)).not.toContain('6379')
          expect(res.headers.getSetCookie().filter((c) => c.startsWith('sessionid='))).toEqual([])
        }
        expect((await app.send('/static')).status).toBe(200)
        mode.value = 'ok'
        const healed = await app.send('/get/a', { cookie })
        expect(healed.status).toBe(200)
        expect(await healed.json()).toEqual({ value: 1 })
      } finally {
        mode.value = 'ok'
      }
    })
  })
}
