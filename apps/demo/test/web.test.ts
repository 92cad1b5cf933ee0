import { existsSync, readFileSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { MemoryStore, SessionManager } from '@tessera/core'
import { type SessionEnv, session } from '@tessera/hono'
import { Hono } from 'hono'
import { beforeAll, describe, expect, it } from 'vitest'
import { pageSessionToken } from '../src/page-session-token.js'
import {
  CONTENT_SECURITY_POLICY,
  embedContentSecurityPolicy,
  ensureWebBuild,
  mountWeb,
} from '../src/web.js'

const SECRET = 'web-test-secret-0123456789abcdef0123'

let dist = ''
let app: Hono

beforeAll(async () => {
  dist = await ensureWebBuild()
  app = new Hono()
  app.get('/api/hello/', (c) => c.json({ message: 'Hello' }))
  mountWeb(app, dist)
  app.all('/api/*', (c) => c.json({ detail: 'Not found' }, 404))
  app.notFound((c) => c.json({ detail: 'Not found' }, 404))
}, 120_000)

const indexMtime = () => statSync(join(dist, 'index.html')).mtimeMs

function expectHtmlHeaders(res: Response) {
  expect(res.headers.get('content-type')).toMatch(/^text\/html/)
  expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
  expect(res.headers.get('x-frame-options')).toBe('DENY')
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  expect(res.headers.get('referrer-policy')).toBe('same-origin')
  expect(res.headers.get('cache-control')).toBe('no-cache')
}

describe('ensureWebBuild', () => {
  it('builds dist/index.html and leaves an up-to-date build alone', async () => {
    expect(existsSync(join(dist, 'index.html'))).toBe(true)
    const before = indexMtime()
    expect(await ensureWebBuild()).toBe(dist)
    expect(indexMtime()).toBe(before)
  })

  it('rebuilds when the build is older than the sources', async () => {
    utimesSync(join(dist, 'index.html'), new Date(0), new Date(0))
    await ensureWebBuild()
    expect(indexMtime()).toBeGreaterThan(Date.now() - 120_000)
  }, 120_000)

  it('emits no inline script, so the CSP needs no unsafe-inline for scripts', () => {
    const html = readFileSync(join(dist, 'index.html'), 'utf8')
    const scripts = html.match(/<script\b[^>]*>/g) ?? []
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag).toMatch(/\bsrc="\/assets\/[^"]+\.js"/)
    expect(html).not.toMatch(/https?:\/\//)
  })
})

describe('mountWeb', () => {
  it('serves index.html for / with the security headers', async () => {
    const res = await app.request('/')
    expect(res.status).toBe(200)
    expectHtmlHeaders(res)
    expect(await res.text()).toContain('<div id="app"></div>')
  })

  it('falls back to index.html for client-side routes', async () => {
    const res = await app.request('/some/spa/route')
    expect(res.status).toBe(200)
    expectHtmlHeaders(res)
    expect(await res.text()).toContain('<div id="app"></div>')
  })

  it('serves hashed assets with their content type and a long cache', async () => {
    const html = await (await app.request('/')).text()
    const js = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1]
    const css = html.match(/href="(\/assets\/[^"]+\.css)"/)?.[1]
    expect(js && css).toBeTruthy()
    for (const [path, type] of [
      [js, /^text\/javascript/],
      [css, /^text\/css/],
    ] as const) {
      const res = await app.request(path as string)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(type)
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('content-security-policy')).toBeNull()
    }
  })

  it('serves public files without the long cache', async () => {
    const res = await app.request('/favicon.svg')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/)
    expect(res.headers.get('cache-control')).toBe('no-cache')
  })

  it('leaves /api/ to the API: routes answer, unknown paths keep their JSON 404', async () => {
    expect(await (await app.request('/api/hello/')).json()).toEqual({ message: 'Hello' })
    for (const path of ['/api/unknown', '/api/', '/api']) {
      const res = await app.request(path)
      expect(res.status, path).toBe(404)
      expect(await res.json()).toEqual({ detail: 'Not found' })
    }
  })

  it('answers a missing asset with 404, not with the page', async () => {
    const res = await app.request('/assets/missing-abc123.js')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('answers a missing /.well-known/ document (a JWKS with opaque cookies) with 404, not with the page', async () => {
    const res = await app.request('/.well-known/jwks.json')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('never serves files outside dist', async () => {
    for (const path of ['/../vite.config.ts', '/%2e%2e/vite.config.ts', '/..%2fvite.config.ts']) {
      const res = await app.request(path)
      const body = await res.text()
      expect(body, path).not.toContain('defineConfig')
    }
  })

  it('leaves unsafe methods alone', async () => {
    const res = await app.request('/', { method: 'POST' })
    expect(res.status).toBe(404)
  })
})

describe('FRAME_ANCESTORS', () => {
  it('by default no page may be framed, /embed/ included', async () => {
    for (const path of ['/', '/embed/']) expectHtmlHeaders(await app.request(path))
  })

  it('with origins, only /embed/ names them in frame-ancestors and drops X-Frame-Options', async () => {
    const framed = new Hono()
    const origins = ['https://partner.example', 'https://b.partner.example:8443']
    mountWeb(framed, dist, { frameAncestors: origins })
    const embed = await framed.request('/embed/')
    expect(embed.status).toBe(200)
    const policy = embed.headers.get('content-security-policy') ?? ''
    expect(policy).toBe(embedContentSecurityPolicy(origins))
    expect(policy).toContain(
      'frame-ancestors https://partner.example https://b.partner.example:8443;',
    )
    expect(policy).not.toContain("'none'")
    expect(embed.headers.get('x-frame-options')).toBeNull()
    // Every other page, the login form of / above all, stays unframeable.
    for (const path of ['/', '/embedded', '/some/route'])
      expectHtmlHeaders(await framed.request(path))
  })
})

/** The demo's pages as main.ts mounts them: the session middleware and the page token hook. */
function pagesOf(manager: SessionManager) {
  const pages = new Hono<SessionEnv>()
  pages.use(session(manager))
  pages.post('/api/remember/', async (c) => {
    await c.var.session.set('remembered', true)
    return c.json({ ok: true })
  })
  mountWeb(pages, dist, { html: pageSessionToken })
  return pages
}

const tokenOf = async (res: Response) =>
  /<html[^>]*\sdata-session-token="([A-Za-z0-9_.-]+)"/.exec(await res.text())?.[1]

describe('which pages carry a header token', () => {
  it('a cookie page never does; /embed/ and a page requested with X-Session-Token do', async () => {
    const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
    const pages = pagesOf(manager)
    const stored = await pages.request('/api/remember/', { method: 'POST' })
    const cookie = stored.headers.getSetCookie()[0]?.split(';')[0] as string
    for (const path of ['/', '/some/spa/route', '/embedded']) {
      const page = await pages.request(path, { headers: { cookie } })
      expect(await page.text(), path).not.toContain('data-session-token')
    }
    const token = await tokenOf(await pages.request('/embed/', { headers: { cookie } }))
    expect(token, '/embed/ of a stored session').toBeDefined()
    // A webview that already holds a token gets it back on any page.
    const viaHeader = await pages.request('/', { headers: { 'x-session-token': token as string } })
    expect(await tokenOf(viaHeader)).toBe(token)
    // A bogus token is no token: the page stays a cookie page.
    const bogus = await pages.request('/', {
      headers: { cookie, 'x-session-token': 'bogus.token' },
    })
    expect(await bogus.text()).not.toContain('data-session-token')
  })
})

function countCreated(manager: SessionManager): () => number {
  let created = 0
  manager.on('created', () => {
    created++
  })
  return () => created
}

describe('HEAD of a page', () => {
  it('HEAD / and HEAD /embed/ answer the page headers, no body, no token, no session row', async () => {
    const manager = new SessionManager({ store: new MemoryStore(), secret: SECRET })
    const created = countCreated(manager)
    const pages = pagesOf(manager)
    for (const path of ['/', '/embed/']) {
      const res = await pages.request(path, { method: 'HEAD' })
      expect(res.status).toBe(200)
      expectHtmlHeaders(res)
      expect(res.headers.getSetCookie()).toEqual([])
      expect(await res.text()).toBe('')
    }
    await manager.settled()
    expect(created()).toBe(0)
  })
})

describe('anonymous page views', () => {
  it('1,000 anonymous GET /embed/ and / create no session row; a page of a stored session carries its token', async () => {
    const store = new MemoryStore()
    const manager = new SessionManager({ store, secret: SECRET })
    const created = countCreated(manager)
    const pages = pagesOf(manager)
    for (let i = 0; i < 1000; i++) {
      const res = await pages.request(i % 2 ? '/embed/' : '/')
      expect(res.status).toBe(200)
      expect(res.headers.getSetCookie()).toEqual([])
      expect(await res.text()).not.toContain('data-session-token')
    }
    await manager.settled()
    expect(created()).toBe(0)
    // Once the visitor has a session, its pages carry its token (and the count works).
    const stored = await pages.request('/api/remember/', { method: 'POST' })
    expect(stored.status).toBe(200)
    await manager.settled()
    expect(created()).toBe(1)
    const cookie = stored.headers.getSetCookie()[0]?.split(';')[0] as string
    const page = await pages.request('/embed/', { headers: { cookie } })
    expect(await page.text()).toContain('data-session-token=')
    const home = await pages.request('/', { headers: { cookie } })
    expect(await home.text()).not.toContain('data-session-token')
  })
})
