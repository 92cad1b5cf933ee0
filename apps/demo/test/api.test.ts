import { describe, expect, it } from 'vitest'
import { OPEN_REDIRECT_PAYLOADS } from '../../../test-support/open-redirect-payloads.js'
import { Client } from './client.js'
import { ADAPTERS, demo } from './fixture.js'

// Every group runs once per adapter (fixture.ts: Hono and the fetch handler in process,
// Express and Fastify over real sockets), against the same framework-independent API.
const json = async (res: Response) => (await res.json()) as Record<string, unknown>

describe.each(ADAPTERS)('the session-auth API contract on %s', (adapter) => {
  it('csrf → login → me → hello → logout → hello refused', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    const csrf = await browser.request('/api/csrf/')
    expect(csrf.status).toBe(200)
    const { csrfToken } = (await csrf.json()) as { csrfToken: string }
    expect(csrfToken).toMatch(/^[a-zA-Z0-9]{64}$/)
    const csrfCookie = browser.lastSetCookies.find((c) => c.startsWith('csrftoken='))
    expect(csrfCookie).toBeDefined()
    expect(csrfCookie).not.toMatch(/HttpOnly/i)
    expect(csrfCookie).toMatch(/SameSite=Lax/)

    expect(await json(await browser.request('/api/me/'))).toEqual({ user: null })
    const login = await browser.request('/api/login/', {
      json: { username: 'admin', password: 'admin' },
    })
    expect(login.status).toBe(200)
    expect(await login.json()).toEqual({ user: { id: '1', username: 'admin' } })
    expect(browser.lastSetCookies.find((c) => c.startsWith('sessionid='))).toMatch(
      /HttpOnly; SameSite=Lax/,
    )
    expect(login.headers.get('cache-control')).toBe('no-store')

    expect(await json(await browser.request('/api/me/'))).toEqual({
      user: { id: '1', username: 'admin' },
    })
    const hello = await browser.request('/api/hello/')
    expect(hello.status).toBe(200)
    expect(await hello.json()).toEqual({ message: 'Hello admin' })

    const logout = await browser.request('/api/logout/', { method: 'POST' })
    expect(logout.status).toBe(200)
    expect(await logout.json()).toEqual({ detail: 'Logged out.' })
    expect(logout.headers.get('clear-site-data')).toBe('"cache", "cookies", "storage"')
    const hello2 = await browser.request('/api/hello/')
    expect(hello2.status).toBe(401)
    expect(await hello2.json()).toEqual({ detail: 'Authentication credentials were not provided.' })
  })

  it.each([
    // The status before the body: the name's placeholders take the values in order.
    ['a missing field', 400, { username: 'admin' }],
    ['an empty password', 400, { username: 'admin', password: '' }],
    ['a non-string field', 400, { username: 'admin', password: 12345 }],
    ['a wrong password', 401, { username: 'admin', password: 'nope' }],
    ['an unknown user', 401, { username: 'nobody', password: 'admin' }],
  ])('login with %s → %i and no session cookie', async (_, status, body) => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    await browser.request('/api/csrf/')
    const res = await browser.request('/api/login/', { json: body })
    expect(res.status).toBe(status)
    expect(browser.lastSetCookies).toEqual([])
  })

  it('malformed JSON → 400, non-JSON content types → 415, never a session cookie', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    await browser.request('/api/csrf/')
    const bad = await browser.request('/api/login/', {
      body: '{"username": ',
      headers: { 'content-type': 'application/json' },
    })
    expect(bad.status).toBe(400)
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
    ]) {
      const res = await browser.request('/api/login/', {
        body: type.includes('urlencoded')
          ? 'username=admin&password=admin'
          : '{"username":"admin","password":"admin"}',
        headers: { 'content-type': type },
      })
      expect(res.status, type).toBe(415)
      expect(browser.lastSetCookies).toEqual([])
    }
  })

  it('GET on logout does nothing (405) and the session survives', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    await browser.login('admin', 'admin')
    const res = await browser.request('/api/logout/')
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('POST')
    expect(await json(await browser.request('/api/me/'))).toMatchObject({
      user: { username: 'admin' },
    })
  })

  it('unknown paths under /api are JSON 404s', async () => {
    const { app } = await demo(adapter)
    const res = await new Client(app).request('/api/nope/')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ detail: 'Not found' })
  })
})

