import {
  ConfigError,
  type CsrfRequest,
  checkCsrf,
  csrfFailureResponse,
  getCsrfToken,
  MemoryStore,
  resolveCsrfOptions,
  rotateCsrfToken,
  SessionManager,
  takeCsrfCookie,
} from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const manager = new SessionManager({
  store: new MemoryStore(),
  secret: 'core-csrf-test-secret-core-csrf-test-secret',
})
const options = resolveCsrfOptions({ trustedOrigins: ['https://trusted.example'] })

/** The `Cookie` header a browser sends back after these `Set-Cookie` values. */
function cookies(setCookie: string[]): string {
  return setCookie.map((c) => c.split(';')[0]).join('; ')
}

function post(headers: Record<string, string>, extra: Partial<CsrfRequest> = {}): CsrfRequest {
  return {
    method: 'POST',
    url: 'https://app.test/action',
    headers: new Headers(headers),
    secure: true,
    ...extra,
  }
}

describe('checkCsrf', () => {
  it('refuses on headers alone without reading the session (no store call)', async () => {
    const cases: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example' },
      { referer: 'https://evil.example/page' },
      {},
    ]
    for (const headers of cases) {
      const session = manager.open({ cookie: 'sessionid=whatever', secure: true })
      expect(await checkCsrf(post(headers), session, options)).not.toBeNull()
      expect(session.accessed).toBe(false)
    }
  })

  it('passes safe methods and exempt requests untouched', async () => {
    const exempt = resolveCsrfOptions({ exempt: (r) => r.url.endsWith('/hook') })
    const session = manager.open({ cookie: undefined, secure: true })
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'TRACE']) {
      expect(await checkCsrf(post({ origin: 'null' }, { method }), session, exempt)).toBeNull()
    }
    const hook = post({ origin: 'null' }, { url: 'https://app.test/hook' })
    expect(await checkCsrf(hook, session, exempt)).toBeNull()
    expect(session.accessed).toBe(false)
    // Methods are case-sensitive (RFC 9110 §9.1): "get" is not GET.
    expect((await checkCsrf(post({}, { method: 'get' }), session, exempt))?.code).toBe(
      'CSRF_REFERER',
    )
  })

  it('a token from getCsrfToken passes; after rotateCsrfToken it does not (anonymous: the signed cookie is replaced)', async () => {
    const s1 = manager.open({ cookie: undefined, secure: true })
    const token = await getCsrfToken(s1)
    expect(takeCsrfCookie(s1)).toMatch(/^[a-zA-Z0-9]{64}$/)
    expect(takeCsrfCookie(s1)).toBeUndefined()
    const cookie = cookies((await manager.commit(s1)).setCookie)
    expect(cookie).toMatch(/^sessionid_csrf=[a-zA-Z0-9]{32}\.[\w-]{43}$/)
    const req = () => post({ origin: 'https://app.test', 'x-csrftoken': token })
    expect(await checkCsrf(req(), manager.open({ cookie, secure: true }), options)).toBeNull()

    const s2 = manager.open({ cookie, secure: true })
    await rotateCsrfToken(s2)
    const rotated = cookies((await manager.commit(s2)).setCookie)
    expect(rotated).not.toBe(cookie)
    const failure = await checkCsrf(req(), manager.open({ cookie: rotated, secure: true }), options)
    expect(failure).toEqual({ code: 'CSRF_TOKEN_INCORRECT', reason: 'CSRF token incorrect.' })
  })

  it('reads a configured header name from a Node-style header record, and names it as configured', async () => {
    const custom = resolveCsrfOptions({ headerName: 'X-My-Token' })
    const s1 = manager.open({ cookie: undefined, secure: true })
    const token = await getCsrfToken(s1)
    const cookie = cookies((await manager.commit(s1)).setCookie)
    // Node's parsed headers: lower-case keys, looked up as given (no case folding).
    const record = (value: string): Record<string, string> => ({
      origin: 'https://app.test',
      'x-my-token': value,
    })
    const req = (value: string) => {
      const headers = record(value)
      return post(headers, { header: (name: string) => headers[name] })
    }
    expect(await checkCsrf(req(token), manager.open({ cookie, secure: true }), custom)).toBeNull()
    expect(await checkCsrf(req('short'), manager.open({ cookie, secure: true }), custom)).toEqual({
      code: 'CSRF_TOKEN_MALFORMED',
      reason: "CSRF token from the 'X-My-Token' HTTP header has incorrect length.",
    })
  })

  it('on a stored session, rotateCsrfToken kills the old token for the same cookie', async () => {
    const s1 = manager.open({ cookie: undefined, secure: true })
    await s1.set('cart', ['apple'])
    const token = await getCsrfToken(s1)
    const cookie = cookies((await manager.commit(s1)).setCookie)
    expect(cookie).toMatch(/^sessionid=[\w-]{22}\.[\w-]{43}$/)
    const req = () => post({ origin: 'https://app.test', 'x-csrftoken': token })
    expect(await checkCsrf(req(), manager.open({ cookie, secure: true }), options)).toBeNull()

    const s2 = manager.open({ cookie, secure: true })
    await rotateCsrfToken(s2)
    await manager.commit(s2)
    const failure = await checkCsrf(req(), manager.open({ cookie, secure: true }), options)
    expect(failure).toEqual({ code: 'CSRF_TOKEN_INCORRECT', reason: 'CSRF token incorrect.' })
  })

  it('the own origin is the WHATWG host of the URL, whatever URL came before', async () => {
    // The host of the last scheme and authority is kept between requests: any sequence
    // of URLs must give each its own origin, as `new URL(url).host` reads it.
    const scheme = fc.constantFrom('http://', 'https://', 'HTTP://', ' https://', 'ftp://', '')
    const authority = fc
      .array(fc.constantFrom(...'aZ9.-:@%[]\t\n\r é\\/'.split(''), 'app.test', '[::1]', ':8443'), {
        maxLength: 6,
      })
      .map((units) => units.join(''))
    const rest = fc.constantFrom('', '/', '/x?y', '?q', '#f', '\\p', ' ')
    const url = fc.tuple(scheme, authority, rest).map((parts) => parts.join(''))
    const expected = (u: string, secure: boolean): string | undefined => {
      try {
        const host = new URL(u).host
        return host === '' ? undefined : `${secure ? 'https' : 'http'}://${host}`
      } catch {
        return undefined
      }
    }
    const noToken = manager.open({ cookie: undefined, secure: true })
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(url, fc.boolean()), { maxLength: 8 }), async (seq) => {
        for (const [u, secure] of seq) {
          const own = expected(u, secure)
          const origins = [own ?? 'https://app.test', 'http://app.test', 'https://app.test:8443']
          for (const origin of origins) {
            const request = post({ origin }, { url: u, secure })
            const failure = await checkCsrf(request, noToken, options)
            // Past the Origin step, what fails is the missing secret.
            expect(failure?.code).toBe(
              origin === own ? 'CSRF_SESSION_TOKEN_MISSING' : 'CSRF_ORIGIN',
            )
          }
        }
      }),
      { numRuns: 1000 },
    )
  })

  it('never echoes more than 100 characters of a header', async () => {
    const session = manager.open({ cookie: undefined, secure: true })
    const long = `https://${'a'.repeat(300)}.example`
    const failure = await checkCsrf(post({ origin: long }), session, options)
    expect(failure?.reason).toBe(
      `Origin checking failed - ${long.slice(0, 100)}… does not match any trusted origins.`,
    )
  })

  it('csrfFailureResponse is a 403 JSON with no-store', async () => {
    const res = csrfFailureResponse({ code: 'CSRF_TOKEN_MISSING', reason: 'CSRF token missing.' })
    expect(res.status).toBe(403)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await res.json()).toEqual({
      detail: 'CSRF Failed: CSRF token missing.',
      code: 'CSRF_TOKEN_MISSING',
    })
  })
})

