import { describe, expect, it } from 'vitest'
import { visitForCsrfToken } from '../csrf-visit.js'
import { faultyStore } from '../faulty-store.js'
import { rawRequest } from '../raw-request.js'
import { type AdapterSuiteContext, HTTP, listHas, sessionCookie } from '../suite-context.js'

/** A Tessera JSON error: status, `code`, `nosniff`, and no session cookie set. */
async function expectJsonError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  expect(res.headers.getSetCookie().filter((c) => c.startsWith('sessionid='))).toEqual([])
  const body = (await res.json()) as { detail: unknown; code: unknown }
  expect(typeof body.detail).toBe('string')
  expect(body.code).toBe(code)
}

const FORM = 'application/x-www-form-urlencoded'

/** `ALLOWED_HOSTS`, the body limit, header-token caching and `nosniff` on error bodies. */
export function httpHardeningCases(ctx: AdapterSuiteContext): void {
  describe('HTTP hardening', () => {
    it('allowedHosts: a request for another host is 400 DISALLOWED_HOST and opens no session', async () => {
      const app = await ctx.open({ allowedHosts: ['adapter.test'] })
      const own = await app.send('/get/x')
      expect(own.status).toBe(200)
      const other = await app.send('/session-token', { base: 'http://evil.example' })
      await expectJsonError(other, 400, 'DISALLOWED_HOST')
    })

    // Over a socket: neither fetch nor a Web Request lets such a Host through. A server
    // that builds its URL from `Host` would end the host at the `/`, `?`, `#` or `\`
    // and read the rest as path (a login-required route's path among them).
    if (ctx.realPort)
      it('allowedHosts: an allowed host followed by a path, query, fragment or backslash is 400', async () => {
        const app = await ctx.open({ allowedHosts: ['adapter.test'] })
        const url = app.app.url as string
        expect((await rawRequest(url, '/get/x', 'adapter.test')).status).toBe(200)
        for (const host of [
          'adapter.test/x',
          'adapter.test/members/open?',
          'adapter.test?x',
          'adapter.test#x',
          'adapter.test\\@evil.example',
          'adapter.test:80/x',
        ]) {
          const res = await rawRequest(url, '/members/me', host)
          expect({ host, status: res.status }).toEqual({ host, status: 400 })
        }
      })

    it('allowedHosts: a spoofed Host with a matching Origin does not pass CSRF', async () => {
      const app = await ctx.open({ allowedHosts: ['adapter.test'] })
      const { cookie, token } = await visitForCsrfToken(app)
      const res = await app.send('/protected', {
        method: 'POST',
        base: 'http://evil.example',
        cookie,
        headers: { origin: 'http://evil.example', 'x-csrftoken': token },
      })
      await expectJsonError(res, 400, 'DISALLOWED_HOST')
      const state = await app.send('/get/done', { cookie })
      expect(await state.json()).toEqual({ value: null })
    })

    it('an oversize form is 413 BODY_TOO_LARGE at once, by its Content-Length, before CSRF', async () => {
      const app = await ctx.open()
      const { cookie } = await visitForCsrfToken(app)
      // 100 MB declared, 11 bytes sent: an adapter that waited for the body, or read it
      // before deciding, would never answer; one that checked CSRF first would say 403.
      const res = await app.send('/protected', {
        method: 'POST',
        cookie,
        headers: {
          origin: 'https://evil.example',
          'content-type': FORM,
          'content-length': String(100 * 1024 * 1024),
        },
        body: 'a=012345678',
      })
      await expectJsonError(res, 413, 'BODY_TOO_LARGE')
      const state = await app.send('/get/done', { cookie })
      expect(await state.json()).toEqual({ value: null })
    })

    it('bodyLimit: a form one byte over it is 413, one at it reaches the CSRF check', async () => {
      const app = await ctx.open({ bodyLimit: 64 })
      const { cookie, token } = await visitForCsrfToken(app)
      const form = (size: number) => `x=${'a'.repeat(size - 2)}`
      const over = await app.send('/protected', {
        method: 'POST',
        cookie,
        headers: { origin: HTTP, 'x-csrftoken': token, 'content-type': FORM },
        body: form(65),
      })
      await expectJsonError(over, 413, 'BODY_TOO_LARGE')
      const at = await app.send('/protected', {
        method: 'POST',
        cookie,
        headers: { origin: 'https://evil.example', 'x-csrftoken': token, 'content-type': FORM },
        body: form(64),
      })
      await expectJsonError(at, 403, 'CSRF_ORIGIN')
    })

    it('a session read through X-Session-Token varies on it and is private, no-store', async () => {
      const app = await ctx.open()
      const issued = await app.send('/session-token')
      const { sessionToken } = (await issued.json()) as { sessionToken: string }
      const headers = { 'x-session-token': sessionToken }
      expect((await app.send('/set/cart', { headers, json: [1] })).status).toBe(200)
      const read = await app.send('/get/cart', { headers })
      expect(await read.json()).toEqual({ value: [1] })
      expect(listHas(read.headers.get('vary'), 'X-Session-Token')).toBe(true)
      expect(read.headers.get('cache-control')).toBe('private, no-store')
      // A cookie session keeps the plain rules: Vary: Cookie, cacheable unless a credential is set.
      const cookie = sessionCookie(issued)
      const byCookie = await app.send('/get/cart', { cookie })
      expect(listHas(byCookie.headers.get('vary'), 'Cookie')).toBe(true)
      expect(listHas(byCookie.headers.get('vary'), 'X-Session-Token')).toBe(false)
      expect(byCookie.headers.get('cache-control') ?? '').not.toMatch(/private/)
    })

    it('the 503 of a failing store and the 403 of a CSRF refusal are nosniff JSON', async () => {
      const { store, mode } = faultyStore()
      const app = await ctx.open({ store, storeTimeout: 200 })
      const { cookie } = await visitForCsrfToken(app)
      const refused = await app.send('/protected', {
        method: 'POST',
        cookie,
        headers: { origin: HTTP },
      })
      await expectJsonError(refused, 403, 'CSRF_TOKEN_MISSING')
      // A stored session, so the next read has to reach the (now failing) store.
      const stored = sessionCookie(await app.send('/set/x', { json: 1 }))
      mode.value = 'reject'
      const down = await app.send('/get/x', { cookie: stored })
      await expectJsonError(down, 503, 'STORE_UNAVAILABLE')
    })
  })
}
