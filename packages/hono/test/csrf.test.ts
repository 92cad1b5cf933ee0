import {
  ConfigError,
  type CsrfOptions,
  getCsrfToken,
  MemoryStore,
  rotateCsrfToken,
  SessionManager,
} from '@tessera/core'
import { type SessionEnv, session } from '@tessera/hono'
import fc from 'fast-check'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { SECRET, sessionCookie } from './app.js'

const HTTP = 'http://app.test'
const HTTPS = 'https://app.test'

/** The app under test: session() with its `csrf` option, over a MemoryStore. */
function csrfApp(extra: CsrfOptions = {}, trustProxy = false) {
  const store = new MemoryStore()
  const manager = new SessionManager({ store, secret: SECRET })
  const app = new Hono<SessionEnv>()
  app.use(
    session(manager, {
      trustProxy,
      csrf: {
        trustedOrigins: ['https://trusted.example'],
        exempt: (request) => new URL(request.url).pathname === '/exempt',
        ...extra,
      },
    }),
  )
  app.get('/token', async (c) => c.json({ csrfToken: await getCsrfToken(c.var.session) }))
  app.get('/token-redirect', async (c) => {
    await getCsrfToken(c.var.session)
    return Response.redirect('http://app.test/elsewhere', 302)
  })
  app.get('/state', async (c) => c.json({ acted: (await c.var.session.get('acted')) ?? null }))
  app.on(['POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND'], '/action', async (c) => {
    await c.var.session.set('acted', c.req.method)
    return c.json({ ok: true })
  })
  app.post('/form', async (c) => {
    // The middleware parsed the form for the token; the handler can still read it.
    const body = await c.req.parseBody()
    await c.var.session.set('acted', String(body.name))
    return c.json({ ok: true, name: body.name })
  })
  app.post('/exempt', async (c) => {
    await c.var.session.set('acted', 'exempt')
    return c.json({ ok: true })
  })
  app.post('/rotate', async (c) => {
    await rotateCsrfToken(c.var.session)
    return c.json({ ok: true })
  })
  return { app, store }
}

type App = ReturnType<typeof csrfApp>['app']

interface Send {
  method?: string
  cookie?: string
  headers?: Record<string, string>
  body?: BodyInit
}

/** Sends a request; every response, whatever it is, must not open CORS. */
async function send(app: App, url: string, { method = 'POST', cookie, headers, body }: Send = {}) {
  const res = await app.request(url, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...headers },
    body,
  })
  expect(res.headers.get('access-control-allow-origin')).toBeNull()
  expect(res.headers.get('access-control-allow-credentials')).toBeNull()
  return res
}

/**
 * An anonymous browser that fetched a token: its cookie (the signed CSRF secret cookie;
 * nothing is stored, so there is no session cookie), the token and the csrftoken cookie.
 */
async function visit(app: App, origin = HTTP) {
  const res = await send(app, `${origin}/token`, { method: 'GET' })
  expect(res.status).toBe(200)
  const { csrfToken } = (await res.json()) as { csrfToken: string }
  const set = res.headers.getSetCookie()
  const csrfCookie = set.find((c) => c.startsWith('csrftoken=')) as string
  expect(set.some((c) => c.startsWith('sessionid='))).toBe(false)
  const cookie = set.find((c) => c.startsWith('sessionid_csrf='))?.split(';')[0] as string
  return { cookie, token: csrfToken, csrfCookie }
}

async function acted(app: App, cookie: string): Promise<unknown> {
  const res = await send(app, `${HTTP}/state`, { method: 'GET', cookie })
  return ((await res.json()) as { acted: unknown }).acted
}

/** A refusal: 403 JSON with detail and code, no cookie set, and the session untouched. */
async function expectRefused(app: App, res: Response, code: string, cookie?: string) {
  expect(res.status).toBe(403)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  expect(res.headers.get('cache-control')).toBe('no-store')
  expect(res.headers.getSetCookie()).toEqual([])
  const body = (await res.json()) as { detail: string; code: string }
  expect(body.code).toBe(code)
  expect(body.detail).toMatch(/^CSRF Failed: /)
  if (cookie) expect(await acted(app, cookie)).toBeNull()
  return body
}

