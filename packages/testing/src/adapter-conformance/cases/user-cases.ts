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