describe('resolveCsrfOptions', () => {
  it.each([
    ['https://x.example/path', 0],
    ['*.example.com', 0],
    ['https://x.example/', 0],
    ['https://X.example', 0],
    ['https://x.example:443', 0],
    ['https://*.example.com', 0],
    ['null', 0],
    ['ftp://x.example', 0],
    ['https://user@x.example', 0],
    ['https://x.example?q', 0],
  ])('refuses %s', (entry) => {
    expect(() => resolveCsrfOptions({ trustedOrigins: ['https://ok.example', entry] })).toThrow(
      new ConfigError(
        `trustedOrigins[1] must be an exact origin "scheme://host[:port]" as browsers send it (http or https, lowercase, no default port, path, wildcard or trailing slash), got ${JSON.stringify(entry)}`,
      ),
    )
  })

  it('accepts exact origins, with ports and http', () => {
    const o = resolveCsrfOptions({
      trustedOrigins: ['https://a.example', 'http://localhost:5173', 'https://[::1]:8443'],
    })
    expect([...o.trustedOrigins]).toEqual([
      'https://a.example',
      'http://localhost:5173',
      'https://[::1]:8443',
    ])
    expect(o.headerName).toBe('X-CSRFToken')
    expect(o.formField).toBe('csrfmiddlewaretoken')
    expect(o.cookie).toEqual({
      name: 'csrftoken',
      secure: 'auto',
      attributes: { path: '/', httpOnly: false, sameSite: 'Lax' },
      maxAge: 31_449_600,
    })
  })

  it('validates the cookie at setup', () => {
    expect(() => resolveCsrfOptions({ cookie: { name: '__Host-csrftoken' } })).toThrow(
      'Invalid CSRF cookie options: Cookie "__Host-csrftoken": the __Host- prefix requires secure: true (RFC 6265bis §4.1.3.2) (cookie.secure is "auto": set it to true)',
    )
    expect(() => resolveCsrfOptions({ cookie: { sameSite: 'None', secure: false } })).toThrow(
      ConfigError,
    )
    expect(() => resolveCsrfOptions({ headerName: 'X CSRF' })).toThrow(ConfigError)
    expect(() => resolveCsrfOptions({ formField: '' })).toThrow(ConfigError)
  })
})