const form = (fields: Record<string, string>) => ({
  'content-type': 'application/x-www-form-urlencoded',
  body: new URLSearchParams(fields).toString(),
})

describe('session() with csrf: the token', () => {
  it('a token in X-CSRFToken lets the request through and the handler runs', async () => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app)
    const res = await send(app, `${HTTP}/action`, { cookie, headers: { 'x-csrftoken': token } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
    expect(await acted(app, sessionCookie(res))).toBe('POST')
  })

  it('missing token: 403 CSRF_TOKEN_MISSING with Django’s reason', async () => {
    const { app } = csrfApp()
    const { cookie } = await visit(app)
    const res = await send(app, `${HTTP}/action`, { cookie })
    const body = await expectRefused(app, res, 'CSRF_TOKEN_MISSING', cookie)
    expect(body.detail).toBe('CSRF Failed: CSRF token missing.')
    const empty = await send(app, `${HTTP}/action`, { cookie, headers: { 'x-csrftoken': '' } })
    await expectRefused(app, empty, 'CSRF_TOKEN_MISSING', cookie)
  })

  it.each([
    ['short', (t: string) => t.slice(0, 40), 'has incorrect length.'],
    ['long', (t: string) => `${t}A`, 'has incorrect length.'],
    ['bad-character', (t: string) => `${t.slice(0, 63)}-`, 'has invalid characters.'],
    ['non-ASCII', (t: string) => `${t.slice(0, 63)}é`, 'has invalid characters.'],
  ])('%s token in the header: 403 CSRF_TOKEN_MALFORMED', async (_, mangle, why) => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app)
    const res = await send(app, `${HTTP}/action`, {
      cookie,
      headers: { 'x-csrftoken': mangle(token) },
    })
    const body = await expectRefused(app, res, 'CSRF_TOKEN_MALFORMED', cookie)
    expect(body.detail).toBe(`CSRF Failed: CSRF token from the 'X-CSRFToken' HTTP header ${why}`)
  })

  it.each([
    ['short', (t: string) => t.slice(0, 40), 'CSRF_TOKEN_MALFORMED'],
    ['bad-character', (t: string) => `${t.slice(0, 63)}_`, 'CSRF_TOKEN_MALFORMED'],
    [
      'wrong',
      (t: string) => `${t.slice(0, 63)}${t.endsWith('a') ? 'b' : 'a'}`,
      'CSRF_TOKEN_INCORRECT',
    ],
  ])('%s token in the form body: 403 %s', async (_, mangle, code) => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app)
    const { 'content-type': type, body } = form({ csrfmiddlewaretoken: mangle(token), name: 'x' })
    const res = await send(app, `${HTTP}/form`, { cookie, headers: { 'content-type': type }, body })
    const refused = await expectRefused(app, res, code, cookie)
    if (code === 'CSRF_TOKEN_MALFORMED') {
      expect(refused.detail).toMatch(
        /^CSRF Failed: CSRF token from the 'csrfmiddlewaretoken' form field /,
      )
    }
  })

  it('a wrong but well-formed token in the header: 403 CSRF_TOKEN_INCORRECT', async () => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app)
    // Change one cipher character: still 64 alphanumerics, unmasks to another secret.
    const wrong = `${token.slice(0, 63)}${token.endsWith('a') ? 'b' : 'a'}`
    const res = await send(app, `${HTTP}/action`, { cookie, headers: { 'x-csrftoken': wrong } })
    const body = await expectRefused(app, res, 'CSRF_TOKEN_INCORRECT', cookie)
    expect(body.detail).toBe('CSRF Failed: CSRF token incorrect.')
    expect(body.detail).not.toContain(token)
  })

  it('a form post with the right csrfmiddlewaretoken works (urlencoded and multipart)', async () => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app)
    const { 'content-type': type, body } = form({ csrfmiddlewaretoken: token, name: 'ada' })
    const res = await send(app, `${HTTP}/form`, { cookie, headers: { 'content-type': type }, body })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, name: 'ada' })

    const multipart = new FormData()
    multipart.set('csrfmiddlewaretoken', token)
    multipart.set('name', 'grace')
    const res2 = await send(app, `${HTTP}/form`, { cookie, body: multipart })
    expect(res2.status).toBe(200)
    expect(await res2.json()).toEqual({ ok: true, name: 'grace' })
  })

  it('a token in a JSON or text body is not read (only form bodies are)', async () => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app)
    for (const type of ['application/json', 'text/plain']) {
      const res = await send(app, `${HTTP}/action`, {
        cookie,
        headers: { 'content-type': type },
        body:
          type === 'text/plain'
            ? `csrfmiddlewaretoken=${token}`
            : JSON.stringify({ csrfmiddlewaretoken: token }),
      })
      await expectRefused(app, res, 'CSRF_TOKEN_MISSING', cookie)
    }
  })

  it('a malformed multipart body is a missing token, not a 500', async () => {
    const { app } = csrfApp()
    const { cookie } = await visit(app)
    const res = await send(app, `${HTTP}/action`, {
      cookie,
      headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
      body: '--zzz\r\nbroken',
    })
    await expectRefused(app, res, 'CSRF_TOKEN_MISSING', cookie)
  })

  it('another session’s token is refused', async () => {
    const { app } = csrfApp()
    const victim = await visit(app)
    const attacker = await visit(app)
    const res = await send(app, `${HTTP}/action`, {
      cookie: victim.cookie,
      headers: { 'x-csrftoken': attacker.token },
    })
    await expectRefused(app, res, 'CSRF_TOKEN_INCORRECT', victim.cookie)
  })

  it('an attacker-planted csrftoken cookie with a matching header is refused', async () => {
    const { app } = csrfApp()
    const victim = await visit(app)
    const attacker = await visit(app)
    // Cookie tossing: the attacker plants their own token as the victim's csrftoken cookie
    // and sends the same value in the header. The cookie is never trusted.
    const planted = attacker.csrfCookie.split(';')[0] as string
    const plantedToken = planted.split('=')[1] as string
    const res = await send(app, `${HTTP}/action`, {
      cookie: `${victim.cookie}; ${planted}`,
      headers: { 'x-csrftoken': plantedToken },
    })
    await expectRefused(app, res, 'CSRF_TOKEN_INCORRECT', victim.cookie)
    // With no session at all, a self-consistent cookie + header pair proves nothing.
    const bare = await send(app, `${HTTP}/action`, {
      cookie: planted,
      headers: { 'x-csrftoken': plantedToken },
    })
    await expectRefused(app, bare, 'CSRF_SESSION_TOKEN_MISSING')
  })

  it('a token in the query string is ignored', async () => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app)
    const url = `${HTTP}/action?csrfmiddlewaretoken=${token}&X-CSRFToken=${token}&csrftoken=${token}`
    await expectRefused(app, await send(app, url, { cookie }), 'CSRF_TOKEN_MISSING', cookie)
  })

  it('two GET /token calls give different masked tokens, and both work', async () => {
    const { app } = csrfApp()
    const first = await visit(app)
    const res = await send(app, `${HTTP}/token`, { method: 'GET', cookie: first.cookie })
    const second = ((await res.json()) as { csrfToken: string }).csrfToken
    expect(second).not.toBe(first.token)
    for (const token of [first.token, second]) {
      const ok = await send(app, `${HTTP}/action`, {
        cookie: first.cookie,
        headers: { 'x-csrftoken': token },
      })
      expect(ok.status).toBe(200)
    }
  })

  it('after rotateCsrfToken the old token is refused and the new one works', async () => {
    const { app } = csrfApp()
    const visited = await visit(app)
    const { token } = visited
    const rotated = await send(app, `${HTTP}/rotate`, {
      cookie: visited.cookie,
      headers: { 'x-csrftoken': token },
    })
    expect(rotated.status).toBe(200)
    const pair = (name: string) =>
      rotated.headers
        .getSetCookie()
        .find((c) => c.startsWith(`${name}=`))
        ?.split(';')[0] as string
    const fresh = pair('csrftoken').split('=')[1] as string
    expect(fresh).toMatch(/^[a-zA-Z0-9]{64}$/)
    // Anonymous: the rotated secret replaces the browser's signed cookie.
    const cookie = pair('sessionid_csrf')
    expect(cookie).not.toBe(visited.cookie)
    const old = await send(app, `${HTTP}/action`, { cookie, headers: { 'x-csrftoken': token } })
    await expectRefused(app, old, 'CSRF_TOKEN_INCORRECT', cookie)
    const ok = await send(app, `${HTTP}/action`, { cookie, headers: { 'x-csrftoken': fresh } })
    expect(ok.status).toBe(200)
  })

  it('a session without a CSRF secret is refused (CSRF_SESSION_TOKEN_MISSING)', async () => {
    const { app } = csrfApp()
    const res = await send(app, `${HTTP}/action`, { headers: { 'x-csrftoken': 'a'.repeat(64) } })
    const body = await expectRefused(app, res, 'CSRF_SESSION_TOKEN_MISSING')
    expect(body.detail).toBe('CSRF Failed: CSRF session token not set.')
  })

  it('the unmasked 32-character form is accepted, as Django does', async () => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app)
    const { unmaskCsrfToken } = await import('@tessera/core')
    const secret = unmaskCsrfToken(token) as string
    const res = await send(app, `${HTTP}/action`, { cookie, headers: { 'x-csrftoken': secret } })
    expect(res.status).toBe(200)
  })
})

