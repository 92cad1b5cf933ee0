import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type DemoProcess, startDemoProcess } from '../../../test-support/demo-process.js'
import { rawHttpFetch } from '../../../test-support/raw-http.js'
import { Client, type Requestable } from './client.js'

// The demo behind a TLS-terminating proxy, as the proxy's requests reach it: plain HTTP
// on its port, `Host` the public name, `X-Forwarded-Proto: https`, `X-Forwarded-For`
// ending with the client's address. e2e/production-tls.test.ts runs the same through
// real nginx and Chromium.

const PUBLIC = 'https://app.example'
const dirs: string[] = []
const demos: DemoProcess[] = []
afterAll(async () => {
  await Promise.all(demos.map((d) => d.stop()))
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function start(env: Record<string, string>): Promise<DemoProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-proxy-'))
  dirs.push(dataDir)
  const demo = await startDemoProcess({ DATA_DIR: dataDir, ALLOWED_HOSTS: 'app.example', ...env })
  demos.push(demo)
  return demo
}

/** What the proxy sends on: the public URL's host, over plain HTTP, with forwarding headers. */
function viaProxy(demo: DemoProcess, clientAddress: string): Requestable {
  const port = Number(new URL(demo.url).port)
  return {
    request(input, init = {}) {
      const url = new URL(input)
      url.protocol = 'http:'
      const headers = new Headers(init.headers)
      headers.set('x-forwarded-proto', 'https')
      // A client-written entry first: only the last one, the proxy's, is believed.
      headers.set('x-forwarded-for', `203.0.113.66, ${clientAddress}`)
      return rawHttpFetch(new Request(url, { ...init, headers }), port)
    },
  }
}

/** GET /api/csrf/ then a login whose CSRF token is the one the `csrftoken` cookie holds. */
async function login(browser: Client, csrfCookie: string): Promise<Response> {
  await browser.request('/api/csrf/')
  const token = browser.cookie(csrfCookie) ?? ''
  return browser.request('/api/login/', {
    json: { username: 'admin', password: 'admin' },
    headers: { 'x-csrftoken': token, origin: PUBLIC },
  })
}

describe('the demo behind a TLS proxy', () => {
  it('without TRUST_PROXY an https login fails CSRF_ORIGIN and no cookie is Secure', async () => {
    const demo = await start({})
    const browser = new Client(viaProxy(demo, '198.51.100.7'), PUBLIC)
    const res = await login(browser, 'csrftoken')
    expect(res.status).toBe(403)
    expect(((await res.json()) as { code: string }).code).toBe('CSRF_ORIGIN')
    expect(browser.cookie('csrftoken')).toBeDefined()
    expect(res.headers.get('strict-transport-security')).toBeNull()
    for (const cookie of browser.lastSetCookies) expect(cookie).not.toMatch(/;\s*Secure/i)
  }, 60_000)

  it('with TRUST_PROXY=1: __Host- cookies, always Secure; the login works; HSTS; the client address is the proxy’s', async () => {
    const demo = await start({ TRUST_PROXY: '1', INSTANCE_NAME: 'one', HSTS_SECONDS: '600' })
    expect(demo.output()).toContain(
      "Behind a proxy: yes (X-Forwarded-Proto/For trusted); cookies: __Host-sessionid (always Secure); frame-ancestors of /embed/: 'none'",
    )
    const browser = new Client(viaProxy(demo, '198.51.100.7'), PUBLIC)
    const csrf = await browser.request('/api/csrf/')
    expect(csrf.headers.get('strict-transport-security')).toBe('max-age=600')
    expect(csrf.headers.get('x-instance')).toBe('one')
    const csrfCookie = browser.lastSetCookies.find((c) => c.startsWith('__Host-csrftoken='))
    expect(csrfCookie).toMatch(/; Path=\/;/)
    expect(csrfCookie).toMatch(/; Secure;/)
    expect(csrfCookie).toMatch(/; SameSite=Lax/)
    expect(csrfCookie).not.toMatch(/Domain=/i)
    // The anonymous session's CSRF secret, in its signed cookie, is a __Host- cookie too.
    expect(browser.cookie('__Host-sessionid_csrf')).toBeDefined()

    const res = await login(browser, '__Host-csrftoken')
    expect(res.status).toBe(200)
    const session = browser.lastSetCookies.find((c) => c.startsWith('__Host-sessionid='))
    expect(session).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax/)
    expect(session).not.toMatch(/Domain=/i)
    expect(browser.lastSetCookies.join('\n')).not.toMatch(/^(sessionid|csrftoken)=/m)
    expect(await (await browser.request('/api/hello/')).json()).toEqual({ message: 'Hello admin' })

    // The address on "your sessions" (and the one the throttle counts) is the proxy's last
    // X-Forwarded-For entry, never the client-written one before it.
    const list = (await (await browser.request('/api/sessions/')).json()) as {
      sessions: { ip: string | null }[]
    }
    expect(list.sessions.map((s) => s.ip)).toEqual(['198.51.100.7'])

    // Django's strict Referer rule on HTTPS: a POST without Origin needs an https Referer
    // of this origin.
    const token = browser.cookie('__Host-csrftoken') ?? ''
    const post = (headers: Record<string, string>) =>
      browser.request('/api/logout/', {
        method: 'POST',
        csrf: false,
        headers: { 'x-csrftoken': token, ...headers },
      })
    for (const [headers, reason] of [
      [{}, 'no Referer'],
      [{ referer: 'http://app.example/' }, 'Referer is insecure while host is secure'],
      [{ referer: 'https://evil.example/' }, 'does not match any trusted origins'],
    ] as const) {
      const refused = await post(headers)
      expect(refused.status).toBe(403)
      const body = (await refused.json()) as { code: string; detail: string }
      expect(body.code).toBe('CSRF_REFERER')
      expect(body.detail).toContain(reason)
    }
    expect((await browser.request('/api/hello/')).status, 'still logged in').toBe(200)
    expect((await post({ referer: `${PUBLIC}/` })).status).toBe(200)
    expect((await browser.request('/api/hello/')).status).toBe(401)
  }, 60_000)

  it.each(['express', 'fastify', 'web'])(
    'with DEMO_ADAPTER=%s the API’s answers carry HSTS and X-Instance too',
    async (adapter) => {
      const demo = await start({ TRUST_PROXY: '1', INSTANCE_NAME: 'one', DEMO_ADAPTER: adapter })
      const browser = new Client(viaProxy(demo, '198.51.100.7'), PUBLIC)
      for (const path of ['/', '/api/csrf/', '/api/me/', '/api/nothing-here/']) {
        const res = await browser.request(path)
        expect(res.headers.get('strict-transport-security'), path).toBe('max-age=31536000')
        expect(res.headers.get('x-instance'), path).toBe('one')
      }
    },
    60_000,
  )

  it('a page of the public host lets no other site’s scripts in (the default shared sites are loopback)', async () => {
    // Without SHARED_SITES the demo shares sessions between http://localhost:<port> and
    // http://127.0.0.1:<port>; neither is this site, so its pages load no loader script.
    const demo = await start({ TRUST_PROXY: '1' })
    const browser = new Client(viaProxy(demo, '198.51.100.7'), PUBLIC)
    const csp = (await browser.request('/')).headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).not.toMatch(/localhost|127\.0\.0\.1/)
  }, 60_000)

  it('the throttle counts the address the proxy saw', async () => {
    const demo = await start({ TRUST_PROXY: '1' })
    const wrong = async (address: string, username: string) => {
      const browser = new Client(viaProxy(demo, address), PUBLIC)
      await browser.request('/api/csrf/')
      return browser.request('/api/login/', {
        json: { username, password: 'wrong' },
        headers: { 'x-csrftoken': browser.cookie('__Host-csrftoken') ?? '', origin: PUBLIC },
      })
    }
    // One client guessing many accounts hits the per-client limit…
    const statuses: number[] = []
    for (let i = 0; i < 40 && !statuses.includes(429); i++) {
      statuses.push((await wrong('198.51.100.20', `user${i}`)).status)
    }
    expect(statuses.at(-1)).toBe(429)
    // …which another client address (as the proxy appends it) does not share.
    expect((await wrong('198.51.100.21', 'someone')).status).toBe(401)
  }, 60_000)
})

