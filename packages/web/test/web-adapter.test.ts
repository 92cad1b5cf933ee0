import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import {
  type AuthUser,
  getCsrfToken,
  login,
  MemoryStore,
  SessionManager,
  type SessionManagerOptions,
  type SessionStore,
  type UserProvider,
} from '@tessera/core'
import { hostileCookieHeader } from '@tessera/testing'
import { requireUser, type SessionContext, withSession } from '@tessera/web'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const SECRET = 'web-test-secret-web-test-secret-0123456789'
const HTTP = 'http://app.test'

const ada: AuthUser = { id: '7', username: 'ada', passwordHash: 'x' }
const users: UserProvider = {
  findByUsername: async (n) => (n === 'ada' ? ada : null),
  findById: async (id) => (id === '7' ? ada : null),
  replacePasswordHash: async () => true,
}

/** One plain fetch handler routing on the path, the way a Bun or Deno app would. */
async function route(request: Request, context: SessionContext): Promise<Response> {
  const { session } = context
  const [, action, key = ''] = new URL(request.url).pathname.split('/')
  switch (action) {
    case 'static':
      return new Response('no session here')
    case 'get':
      return Response.json({ value: (await session.get(key)) ?? null })
    case 'data':
      return Response.json(await session.data())
    case 'set':
      await session.set(key, await request.json())
      return Response.json({ ok: true })
    case 'form': {
      // The CSRF check read the token from a clone; the body is still here.
      const name = (await request.formData()).get('name')
      await session.set('acted', String(name))
      return Response.json({ ok: true, name })
    }
    case 'flush':
      await session.flush()
      return Response.json({ ok: true })
    case 'redirect':
      await session.set('went', true)
      return Response.redirect('http://app.test/elsewhere', 302)
    case 'token':
      return Response.json({ csrfToken: await getCsrfToken(session) })
    case 'login':
      await login(session, ada)
      return Response.json({ token: await session.getSessionToken() })
    case 'private': {
      const user = await requireUser(context, users)
      if (user instanceof Response) return user
      return Response.json({ hello: user.username })
    }
    case 'boom':
      throw new TypeError('handler bug')
    default:
      return new Response('not found', { status: 404 })
  }
}

function testHandler(
  store: SessionStore = new MemoryStore(),
  options: Partial<SessionManagerOptions> = {},
  csrf = false,
) {
  const manager = new SessionManager({ store, secret: SECRET, ...options })
  return withSession(manager, route, csrf ? { csrf: { trustedOrigins: [] } } : {})
}

type Handler = ReturnType<typeof testHandler>

function call(handler: Handler, path: string, init: RequestInit = {}): Promise<Response> {
  return handler(new Request(`${HTTP}${path}`, init))
}

function sessionCookie(res: Response): string {
  const header = res.headers.getSetCookie().find((c) => c.startsWith('sessionid='))
  if (!header) throw new Error('no session cookie')
  return header.split(';')[0] as string
}

async function listen(handler: (request: Request) => Promise<Response>) {
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
    const server = serve(
      { fetch: (request) => handler(request), hostname: '127.0.0.1', port: 0 },
      (info: AddressInfo) =>
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () => new Promise<void>((done) => server.close(() => done())),
        }),
    )
  })
}