describe('session() with csrf: methods', () => {
  it.each(['PUT', 'PATCH', 'DELETE', 'PROPFIND'])('%s is protected', async (method) => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app)
    await expectRefused(
      app,
      await send(app, `${HTTP}/action`, { method, cookie }),
      'CSRF_TOKEN_MISSING',
      cookie,
    )
    const ok = await send(app, `${HTTP}/action`, {
      method,
      cookie,
      headers: { 'x-csrftoken': token },
    })
    expect(ok.status).toBe(200)
    expect(await acted(app, sessionCookie(ok))).toBe(method)
  })

  it('method-override headers and fields are ignored: a POST is still checked', async () => {
    const { app } = csrfApp()
    const { cookie } = await visit(app)
    for (const header of ['x-http-method-override', 'x-http-method', 'x-method-override']) {
      const res = await send(app, `${HTTP}/action`, { cookie, headers: { [header]: 'GET' } })
      await expectRefused(app, res, 'CSRF_TOKEN_MISSING', cookie)
    }
    const { 'content-type': type, body } = form({ _method: 'GET' })
    const res = await send(app, `${HTTP}/action?_method=GET`, {
      cookie,
      headers: { 'content-type': type },
      body,
    })
    await expectRefused(app, res, 'CSRF_TOKEN_MISSING', cookie)
  })

  it('the exempt option skips every check', async () => {
    const { app } = csrfApp()
    const res = await send(app, `${HTTP}/exempt`, {
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    })
    expect(res.status).toBe(200)
  })

  it('exempt reads the request headers, and only exempts what it says', async () => {
    const { app } = csrfApp({
      exempt: (request) => request.headers.get('X-Webhook-Signature') === 'signed',
    })
    const hostile = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }
    const signed = await send(app, `${HTTP}/action`, {
      headers: { ...hostile, 'x-webhook-signature': 'signed' },
    })
    expect(signed.status).toBe(200)
    const unsigned = await send(app, `${HTTP}/action`, { headers: hostile })
    await expectRefused(app, unsigned, 'CSRF_FETCH_METADATA')
  })
})

