import { describe, expect, it } from 'vitest'
import { Client } from './client.js'
import { ADAPTERS, demo } from './fixture.js'

const ORIGIN = 'http://demo.test'

/** A cookieless client: it sends X-Session-Token and nothing else — no cookie jar at all. */
function tokenClient(app: Awaited<ReturnType<typeof demo>>['app']) {
  let token: string | undefined
  return {
    get token() {
      return token
    },
    set token(value) {
      token = value
    },
    async request(path: string, init: RequestInit & { json?: unknown } = {}) {
      const headers = new Headers(init.headers)
      if (token && !headers.has('x-session-token')) headers.set('x-session-token', token)
      let body = init.body
      if (init.json !== undefined) {
        body = JSON.stringify(init.json)
        headers.set('content-type', 'application/json')
      }
      return app.request(`${ORIGIN}${path}`, {
        ...init,
        method: init.method ?? (body ? 'POST' : 'GET'),
        headers,
        body,
      })
    },
  }
}

describe.each(ADAPTERS)(
  'cookieless sessions through X-Session-Token (acceptance 1) on %s',
  (adapter) => {
    it('fetch a token, log in without a CSRF token, hello, logout, then the token gets 401', async () => {
      const { app } = await demo(adapter)
      const client = tokenClient(app)
      const issued = await client.request('/api/session-token/')
      expect(issued.status).toBe(200)
      expect(issued.headers.get('cache-control')).toBe('no-store')
      client.token = ((await issued.json()) as { sessionToken: string }).sessionToken
      expect(client.token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/)
      const preLogin = client.token

      const login = await client.request('/api/login/', {
        json: { username: 'admin', password: 'admin' },
      })
      expect(login.status).toBe(200)
      const body = (await login.json()) as { user: unknown; sessionToken: string }
      expect(body.user).toEqual({ id: '1', username: 'admin' })
      // Login rotates every credential; the cookieless client gets its new token in the body.
      expect(body.sessionToken).not.toBe(preLogin)
      expect(login.headers.getSetCookie().filter((c) => c.startsWith('sessionid='))).toEqual([])
      client.token = body.sessionToken

      const hello = await client.request('/api/hello/')
      expect(hello.status).toBe(200)
      expect(await hello.json()).toEqual({ message: 'Hello admin' })
      expect(await (await client.request('/api/me/')).json()).toEqual({
        user: { id: '1', username: 'admin' },
      })

      // The pre-login token died with the rotation (fixation through a planted token).
      const stale = tokenClient(app)
      stale.token = preLogin
      expect((await stale.request('/api/hello/')).status).toBe(401)

      const logout = await client.request('/api/logout/', { method: 'POST' })
      expect(logout.status).toBe(200)
      expect((await client.request('/api/hello/')).status).toBe(401)
    })

    it('a token login needs no CSRF token and no Origin, even cross-site', async () => {
      const { app } = await demo(adapter)
      const client = tokenClient(app)
      client.token = (
        (await (await client.request('/api/session-token/')).json()) as { sessionToken: string }
      ).sessionToken
      const res = await client.request('/api/login/', {
        json: { username: 'admin', password: 'admin' },
        headers: { origin: 'https://embedding-app.example', 'sec-fetch-site': 'cross-site' },
      })
      expect(res.status).toBe(200)
    })
  },
)

describe.each(ADAPTERS)('header-token attacks (SECURITY.md, acceptance 2) on %s', (adapter) => {
  it('a bogus token header beside a valid cookie does not skip CSRF (403) and the session survives', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    await browser.login('admin', 'admin')
    for (const bogus of ['bogus', `${'A'.repeat(22)}.${'B'.repeat(43)}`]) {
      const res = await browser.request('/api/logout/', {
        method: 'POST',
        csrf: false,
        headers: { 'x-session-token': bogus, origin: ORIGIN },
      })
      expect(res.status).toBe(403)
    }
    expect((await browser.request('/api/hello/')).status).toBe(200)
  })

  it('a dead token (logged out) beside a valid cookie does not skip CSRF either', async () => {
    const { app } = await demo(adapter)
    const victim = new Client(app)
    await victim.login('admin', 'admin')
    const other = tokenClient(app)
    other.token = (
      (await (await other.request('/api/session-token/')).json()) as { sessionToken: string }
    ).sessionToken
    const dead = other.token as string
    await other.request('/api/logout/', { method: 'POST' })
    const res = await victim.request('/api/logout/', {
      method: 'POST',
      csrf: false,
      headers: { 'x-session-token': dead, origin: ORIGIN },
    })
    expect(res.status).toBe(403)
    expect((await victim.request('/api/hello/')).status).toBe(200)
  })

  it('a token in the query string is ignored', async () => {
    const { app } = await demo(adapter)
    const client = tokenClient(app)
    client.token = (
      (await (await client.request('/api/session-token/')).json()) as { sessionToken: string }
    ).sessionToken
    const body = (await (
      await client.request('/api/login/', { json: { username: 'admin', password: 'admin' } })
    ).json()) as { sessionToken: string }
    const token = encodeURIComponent(body.sessionToken)
    const res = await app.request(
      `${ORIGIN}/api/hello/?sessionToken=${token}&X-Session-Token=${token}&token=${token}`,
    )
    expect(res.status).toBe(401)
  })

  it('tampered, revoked and rotated tokens are refused', async () => {
    const { app } = await demo(adapter)
    const client = tokenClient(app)
    client.token = (
      (await (await client.request('/api/session-token/')).json()) as { sessionToken: string }
    ).sessionToken
    const login = (await (
      await client.request('/api/login/', { json: { username: 'admin', password: 'admin' } })
    ).json()) as { sessionToken: string }
    client.token = login.sessionToken
    const good = login.sessionToken
    const probe = tokenClient(app)
    for (const bad of [
      `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`,
      `${good}A`,
      good.replace('.', '-'),
      good.split('.')[0] as string,
    ]) {
      probe.token = bad
      expect((await probe.request('/api/hello/')).status, bad).toBe(401)
    }
    // Rotated: a second login on the same session issues a new token; the old one dies.
    const again = (await (
      await client.request('/api/login/', { json: { username: 'admin', password: 'admin' } })
    ).json()) as { sessionToken: string }
    probe.token = good
    expect((await probe.request('/api/hello/')).status).toBe(401)
    client.token = again.sessionToken
    expect((await client.request('/api/hello/')).status).toBe(200)
    // Revoked: logout ends it on the server.
    await client.request('/api/logout/', { method: 'POST' })
    expect((await client.request('/api/hello/')).status).toBe(401)
  })

  it('the cookie value is not derivable from the token', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    await browser.login('admin', 'admin')
    const token = (
      (await (await browser.request('/api/session-token/')).json()) as { sessionToken: string }
    ).sessionToken
    const cookie = browser.cookie('sessionid') as string
    expect(token).not.toBe(cookie)
    // Same session id (it is not a secret on its own), independent 256-bit secrets.
    expect(token.split('.')[0]).toBe(cookie.split('.')[0])
    expect(token.split('.')[1]).not.toBe(cookie.split('.')[1])
    // Knowing the token does not let anyone act as the cookie.
    const forged = new Client(app)
    forged.jar.set('sessionid', token)
    expect((await forged.request('/api/hello/')).status).toBe(401)
  })
})
