import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hostileCookieHeader } from '../hostile-cookie-header.js'
import { type AdapterSuiteContext, HTTP, HTTPS, sessionCookie } from '../suite-context.js'

/** Random and pathological Cookie headers: never a 5xx, never an exception. */
export function hostileInputCases(ctx: AdapterSuiteContext): void {
  describe('hostile cookie headers', () => {
    it(`random Cookie headers never give a 5xx (fast-check, ${ctx.hostileRuns} runs)`, async () => {
      const { send } = await ctx.open()
      const live = sessionCookie(await send('/set/a', { json: 1 }))
      const cookieHeader = hostileCookieHeader(live)
      const route = fc.constantFrom(
        ['GET', '/get/a'],
        ['POST', '/set/b'],
        ['GET', '/data'],
        ['GET', '/static'],
        ['GET', '/csrf-token'],
        ['POST', '/protected'],
        ['GET', '/session-token'],
        ['POST', '/flush'],
      )
      await fc.assert(
        fc.asyncProperty(
          cookieHeader,
          route,
          fc.constantFrom(HTTP, HTTPS),
          async (cookie, [method, path], base) => {
            const res = await send(path as string, {
              method,
              base,
              cookie,
              json: method === 'POST' ? 1 : undefined,
            })
            expect(res.status).toBeLessThan(500)
            await res.arrayBuffer()
          },
        ),
        { numRuns: ctx.hostileRuns },
      )
    })

    it.each([
      ['100 KB cookie', `sessionid=${'A'.repeat(100_000)}`],
      ['control characters', 'sessionid=\u0001\u0002\u007f'],
      ['empty value', 'sessionid='],
      ['duplicate names', 'sessionid=x; sessionid=y'],
      ['unicode space before the name', '\u00a0sessionid=x'],
    ])('%s gives an anonymous session, not an error', async (_, cookie) => {
      const { send } = await ctx.open()
      const res = await send('/get/a', { cookie })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ value: null })
    })
  })
}