describe('withSession', () => {
  it('sets the cookie, Vary: Cookie and Cache-Control: no-store when a session is created', async () => {
    const handler = testHandler()
    const res = await call(handler, '/set/theme', { method: 'POST', body: '"dark"' })
    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie()).toHaveLength(1)
    expect(res.headers.getSetCookie()[0]).toMatch(
      /^sessionid=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/,
    )
    expect(res.headers.get('vary')).toBe('Cookie')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const read = await call(handler, '/get/theme', { headers: { cookie: sessionCookie(res) } })
    expect(await read.json()).toEqual({ value: 'dark' })
    expect(read.headers.get('vary')).toBe('Cookie')
    expect(read.headers.getSetCookie()).toEqual([])
  })

  it('is lazy: a handler that never touches the session gets no session headers', async () => {
    const res = await call(testHandler(), '/static', { headers: { cookie: 'sessionid=whatever' } })
    expect(await res.text()).toBe('no session here')
    expect(res.headers.get('vary')).toBeNull()
    expect(res.headers.get('cache-control')).toBeNull()
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('marks the cookie Secure over HTTPS, and believes X-Forwarded-Proto only when told', async () => {
    const handler = testHandler()
    const https = await handler(
      new Request('https://app.test/set/a', { method: 'POST', body: '1' }),
    )
    expect(https.headers.getSetCookie()[0]).toMatch(/; Secure/)
    const forwarded = { method: 'POST', body: '1', headers: { 'x-forwarded-proto': 'https' } }
    expect((await call(handler, '/set/a', forwarded)).headers.getSetCookie()[0]).not.toMatch(
      /Secure/,
    )
    const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
    const trusting = withSession(manager, route, { trustProxy: true })
    expect((await call(trusting, '/set/a', forwarded)).headers.getSetCookie()[0]).toMatch(
      /; Secure/,
    )
  })

  it('flush clears the cookie with Max-Age=0 and the old cookie is dead', async () => {
    const handler = testHandler()
    const cookie = sessionCookie(
      await call(handler, '/set/user', { method: 'POST', body: '"ada"' }),
    )
    const res = await call(handler, '/flush', { method: 'POST', headers: { cookie } })
    expect(res.headers.getSetCookie()[0]).toMatch(
      /^sessionid=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT/,
    )
    const replay = await call(handler, '/get/user', { headers: { cookie } })
    expect(await replay.json()).toEqual({ value: null })
  })

  it('adds headers to a response whose headers are immutable (Response.redirect)', async () => {
    const res = await call(testHandler(), '/redirect')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('http://app.test/elsewhere')
    expect(res.headers.getSetCookie()).toHaveLength(1)
    expect(res.headers.get('vary')).toBe('Cookie')
  })

  it('passes the runtime arguments through, and clientIp sees them', async () => {
    const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
    const seen: unknown[] = []
    const handler = withSession(
      manager,
      async (_request, { session }, info: { remoteAddr: string }) => {
        seen.push(info.remoteAddr)
        await session.set('a', 1)
        return new Response('ok')
      },
      { clientIp: (_request, info) => info.remoteAddr },
    )
    const res = await handler(new Request(`${HTTP}/`), { remoteAddr: '203.0.113.9' })
    expect(res.status).toBe(200)
    expect(seen).toEqual(['203.0.113.9'])
  })

  it('lets errors other than store errors propagate unchanged', async () => {
    await expect(call(testHandler(), '/boom')).rejects.toThrow(TypeError)
  })
})

describe('withSession over a real port', () => {
  it('100 concurrent requests each setting a different key on one session all land', async () => {
    const server = await listen(testHandler())
    try {
      const first = await fetch(`${server.url}/set/start`, { method: 'POST', body: '0' })
      const cookie = sessionCookie(first)
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          fetch(`${server.url}/set/k${i}`, {
            method: 'POST',
            body: String(i),
            headers: { cookie },
          }),
        ),
      )
      expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200))
      const res = await fetch(`${server.url}/data`, { headers: { cookie } })
      const data = (await res.json()) as Record<string, number>
      expect(Object.keys(data)).toHaveLength(101)
      for (let i = 0; i < 100; i++) expect(data[`k${i}`]).toBe(i)
    } finally {
      await server.close()
    }
  })
})