describe('session() with csrf: Origin', () => {
  it.each([
    ['null', 'null'],
    ['evil', 'https://evil.example'],
    ['scheme downgrade (http origin, https request)', 'http://app.test'],
    ['look-alike suffix', 'https://app.test.evil.com'],
    ['look-alike of a trusted origin', 'https://trusted.example.evil.com'],
    ['look-alike app.example.com.evil.com', 'https://app.example.com.evil.com'],
    ['unparseable', 'https://[broken'],
    ['not a URL', 'garbage'],
    ['empty', ''],
    ['other port', 'https://app.test:8443'],
    ['trailing slash', 'https://app.test/'],
    ['uppercase', 'https://APP.test'],
    ['trusted host over http', 'http://trusted.example'],
    ['two origins', 'https://app.test, https://evil.example'],
  ])('%s is refused with a valid token', async (_, origin) => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app, HTTPS)
    const res = await send(app, `${HTTPS}/action`, {
      cookie,
      headers: { origin, 'x-csrftoken': token, referer: 'https://app.test/page' },
    })
    const body = await expectRefused(app, res, 'CSRF_ORIGIN', cookie)
    expect(body.detail).toBe(
      `CSRF Failed: Origin checking failed - ${origin} does not match any trusted origins.`,
    )
  })

  it('scheme upgrade (https origin, http request) and other ports are refused over HTTP too', async () => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app)
    for (const origin of ['https://app.test', 'http://app.test:8080']) {
      const res = await send(app, `${HTTP}/action`, {
        cookie,
        headers: { origin, 'x-csrftoken': token },
      })
      await expectRefused(app, res, 'CSRF_ORIGIN', cookie)
    }
  })

  it('the own origin and a trusted origin are accepted', async () => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app, HTTPS)
    for (const origin of ['https://app.test', 'https://trusted.example']) {
      const res = await send(app, `${HTTPS}/action`, {
        cookie,
        headers: { origin, 'x-csrftoken': token },
      })
      expect(res.status).toBe(200)
    }
  })

  it('a long Origin is quoted only up to 100 characters', async () => {
    const { app } = csrfApp()
    const origin = `https://${'x'.repeat(500)}.example`
    const res = await send(app, `${HTTP}/action`, { headers: { origin } })
    const body = await expectRefused(app, res, 'CSRF_ORIGIN')
    expect(body.detail).toBe(
      `CSRF Failed: Origin checking failed - ${origin.slice(0, 100)}… does not match any trusted origins.`,
    )
  })
})

