import { describe, expect, it } from 'vitest'
import { type AdapterSuiteContext, sessionCookie, sessionSetCookies } from '../suite-context.js'

/**
 * A login-required route group with an explicit opt-out (Django REST framework's
 * `IsAuthenticated` default and `AllowAny`), and the user resolved once per request.
 */
export function userCases(ctx: AdapterSuiteContext): void {
  describe('login-required group', () => {
    it('refuses an anonymous request with the 401 JSON, and lets the opted-out route through', async () => {
      const app = await ctx.open()
      const res = await app.send('/members/me')
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('Session')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(await res.json()).toEqual({ detail: 'Authentication credentials were not provided.' })
      expect(sessionSetCookies(res)).toEqual([])
      const open = await app.send('/members/open')
      expect(open.status).toBe(200)
      expect(await open.json()).toEqual({ open: true })
      expect(sessionSetCookies(open)).toEqual([])
    })

    // Routers read paths loosely: Fastify decodes `%` escapes before routing, Express
    // routes case-insensitively, slash options merge or drop slashes. A spelling that
    // reaches a route of the group must not skip the group's login.
    it('no other spelling of a path in the group reaches its handler anonymously', async () => {
      const app = await ctx.open()
      const spellings = [
        '/%6Dembers/plain',
        '/%6d%65mbers/plain',
        '/members/%70lain',
        '/MEMBERS/plain',
        '/Members/Plain',
        '/members%2Fplain',
        '//members/plain',
        '/members//plain',
        '/members/plain/',
        '/members/plain?x=/open',
      ]
      expect((await app.send('/members/plain')).status).toBe(401)
      for (const path of spellings) {
        const res = await app.send(path)
        expect({ path, status: res.status }).toEqual({
          path,
          status: res.status === 404 ? 404 : 401,
        })
      }
    })

    it('hands the logged-in user to the handler, looked up once for group and route guards', async () => {
      const app = await ctx.open()
      const cookie = sessionCookie(await app.send('/login', { method: 'POST' }))
      const before = app.userLookups.count
      const res = await app.send('/members/me', { cookie })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ username: 'ada' })
      expect(app.userLookups.count - before).toBe(1)
    })
  })
}