/** A memory store that can be switched into failing. */
function faultyStore() {
  const store = new MemoryStore()
  const mode = { reject: false }
  for (const method of ['get', 'create', 'update', 'touch', 'delete'] as const) {
    const real = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>
    ;(store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
      mode.reject ? Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')) : real(...args)
  }
  return { store, mode }
}

describe('a store that rejects', () => {
  it('answers 503 JSON with a code, from the handler and from the save, then recovers', async () => {
    const { store, mode } = faultyStore()
    const handler = testHandler(store)
    const cookie = sessionCookie(await call(handler, '/set/a', { method: 'POST', body: '1' }))
    mode.reject = true
    const inHandler = await call(handler, '/get/a', { headers: { cookie } })
    const inCommit = await call(handler, '/set/b', { method: 'POST', body: '2' })
    for (const res of [inHandler, inCommit]) {
      expect(res.status).toBe(503)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(res.headers.get('retry-after')).toBe('1')
      expect(res.headers.getSetCookie()).toEqual([])
      const body = (await res.json()) as { code: string; detail: string }
      expect(body).toEqual({ detail: 'Session store unavailable', code: 'STORE_UNAVAILABLE' })
    }
    expect((await call(handler, '/static')).status).toBe(200)
    mode.reject = false
    expect(await (await call(handler, '/get/a', { headers: { cookie } })).json()).toEqual({
      value: 1,
    })
  })
})

describe('csrf option', () => {
  const handler = testHandler(new MemoryStore(), {}, true)

  /**
   * An anonymous browser that fetched a token: its cookie (the signed CSRF secret cookie;
   * nothing is stored, so there is no session cookie), the token and the csrftoken cookie.
   */
  async function visit() {
    const res = await call(handler, '/token')
    const { csrfToken } = (await res.json()) as { csrfToken: string }
    const set = res.headers.getSetCookie()
    const csrfCookie = set.find((c) => c.startsWith('csrftoken='))
    expect(set.some((c) => c.startsWith('sessionid='))).toBe(false)
    const cookie = set.find((c) => c.startsWith('sessionid_csrf='))?.split(';')[0] as string
    return { res, cookie, token: csrfToken, csrfCookie }
  }

  async function expectRefused(res: Response, code: string) {
    expect(res.status).toBe(403)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.getSetCookie()).toEqual([])
    const body = (await res.json()) as { detail: string; code: string }
    expect(body.code).toBe(code)
    expect(body.detail).toMatch(/^CSRF Failed: /)
  }

  async function acted(cookie: string) {
    return (
      (await (await call(handler, '/get/a', { headers: { cookie } })).json()) as {
        value: unknown
      }
    ).value
  }

  it('GET sets the readable csrftoken cookie, with no-store', async () => {
    const { res, csrfCookie, token } = await visit()
    expect(token).toMatch(/^[A-Za-z0-9]{64}$/)
    // Each token is masked afresh (BREACH); the cookie carries its own masked copy.
    expect(csrfCookie).toMatch(
      /^csrftoken=[A-Za-z0-9]{64}; Max-Age=31449600; Path=\/; Expires=[^;]+; SameSite=Lax$/,
    )
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('an unsafe request without a token gets 403 JSON, no session cookie, and the handler does not run', async () => {
    await expectRefused(
      await call(handler, '/set/a', { method: 'POST', body: '1' }),
      'CSRF_SESSION_TOKEN_MISSING',
    )
    const { cookie } = await visit()
    await expectRefused(
      await call(handler, '/set/a', { method: 'POST', body: '1', headers: { cookie } }),
      'CSRF_TOKEN_MISSING',
    )
    expect(await acted(cookie)).toBeNull()
  })

  it('the token from a GET lets the request through, in the header or in a form field', async () => {
    const { cookie, token } = await visit()
    const res = await call(handler, '/set/a', {
      method: 'POST',
      body: '1',
      headers: { cookie, 'x-csrftoken': token },
    })
    expect(res.status).toBe(200)
    // The handler stored a value: the session exists now, under its own cookie.
    expect(await acted(sessionCookie(res))).toBe(1)
    const form = await call(handler, '/form', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrfmiddlewaretoken: token, name: 'ada' }).toString(),
    })
    expect(form.status).toBe(200)
    expect(await form.json()).toEqual({ ok: true, name: 'ada' })
  })

  it('refuses an evil Origin even with a good token', async () => {
    const { cookie, token } = await visit()
    const res = await call(handler, '/set/a', {
      method: 'POST',
      body: '1',
      headers: { cookie, 'x-csrftoken': token, origin: 'https://evil.example' },
    })
    await expectRefused(res, 'CSRF_ORIGIN')
    expect(await acted(cookie)).toBeNull()
  })

  it('a valid X-Session-Token is exempt; a bogus one with a cookie is not', async () => {
    const browser = await visit()
    const login = await call(handler, '/login', {
      method: 'POST',
      headers: { cookie: browser.cookie, 'x-csrftoken': browser.token },
    })
    const { token: sessionToken } = (await login.json()) as { token: string }
    const ok = await call(handler, '/set/a', {
      method: 'POST',
      body: '1',
      headers: { 'x-session-token': sessionToken },
    })
    expect(ok.status).toBe(200)
    const { cookie } = await visit()
    await expectRefused(
      await call(handler, '/set/a', {
        method: 'POST',
        body: '1',
        headers: { cookie, 'x-session-token': 'bogus.token' },
      }),
      'CSRF_TOKEN_MISSING',
    )
  })

  it('a bogus CSRF token with a real cookie is refused', async () => {
    const { cookie } = await visit()
    await expectRefused(
      await call(handler, '/set/a', {
        method: 'POST',
        body: '1',
        headers: { cookie, 'x-csrftoken': 'A'.repeat(64) },
      }),
      'CSRF_TOKEN_INCORRECT',
    )
    expect(await acted(cookie)).toBeNull()
  })

  it('sets the csrftoken cookie on a redirect too', async () => {
    const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
    const redirecting = withSession(
      manager,
      async (_request, { session }) => {
        await getCsrfToken(session)
        return Response.redirect('http://app.test/elsewhere', 302)
      },
      { csrf: true },
    )
    const res = await redirecting(new Request(`${HTTP}/`))
    expect(res.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual([
      'sessionid_csrf',
      'csrftoken',
    ])
  })
})