describe('production settings refused at startup', () => {
  it.each([
    [
      { TRUST_PROXY: 'maybe' },
      'TRUST_PROXY must be 1 or 0 (or true/false, yes/no, on/off), got "maybe"',
    ],
    [{ HOST_COOKIES: '2' }, 'HOST_COOKIES must be 1 or 0 (or true/false, yes/no, on/off), got "2"'],
    [
      { FRAME_ANCESTORS: 'https://partner.example,*' },
      'FRAME_ANCESTORS entries must be exact origins like "https://partner.example" (http or https, lowercase, no path, wildcard or trailing slash), got "*"',
    ],
    [
      { FRAME_ANCESTORS: 'https://partner.example/' },
      'FRAME_ANCESTORS entries must be exact origins like "https://partner.example" (http or https, lowercase, no path, wildcard or trailing slash), got "https://partner.example/"',
    ],
    [{ HSTS_SECONDS: '-1' }, 'HSTS_SECONDS must be a whole number of at least 0, got "-1"'],
    [
      { INSTANCE_NAME: 'a b' },
      'INSTANCE_NAME must be 1 to 64 letters, digits, ".", "_" or "-", got "a b"',
    ],
  ])(
    '%o',
    async (env, message) => {
      await expect(start(env)).rejects.toThrow(message)
    },
    60_000,
  )
})
