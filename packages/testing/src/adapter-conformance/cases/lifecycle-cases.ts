import { describe, expect, it } from 'vitest'
import { type AdapterSuiteContext, sessionCookie, sessionSetCookies } from '../suite-context.js'

/**
 * Django saves nothing on a 5xx (`SessionMiddleware.process_response` skips the save
 * when `status_code >= 500`), and an error the adapter does not own reaches the
 * framework's own error path: the app's error handler answers, not Tessera.
 */
export function lifecycleCases(ctx: AdapterSuiteContext): void {
  describe('request lifecycle', () => {
    it('a handler that writes the session then throws: the app error handler answers, nothing is saved', async () => {
      const app = await ctx.open()
      const cookie = sessionCookie(await app.send('/set/a', { json: 1 }))
      for (const sent of [{ cookie }, {}]) {
        const res = await app.send('/throw', { method: 'POST', ...sent })
        expect(res.status).toBe(500)
        expect(await res.json()).toEqual({ caught: 'handler failed' })
        expect(sessionSetCookies(res)).toEqual([])
      }
      const state = await app.send('/data', { cookie })
      expect(await state.json()).toEqual({ a: 1 })
    })

    it('a handler that writes the session then answers 5xx: nothing is saved, no session cookie', async () => {
      const app = await ctx.open()
      const cookie = sessionCookie(await app.send('/set/a', { json: 1 }))
      for (const sent of [{ cookie }, {}]) {
        const res = await app.send('/fail', { method: 'POST', ...sent })
        expect(res.status).toBe(500)
        expect(await res.json()).toEqual({ failed: true })
        expect(sessionSetCookies(res)).toEqual([])
      }
      const state = await app.send('/data', { cookie })
      expect(await state.json()).toEqual({ a: 1 })
    })
  })
}