describe.each(ADAPTERS)('login attacks (SECURITY.md) on %s', (adapter) => {
  it('a 300 MB JSON login body is 413 BODY_TOO_LARGE at once, without being read', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    await browser.request('/api/csrf/')
    // 300 MB declared, a few bytes sent: a server that buffered the body before deciding
    // would wait for the rest and never answer.
    const res = await browser.request('/api/login/', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(300 * 1024 * 1024),
      },
      body: '{"username":"admin"',
    })
    expect(res.status).toBe(413)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await json(res)).toEqual({ detail: 'Request body too large.', code: 'BODY_TOO_LARGE' })
    expect(await json(await browser.request('/api/me/'))).toEqual({ user: null })
  })

  it('fixation: the pre-login session credential is dead after login', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    await browser.request('/api/csrf/')
    // A CSRF fetch stores nothing (the secret is in a signed cookie); a token request
    // does, which gives the browser a stored pre-login session to fixate.
    expect(browser.cookie('sessionid')).toBeUndefined()
    await browser.request('/api/session-token/')
    const before = browser.cookie('sessionid') as string
    expect(before).toBeDefined()
    await browser.request('/api/login/', { json: { username: 'admin', password: 'admin' } })
    const after = browser.cookie('sessionid') as string
    expect(after).not.toBe(before)
    const attacker = new Client(app)
    attacker.jar.set('sessionid', before)
    expect(await json(await attacker.request('/api/me/'))).toEqual({ user: null })
    expect((await attacker.request('/api/hello/')).status).toBe(401)
  })

  it('a CSRF token obtained before login is refused after it', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    await browser.request('/api/csrf/')
    const preLogin = browser.cookie('csrftoken') as string
    await browser.request('/api/login/', { json: { username: 'admin', password: 'admin' } })
    expect(browser.cookie('csrftoken')).not.toBe(preLogin)
    const res = await browser.request('/api/logout/', {
      method: 'POST',
      headers: { 'x-csrftoken': preLogin },
    })
    expect(res.status).toBe(403)
    expect(await json(await browser.request('/api/me/'))).toMatchObject({
      user: { username: 'admin' },
    })
  })

  it.each([
    ['no CSRF token', { csrf: false, headers: { origin: 'http://demo.test' } }],
    ['an evil Origin', { headers: { origin: 'https://evil.example' } }],
    ['a look-alike Origin', { headers: { origin: 'http://demo.test.evil.example' } }],
    ['Origin null', { headers: { origin: 'null' } }],
    ['Sec-Fetch-Site: cross-site', { headers: { 'sec-fetch-site': 'cross-site' } }],
  ])('login with %s is refused (403) and sets no cookie', async (_, init) => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    await browser.request('/api/csrf/')
    const res = await browser.request('/api/login/', {
      json: { username: 'admin', password: 'admin' },
      ...init,
    })
    expect(res.status).toBe(403)
    expect((await json(res)).detail).toMatch(/^CSRF Failed: /)
    expect(browser.lastSetCookies).toEqual([])
  })

  it('unknown user and wrong password get the same answer for the same work', async () => {
    const { app, counts } = await demo(adapter)
    const answers = []
    for (const username of ['nobody', 'admin']) {
      const browser = new Client(app)
      await browser.request('/api/csrf/')
      counts.hash = 0
      counts.verify = 0
      const res = await browser.request('/api/login/', {
        json: { username, password: 'wrong-password' },
      })
      answers.push({
        status: res.status,
        body: await res.text(),
        headers: [...res.headers].filter(([k]) => k !== 'date'),
        cookies: browser.lastSetCookies,
        // One full password hash either way: unknown users are hashed, not skipped.
        expensiveOperations: counts.hash + counts.verify,
      })
    }
    expect(answers[0]).toEqual(answers[1])
    expect(answers[0]?.expensiveOperations).toBe(1)
  })

  it('throttles repeated failures with 429 and Retry-After, before checking the password', async () => {
    const { app, counts } = await demo(adapter)
    const browser = new Client(app)
    await browser.request('/api/csrf/')
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await browser.request('/api/login/', {
            json: { username: 'admin', password: `guess${i}` },
          })
        ).status,
      ).toBe(401)
    }
    counts.verify = 0
    const blocked = await browser.request('/api/login/', {
      json: { username: 'admin', password: 'admin' },
    })
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await blocked.json()).toMatchObject({ retryAfter: expect.any(Number) })
    expect(browser.lastSetCookies).toEqual([])
    expect(counts.verify).toBe(0)
    // Another client can still log in to the same account.
    const other = new Client(app)
    await other.request('/api/csrf/')
    const ok = await other.request('/api/login/', {
      json: { username: 'admin', password: 'admin' },
      headers: { 'x-test-client': '198.51.100.7' },
    })
    expect(ok.status).toBe(200)
  })

  it.each([...OPEN_REDIRECT_PAYLOADS, 'https://evil.com/'])(
    'open redirect %s in ?next= falls back to /',
    async (next) => {
      const { app } = await demo(adapter)
      const res = await new Client(app).login('admin', 'admin', `?next=${encodeURIComponent(next)}`)
      expect(await res.json()).toMatchObject({ next: '/' })
    },
  )

  it('a same-origin ?next= path is kept', async () => {
    const { app } = await demo(adapter)
    const res = await new Client(app).login(
      'admin',
      'admin',
      `?next=${encodeURIComponent('/account/sessions?tab=2')}`,
    )
    expect(await res.json()).toMatchObject({ next: '/account/sessions?tab=2' })
  })

  it('imports a real Django pbkdf2_sha256 hash, logs in with it and upgrades it to scrypt', async () => {
    const { app, users } = await demo(adapter)
    // Django's own known-answer vector (tests/auth_tests/test_hashers.py, test_pbkdf2).
    const django = 'pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c='
    await users.create('ada', django)
    const res = await new Client(app).login('ada', 'lètmein')
    expect(res.status).toBe(200)
    const upgraded = (await users.findByUsername('ada'))?.passwordHash as string
    expect(upgraded).toMatch(/^scrypt\$/)
    expect(upgraded).not.toBe(django)
    // The upgraded hash still logs in.
    expect((await new Client(app).login('ada', 'lètmein')).status).toBe(200)
  })

  it('a login with a leaked imported password, checked while the owner changes it, is refused and does not put it back', async () => {
    // The thief's check of the Django hash is held until the owner has logged in (which
    // upgrades the hash) and changed the password; its upgrade must not write over that.
    let entered = () => {}
    const thiefChecking = new Promise<void>((resolve) => {
      entered = resolve
    })
    let release = () => {}
    const ownerDone = new Promise<void>((resolve) => {
      release = resolve
    })
    let held = false
    const { app, users } = await demo(adapter, {
      wrapHasher: (inner) => ({
        hash: (p) => inner.hash(p),
        verify: async (p, e) => {
          if (!held && e.startsWith('pbkdf2_sha256$')) {
            held = true
            entered()
            await ownerDone
          }
          return inner.verify(p, e)
        },
      }),
    })
    const django = 'pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c='
    await users.create('ada', django)
    const thief = new Client(app)
    const thiefLogin = thief.login('ada', 'lètmein')
    await thiefChecking
    const owner = new Client(app)
    expect((await owner.login('ada', 'lètmein')).status).toBe(200)
    const changed = await owner.request('/api/password/', {
      json: { oldPassword: 'lètmein', newPassword: 'a brand new passphrase' },
    })
    expect(changed.status).toBe(200)
    release()
    expect((await thiefLogin).status).toBe(401)
    expect(await json(await thief.request('/api/me/'))).toEqual({ user: null })
    expect(await json(await owner.request('/api/me/'))).toMatchObject({ user: { username: 'ada' } })
    expect((await new Client(app).login('ada', 'lètmein')).status).toBe(401)
    expect((await new Client(app).login('ada', 'a brand new passphrase')).status).toBe(200)
  })

  it('a disabled user loses their session at the next request', async () => {
    const { app, users, admin } = await demo(adapter)
    const browser = new Client(app)
    await browser.login('admin', 'admin')
    await users.setActive(admin.id, false)
    expect(await json(await browser.request('/api/me/'))).toEqual({ user: null })
    expect(browser.cookie('sessionid')).toBeUndefined()
  })

  it('a password change ends sessions that logged in with the old one', async () => {
    const { app, users, admin, hasher } = await demo(adapter)
    const browser = new Client(app)
    await browser.login('admin', 'admin')
    await users.replacePasswordHash(admin.id, admin.passwordHash, await hasher.hash('new-password'))
    expect((await browser.request('/api/hello/')).status).toBe(401)
  })
})

