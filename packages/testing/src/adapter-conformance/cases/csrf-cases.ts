import { describe, expect, it } from 'vitest'
import { visitForCsrfToken } from '../csrf-visit.js'
import { type AdapterSuiteContext, HTTP, type OpenApp, sessionCookie } from '../suite-context.js'

/** A refusal: 403 JSON with a `code`, no session cookie set, and `done` never set. */
async function expectRefused(app: OpenApp, res: Response, code: string, cookie: string) {
  expect(res.status).toBe(403)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  expect(res.headers.getSetCookie().filter((c) => c.startsWith('sessionid='))).toEqual([])
  const body = (await res.json()) as { code: string }
  expect(body.code).toBe(code)
  const state = await app.send('/get/done', { cookie })
  expect(await state.json()).toEqual({ value: null })
}

/** The CSRF middleware as wired by the adapter on `POST /protected`. */
export function csrfCases(ctx: AdapterSuiteContext): void {
  describe('CSRF', () => {
    it('without a token: 403 CSRF_TOKEN_MISSING and no session Set-Cookie', async () => {
      const app = await ctx.open()
      const { cookie } = await visitForCsrfToken(app)
      const res = await app.send('/protected', {
        method: 'POST',
        cookie,
        headers: { origin: HTTP },
      })
      await expectRefused(app, res, 'CSRF_TOKEN_MISSING', cookie)
    })

    it('with the token from /csrf-token and the same Origin: 200 and the handler ran', async () => {
      const app = await ctx.open()
      const { cookie, token } = await visitForCsrfToken(app)
      const res = await app.send('/protected', {
        method: 'POST',
        cookie,
        headers: { origin: HTTP, 'x-csrftoken': token },
      })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ ok: true })
      // The handler stored something: the session exists now, under a new session cookie.
      const state = await app.send('/get/done', { cookie: sessionCookie(res) })
      expect(await state.json()).toEqual({ value: true })
    })

    it('an evil Origin: 403 CSRF_ORIGIN even with a valid token', async () => {
      const app = await ctx.open()
      const { cookie, token } = await visitForCsrfToken(app)
      const res = await app.send('/protected', {
        method: 'POST',
        cookie,
        headers: { origin: 'https://evil.example', 'x-csrftoken': token },
      })
      await expectRefused(app, res, 'CSRF_ORIGIN', cookie)
    })

    it('Sec-Fetch-Site: cross-site: 403 CSRF_FETCH_METADATA even with a valid token', async () => {
      const app = await ctx.open()
      const { cookie, token } = await visitForCsrfToken(app)
      const res = await app.send('/protected', {
        method: 'POST',
        cookie,
        headers: { origin: HTTP, 'sec-fetch-site': 'cross-site', 'x-csrftoken': token },
      })
      await expectRefused(app, res, 'CSRF_FETCH_METADATA', cookie)
    })

    it('a bogus X-Session-Token with a valid cookie and no CSRF token: 403', async () => {
      const app = await ctx.open()
      const { cookie } = await visitForCsrfToken(app)
      const res = await app.send('/protected', {
        method: 'POST',
        cookie,
        headers: { 'x-session-token': `${'A'.repeat(22)}.${'B'.repeat(43)}` },
      })
      await expectRefused(app, res, 'CSRF_TOKEN_MISSING', cookie)
    })
  })
}