describe('session() with csrf: Fetch Metadata', () => {
  it('Sec-Fetch-Site: cross-site is refused even with a valid token and Origin', async () => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app)
    const res = await send(app, `${HTTP}/action`, {
      cookie,
      headers: { 'sec-fetch-site': 'cross-site', origin: HTTP, 'x-csrftoken': token },
    })
    await expectRefused(app, res, 'CSRF_FETCH_METADATA', cookie)
  })

  it.each(['same-origin', 'same-site', 'none'])(
    'Sec-Fetch-Site: %s passes when the rest does',
    async (site) => {
      const { app } = csrfApp()
      const { cookie, token } = await visit(app)
      const res = await send(app, `${HTTP}/action`, {
        cookie,
        headers: { 'sec-fetch-site': site, origin: HTTP, 'x-csrftoken': token },
      })
      expect(res.status).toBe(200)
    },
  )
})

describe('session() with csrf: Referer on HTTPS without Origin', () => {
  it.each([
    ['no Referer', undefined, 'Referer checking failed - no Referer.'],
    [
      'an evil Referer',
      'https://evil.example/page',
      'Referer checking failed - https://evil.example does not match any trusted origins.',
    ],
    [
      'a look-alike Referer',
      'https://app.test.evil.com/',
      'Referer checking failed - https://app.test.evil.com does not match any trusted origins.',
    ],
    [
      'an insecure Referer',
      'http://app.test/page',
      'Referer checking failed - Referer is insecure while host is secure.',
    ],
    ['a malformed Referer', 'not a url', 'Referer checking failed - Referer is malformed.'],
    [
      'another port',
      'https://app.test:8443/page',
      'Referer checking failed - https://app.test:8443 does not match any trusted origins.',
    ],
  ])('%s is refused', async (_, referer, reason) => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app, HTTPS)
    const res = await send(app, `${HTTPS}/action`, {
      cookie,
      headers: { 'x-csrftoken': token, ...(referer ? { referer } : {}) },
    })
    const body = await expectRefused(app, res, 'CSRF_REFERER', cookie)
    expect(body.detail).toBe(`CSRF Failed: ${reason}`)
  })

  it.each(['https://app.test/page?x=1', 'https://trusted.example/from'])(
    'Referer %s is accepted',
    async (referer) => {
      const { app } = csrfApp()
      const { cookie, token } = await visit(app, HTTPS)
      const res = await send(app, `${HTTPS}/action`, {
        cookie,
        headers: { 'x-csrftoken': token, referer },
      })
      expect(res.status).toBe(200)
    },
  )

  it('over plain HTTP, no Referer is needed (Django checks it only on HTTPS)', async () => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app)
    const res = await send(app, `${HTTP}/action`, { cookie, headers: { 'x-csrftoken': token } })
    expect(res.status).toBe(200)
  })

  it('X-Forwarded-Proto counts only with trustProxy', async () => {
    const plain = csrfApp()
    const a = await visit(plain.app)
    const res = await send(plain.app, `${HTTP}/action`, {
      cookie: a.cookie,
      headers: { 'x-forwarded-proto': 'https', origin: HTTPS, 'x-csrftoken': a.token },
    })
    await expectRefused(plain.app, res, 'CSRF_ORIGIN', a.cookie)

    const proxied = csrfApp({}, true)
    const b = await visit(proxied.app)
    const ok = await send(proxied.app, `${HTTP}/action`, {
      cookie: b.cookie,
      headers: { 'x-forwarded-proto': 'https', origin: HTTPS, 'x-csrftoken': b.token },
    })
    expect(ok.status).toBe(200)
    const noReferer = await send(proxied.app, `${HTTP}/action`, {
      cookie: b.cookie,
      headers: { 'x-forwarded-proto': 'https', 'x-csrftoken': b.token },
    })
    await expectRefused(proxied.app, noReferer, 'CSRF_REFERER')
  })
})