describe.each(ADAPTERS)('logout attacks (SECURITY.md) on %s', (adapter) => {
  it('replaying the old session cookie after logout fails; the cookie is cleared with Max-Age=0', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    await browser.login('admin', 'admin')
    const old = browser.cookie('sessionid') as string
    await browser.request('/api/logout/', { method: 'POST' })
    expect(browser.lastSetCookies.find((c) => c.startsWith('sessionid='))).toMatch(
      /^sessionid=; Max-Age=0/,
    )
    const replay = new Client(app)
    replay.jar.set('sessionid', old)
    expect((await replay.request('/api/hello/')).status).toBe(401)
  })

  it('a cross-site logout is refused and the session survives', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    await browser.login('admin', 'admin')
    for (const headers of [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
    ] as Record<string, string>[]) {
      const res = await browser.request('/api/logout/', { method: 'POST', csrf: false, headers })
      expect(res.status).toBe(403)
    }
    const formPost = await browser.request('/api/logout/', {
      method: 'POST',
      csrf: false,
      body: 'x=1',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
      },
    })
    expect(formPost.status).toBe(403)
    expect((await browser.request('/api/hello/')).status).toBe(200)
  })
})

describe.each(ADAPTERS)('CSRF through the demo (SECURITY.md) on %s', (adapter) => {
  it('two masked tokens differ and both pass; another session’s token is refused', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    const a = (await json(await browser.request('/api/csrf/'))).csrfToken as string
    const b = (await json(await browser.request('/api/csrf/'))).csrfToken as string
    expect(a).not.toBe(b)
    // A wrong password answers 401 only once CSRF has passed (403 otherwise).
    for (const token of [a, b]) {
      const res = await browser.request('/api/login/', {
        json: { username: 'admin', password: 'x' },
        headers: { 'x-csrftoken': token },
      })
      expect(res.status).toBe(401)
    }
    const other = new Client(app)
    await other.request('/api/csrf/')
    const foreign = other.cookie('csrftoken') as string
    const res = await browser.request('/api/login/', {
      json: { username: 'admin', password: 'admin' },
      headers: { 'x-csrftoken': foreign },
    })
    expect(res.status).toBe(403)
    expect(await json(res)).toMatchObject({ code: 'CSRF_TOKEN_INCORRECT' })
  })

  it('an attacker-planted csrftoken cookie with a matching header is refused', async () => {
    const { app } = await demo(adapter)
    const victim = new Client(app)
    await victim.login('admin', 'admin')
    const attacker = new Client(app)
    await attacker.request('/api/csrf/')
    const planted = attacker.cookie('csrftoken') as string
    victim.jar.set('csrftoken', planted)
    const res = await victim.request('/api/logout/', {
      method: 'POST',
      headers: { 'x-csrftoken': planted },
    })
    expect(res.status).toBe(403)
    expect((await victim.request('/api/hello/')).status).toBe(200)
  })

  it('PUT, PATCH and DELETE are protected; method-override headers are ignored', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    await browser.login('admin', 'admin')
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      expect(
        (
          await browser.request('/api/logout/', {
            method,
            csrf: false,
            headers: { origin: 'http://demo.test' },
          })
        ).status,
      ).toBe(403)
    }
    const override = await browser.request('/api/logout/', {
      method: 'POST',
      csrf: false,
      headers: {
        'x-http-method-override': 'GET',
        'x-method-override': 'GET',
        origin: 'http://demo.test',
      },
    })
    expect(override.status).toBe(403)
    expect((await browser.request('/api/hello/')).status).toBe(200)
  })

  it('a token in the query string is ignored', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    await browser.login('admin', 'admin')
    const token = browser.cookie('csrftoken') as string
    const res = await browser.request(
      `/api/logout/?csrfmiddlewaretoken=${token}&csrftoken=${token}`,
      { method: 'POST', csrf: false },
    )
    expect(res.status).toBe(403)
  })

  it('no response echoes an untrusted origin for CORS', async () => {
    const { app } = await demo(adapter)
    const browser = new Client(app)
    for (const res of [
      await browser.request('/api/csrf/', { headers: { origin: 'https://evil.example' } }),
      await browser.request('/api/login/', {
        json: { username: 'admin', password: 'admin' },
        headers: { origin: 'https://evil.example' },
      }),
    ]) {
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
      expect(res.headers.get('access-control-allow-credentials')).toBeNull()
    }
  })
})
