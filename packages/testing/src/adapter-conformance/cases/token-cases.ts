import { describe, expect, it } from 'vitest'
import type { AdapterSuiteContext, OpenApp } from '../suite-context.js'

async function issueToken(app: OpenApp): Promise<string> {
  const res = await app.send('/session-token')
  expect(res.status).toBe(200)
  expect(res.headers.get('cache-control')).toBe('no-store')
  const { sessionToken } = (await res.json()) as { sessionToken: string }
  expect(sessionToken).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/)
  return sessionToken
}

/** Cookieless sessions through the `X-Session-Token` header. */
export function tokenCases(ctx: AdapterSuiteContext): void {
  describe('header tokens', () => {
    it('a client with only X-Session-Token keeps its session and gets no session cookie', async () => {
      const app = await ctx.open()
      const token = await issueToken(app)
      const headers = { 'x-session-token': token }
      const set = await app.send('/set/cart', { headers, json: [1, 2] })
      expect(set.status).toBe(200)
      expect(set.headers.getSetCookie().filter((c) => c.startsWith('sessionid='))).toEqual([])
      const read = await app.send('/get/cart', { headers })
      expect(await read.json()).toEqual({ value: [1, 2] })
    })

    it('a valid X-Session-Token is exempt from CSRF checks: 200 without a CSRF token', async () => {
      const app = await ctx.open()
      const token = await issueToken(app)
      const headers = { 'x-session-token': token }
      const res = await app.send('/protected', {
        method: 'POST',
        headers: { ...headers, origin: 'https://other.example' },
      })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ ok: true })
      const state = await app.send('/get/done', { headers })
      expect(await state.json()).toEqual({ value: true })
    })
  })
}