describe('session() with csrf: the csrftoken cookie', () => {
  it('is set on GET /token: readable by scripts, SameSite=Lax, no Secure over HTTP', async () => {
    const { app } = csrfApp()
    const res = await send(app, `${HTTP}/token`, { method: 'GET' })
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('csrftoken=')) as string
    expect(cookie).toMatch(
      /^csrftoken=[a-zA-Z0-9]{64}; Max-Age=31449600; Path=\/; Expires=[^;]+; SameSite=Lax$/,
    )
    expect(cookie).not.toMatch(/HttpOnly/i)
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('is Secure over HTTPS, and its value works as a token', async () => {
    const { app } = csrfApp()
    const { cookie, csrfCookie } = await visit(app, HTTPS)
    expect(csrfCookie).toMatch(
      /^csrftoken=[a-zA-Z0-9]{64}; Max-Age=31449600; Path=\/; Expires=[^;]+; Secure; SameSite=Lax$/,
    )
    const token = (csrfCookie.split(';')[0] as string).split('=')[1] as string
    const res = await send(app, `${HTTPS}/action`, {
      cookie,
      headers: { origin: HTTPS, 'x-csrftoken': token },
    })
    expect(res.status).toBe(200)
  })

  it('is not set where no token was asked for', async () => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app)
    const res = await send(app, `${HTTP}/action`, { cookie, headers: { 'x-csrftoken': token } })
    expect(res.headers.getSetCookie().some((c) => c.startsWith('csrftoken='))).toBe(false)
  })

  it("lives 52 weeks like Django's CSRF_COOKIE_AGE, cookie.maxAge changes it, null makes it a browser-session cookie", async () => {
    const before = Date.now()
    const { csrfCookie } = await visit(csrfApp().app)
    expect(csrfCookie).toContain('; Max-Age=31449600;')
    const expires = Date.parse(/; Expires=([^;]+)/.exec(csrfCookie)?.[1] ?? '')
    // Expires is a year on from now (to the second, as the header carries it).
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 31_449_600_000)
    expect(expires).toBeLessThanOrEqual(Date.now() + 31_449_600_000)
    const day = await visit(csrfApp({ cookie: { maxAge: 86_400 } }).app)
    expect(day.csrfCookie).toContain('; Max-Age=86400;')
    const browserSession = await visit(csrfApp({ cookie: { maxAge: null } }).app)
    expect(browserSession.csrfCookie).not.toMatch(/Max-Age|Expires/i)
    for (const maxAge of [0, -1, 1.5, Number.NaN]) {
      expect(() => csrfApp({ cookie: { maxAge } })).toThrow(
        'cookie.maxAge must be a whole number of seconds of at least 1, or null',
      )
    }
  })

  it('is added to responses with immutable headers', async () => {
    const { app } = csrfApp()
    const res = await send(app, `${HTTP}/token-redirect`, { method: 'GET' })
    expect(res.status).toBe(302)
    expect(res.headers.getSetCookie().some((c) => c.startsWith('csrftoken='))).toBe(true)
  })
})

