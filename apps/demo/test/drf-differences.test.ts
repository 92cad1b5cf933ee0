import { describe, expect, it } from 'vitest'
import { Client } from './client.js'
import { demo } from './fixture.js'

// Every way the demo API answers differently from the Django REST framework + Vue
// session-auth setup it ports, one test each; docs/guides/migrating-from-django.md lists
// them with their reasons and cites these tests by name.

async function loggedIn() {
  const { app } = await demo('hono')
  const browser = new Client(app)
  expect((await browser.login('admin', 'admin')).status).toBe(200)
  return { app, browser }
}

describe('the demo API compared with DRF + Vue', () => {
  it('errors carry "detail" (and a "code" where a program must tell them apart), never "error" or "message"', async () => {
    const { app } = await demo('hono')
    const browser = new Client(app)
    const bad = await browser.login('admin', 'wrong')
    expect(await bad.json()).toEqual({ detail: 'Invalid username or password.' })
    const noCsrf = await new Client(app).request('/api/logout/', { method: 'POST', csrf: false })
    expect(noCsrf.status).toBe(403)
    expect(await noCsrf.json()).toMatchObject({ detail: expect.stringMatching(/^CSRF Failed: /) })
    const missing = await browser.request('/api/login/', { json: { username: 'admin' } })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({
      detail: 'Both "username" and "password" are required.',
    })
  })

  it('the user id is a string ("1"), whatever the users table stores', async () => {
    const { browser } = await loggedIn()
    const me = (await (await browser.request('/api/me/')).json()) as { user: { id: unknown } }
    expect(me.user.id).toBe('1')
  })

  it('not logged in is 401 with WWW-Authenticate: Session (DRF: 403)', async () => {
    const { app } = await demo('hono')
    const res = await new Client(app).request('/api/hello/')
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Session')
    expect(await res.json()).toEqual({ detail: 'Authentication credentials were not provided.' })
  })

  it('bad credentials are 401 with WWW-Authenticate: Session (DRF + Vue: 400 non_field_errors)', async () => {
    const { app } = await demo('hono')
    const res = await new Client(app).login('admin', 'wrong')
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Session')
  })

  it('login, logout and hello answer 200 with a body (DRF + Vue: 202 Accepted)', async () => {
    const { browser } = await loggedIn()
    const hello = await browser.request('/api/hello/')
    expect(hello.status).toBe(200)
    expect(await hello.json()).toEqual({ message: 'Hello admin' })
    const logout = await browser.request('/api/logout/', { method: 'POST' })
    expect(logout.status).toBe(200)
    expect(await logout.json()).toEqual({ detail: 'Logged out.' })
  })

  it('an anonymous logout is allowed (200), but still needs the CSRF token', async () => {
    const { app } = await demo('hono')
    const browser = new Client(app)
    await browser.request('/api/csrf/')
    expect((await browser.request('/api/logout/', { method: 'POST' })).status).toBe(200)
    const forged = await new Client(app).request('/api/logout/', { method: 'POST', csrf: false })
    expect(forged.status).toBe(403)
  })

  it('login needs the CSRF token even for an anonymous browser (DRF exempts anonymous requests)', async () => {
    const { app } = await demo('hono')
    const browser = new Client(app)
    await browser.request('/api/csrf/')
    const res = await browser.request('/api/login/', {
      json: { username: 'admin', password: 'admin' },
      csrf: false,
    })
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'CSRF_TOKEN_MISSING' })
    expect(browser.cookie('sessionid')).toBeUndefined()
  })

  it('throttled logins are 429 with Retry-After and "retryAfter" seconds (DRF: "Expected available in N seconds")', async () => {
    const { app } = await demo('hono')
    const browser = new Client(app)
    for (let i = 0; i < 5; i++)
      expect((await browser.login('admin', `wrong ${i}`)).status).toBe(401)
    const res = await browser.login('admin', 'admin')
    expect(res.status).toBe(429)
    const body = (await res.json()) as { detail: string; retryAfter: number }
    expect(body.detail).toBe('Too many failed login attempts. Try again later.')
    expect(res.headers.get('retry-after')).toBe(String(body.retryAfter))
    expect(body.retryAfter).toBeGreaterThan(0)
  })

  it('anonymous session data (the cart) is kept, survives login, and an empty session stores nothing', async () => {
    const { app } = await demo('hono')
    const browser = new Client(app)
    expect(await (await browser.request('/api/cart/')).json()).toEqual({ items: [] })
    expect(browser.cookie('sessionid')).toBeUndefined()
    await browser.request('/api/csrf/')
    const bad = await browser.request('/api/cart/', { json: { item: 'anything' } })
    expect(bad.status).toBe(400)
    expect(browser.cookie('sessionid')).toBeUndefined()
    expect((await browser.request('/api/cart/', { json: { item: 'tile' } })).status).toBe(200)
    const anonymous = browser.cookie('sessionid')
    expect(anonymous).toBeDefined()
    expect(
      (await browser.request('/api/login/', { json: { username: 'admin', password: 'admin' } }))
        .status,
    ).toBe(200)
    expect(browser.cookie('sessionid')).not.toBe(anonymous)
    expect(await (await browser.request('/api/cart/')).json()).toEqual({ items: ['tile'] })
  })
})