describe('requireUser', () => {
  it('accepts a cookie session and a header-token session alike, refuses others with 401', async () => {
    const handler = testHandler()
    const res = await call(handler, '/login', { method: 'POST' })
    const { token } = (await res.json()) as { token: string }
    const cookie = sessionCookie(res)
    expect(await (await call(handler, '/private', { headers: { cookie } })).json()).toEqual({
      hello: 'ada',
    })
    const byToken = await call(handler, '/private', { headers: { 'x-session-token': token } })
    expect(await byToken.json()).toEqual({ hello: 'ada' })
    const anonymous = await call(handler, '/private')
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe('Session')
    expect(await anonymous.json()).toEqual({
      detail: 'Authentication credentials were not provided.',
    })
    const bogus = await call(handler, '/private', { headers: { 'x-session-token': 'nope' } })
    expect(bogus.status).toBe(401)
  })
})

describe('hostile cookie headers', () => {
  it('never throw and never produce a 5xx (fast-check)', async () => {
    const handler = testHandler()
    const live = sessionCookie(await call(handler, '/set/a', { method: 'POST', body: '1' }))
    const cookieHeader = hostileCookieHeader(live)
    await fc.assert(
      fc.asyncProperty(
        cookieHeader,
        fc.constantFrom('/get/a', '/set/b', '/data'),
        async (cookie, path) => {
          const post = path.startsWith('/set')
          const res = await call(handler, path, {
            method: post ? 'POST' : 'GET',
            body: post ? '1' : null,
            headers: { cookie },
          })
          expect(res.status).toBeLessThan(500)
        },
      ),
      { numRuns: 1500 },
    )
  })
})
