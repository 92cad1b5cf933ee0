import { describe, expect, it } from 'vitest'
import {
  type AdapterSuiteContext,
  HTTPS,
  listHas,
  parseSetCookie,
  sessionCookie,
  sessionSetCookies,
} from '../suite-context.js'

/** Session cookie attributes and the caching headers that travel with it. */
export function cookieCases(ctx: AdapterSuiteContext): void {
  describe('session cookie and caching headers', () => {
    it('a new session sets sessionid with HttpOnly, SameSite=Lax, Path=/, Max-Age and no Secure over http', async () => {
      const { send } = await ctx.open()
      const res = await send('/set/theme', { json: 'dark' })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ ok: true })
      const headers = sessionSetCookies(res)
      expect(headers).toHaveLength(1)
      const cookie = parseSetCookie(headers[0] as string)
      expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/)
      expect(cookie.attributes.has('httponly')).toBe(true)
      expect(cookie.attributes.get('samesite')).toBe('Lax')
      expect(cookie.attributes.get('path')).toBe('/')
      expect(cookie.attributes.get('max-age')).toMatch(/^[1-9]\d*$/)
      expect(cookie.attributes.has('secure')).toBe(false)
    })

    it('the cookie is Secure on https:// URLs', async () => {
      const { send } = await ctx.open()
      const res = await send('/set/theme', { base: HTTPS, json: 'dark' })
      const cookie = parseSetCookie(sessionSetCookies(res)[0] as string)
      expect(cookie.attributes.has('secure')).toBe(true)
    })

    it('setting a credential sends Cache-Control: no-store and Vary: Cookie', async () => {
      const { send } = await ctx.open()
      const res = await send('/set/a', { json: 1 })
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(listHas(res.headers.get('vary'), 'cookie')).toBe(true)
    })

    it('reading the session sends Vary: Cookie, and no Set-Cookie when nothing changed', async () => {
      const { send } = await ctx.open()
      const cookie = sessionCookie(await send('/set/theme', { json: 'dark' }))
      const read = await send('/get/theme', { cookie })
      expect(read.status).toBe(200)
      expect(await read.json()).toEqual({ value: 'dark' })
      expect(listHas(read.headers.get('vary'), 'cookie')).toBe(true)
      expect(sessionSetCookies(read)).toEqual([])
      const anonymous = await send('/get/theme')
      expect(await anonymous.json()).toEqual({ value: null })
      expect(listHas(anonymous.headers.get('vary'), 'cookie')).toBe(true)
    })

    it('GET /data answers the whole session', async () => {
      const { send } = await ctx.open()
      const cookie = sessionCookie(await send('/set/a', { json: { nested: [1, 'é'] } }))
      await send('/set/b', { cookie, json: null })
      const res = await send('/data', { cookie })
      expect(await res.json()).toEqual({ a: { nested: [1, 'é'] }, b: null })
    })

    it('a route that never touches the session gets no session headers (lazy sessions)', async () => {
      const { send } = await ctx.open()
      const cookie = sessionCookie(await send('/set/a', { json: 1 }))
      for (const header of [undefined, cookie, 'sessionid=whatever']) {
        const res = await send('/static', { cookie: header })
        expect(res.status).toBe(200)
        expect(res.headers.getSetCookie()).toEqual([])
        expect(listHas(res.headers.get('vary'), 'cookie')).toBe(false)
        expect(res.headers.get('cache-control')).not.toBe('no-store')
      }
    })

    it('flush clears the cookie with Max-Age=0 and the old cookie is dead', async () => {
      const { send } = await ctx.open()
      const cookie = sessionCookie(await send('/set/user', { json: 'ada' }))
      const res = await send('/flush', { method: 'POST', cookie })
      expect(res.status).toBe(200)
      const cleared = parseSetCookie(sessionSetCookies(res)[0] as string)
      expect(cleared.value).toBe('')
      expect(cleared.attributes.get('max-age')).toBe('0')
      expect(cleared.attributes.get('path')).toBe('/')
      expect(res.headers.get('cache-control')).toBe('no-store')
      const replay = await send('/get/user', { cookie })
      expect(await replay.json()).toEqual({ value: null })
    })

    it('a redirect response still carries the Set-Cookie', async () => {
      const { send } = await ctx.open()
      const res = await send('/redirect')
      expect(res.status).toBe(302)
      expect(new URL(res.headers.get('location') as string, 'http://x').pathname).toBe('/static')
      const cookie = sessionCookie(res)
      expect(res.headers.get('cache-control')).toBe('no-store')
      const read = await send('/get/redirected', { cookie })
      expect(await read.json()).toEqual({ value: true })
    })
  })
}