describe('session() with csrf: configuration', () => {
  const message = (i: number, entry: string) =>
    `trustedOrigins[${i}] must be an exact origin "scheme://host[:port]" as browsers send it (http or https, lowercase, no default port, path, wildcard or trailing slash), got ${JSON.stringify(entry)}`

  it.each([
    [['https://x.example/path'], 0, 'https://x.example/path'],
    [['*.example.com'], 0, '*.example.com'],
    [['https://ok.example', 'https://x.example/'], 1, 'https://x.example/'],
  ])('trustedOrigins %j throws ConfigError at setup', (trustedOrigins, index, entry) => {
    let error: unknown
    try {
      session(new SessionManager({ store: new MemoryStore(), secret: SECRET }), {
        csrf: { trustedOrigins },
      })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).code).toBe('CONFIG_INVALID')
    expect((error as ConfigError).message).toBe(message(index, entry))
  })
})

describe('session() with csrf: hostile headers (fast-check)', () => {
  // What can reach a server in a header value: bytes other than NUL, CR and LF.
  const headerChar = fc
    .integer({ min: 1, max: 255 })
    .filter((c) => c !== 10 && c !== 13)
    .map((c) => String.fromCharCode(c))
  const headerText = fc.string({ unit: headerChar, maxLength: 200 })
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })

  it('random Origin, Referer, Sec-Fetch-Site and X-CSRFToken never yield a 5xx', async () => {
    const { app } = csrfApp()
    const { cookie, token } = await visit(app)
    const origin = fc.oneof(
      headerText,
      fc.constantFrom('null', HTTP, HTTPS, 'https://trusted.example', 'https://evil.example'),
      fc.webUrl().map((u) => new URL(u).origin),
    )
    const referer = fc.oneof(headerText, fc.webUrl(), fc.constantFrom(`${HTTPS}/p`, `${HTTP}/p`))
    const site = fc.oneof(
      headerText,
      fc.constantFrom('cross-site', 'same-site', 'same-origin', 'none', ' CROSS-SITE '),
    )
    const csrfHeader = fc.oneof(
      headerText,
      fc.constant(token),
      fc.string({ unit: fc.constantFrom(...'aZ09-_é'), minLength: 60, maxLength: 66 }),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET'),
        fc.constantFrom(HTTP, HTTPS),
        maybe(origin),
        maybe(referer),
        maybe(site),
        maybe(csrfHeader),
        async (method, base, o, r, s, t) => {
          const headers: Record<string, string> = { cookie }
          if (o !== undefined) headers.origin = o
          if (r !== undefined) headers.referer = r
          if (s !== undefined) headers['sec-fetch-site'] = s
          if (t !== undefined) headers['x-csrftoken'] = t
          const res = await send(app, `${base}/action`, { method, headers })
          expect(res.status).toBeLessThan(500)
          if (res.status === 403) {
            expect(res.headers.getSetCookie()).toEqual([])
            expect(await res.text()).not.toContain(token)
          }
        },
      ),
      { numRuns: 1500 },
    )
  })
})
