import {
  MemoryStore,
  type Session,
  SessionManager,
  type SessionManagerOptions,
  type SessionStore,
  type SharedSessionOptions,
  SharedSessions,
} from '@tessera/core'
import { applyCommit } from '@tessera/core/adapter'
import { ManualClock } from '@tessera/testing'
import { SECRET, T0 } from '../support/harness.js'

export const A = 'http://a.test'
export const B = 'http://b.test'
export const KEY = 'transfer-key-transfer-key-transfer-key-0001'

interface StoredCookie {
  value: string
  path: string
  attributes: string
}

/**
 * A browser with a cookie jar per host that follows what Set-Cookie says (Max-Age=0
 * deletes, Path scopes), so tests see exactly what a browser would send back.
 */
export class TestBrowser {
  readonly jar = new Map<string, Map<string, StoredCookie>>()
  constructor(readonly userAgent = 'TestBrowser/1.0') {}

  cookieHeader(url: string): string | undefined {
    const u = new URL(url)
    const cookies = this.jar.get(u.host)
    if (!cookies) return undefined
    const pairs = [...cookies]
      .filter(
        ([, c]) =>
          u.pathname === c.path ||
          u.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`),
      )
      .map(([name, c]) => `${name}=${c.value}`)
    return pairs.length ? pairs.join('; ') : undefined
  }

  cookie(origin: string, name: string): StoredCookie | undefined {
    return this.jar.get(new URL(origin).host)?.get(name)
  }

  store(url: string, response: Response): void {
    const host = new URL(url).host
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...rest] = header.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const attributes = rest.join(';')
      const path = /path=([^;]*)/i.exec(attributes)?.[1]?.trim() ?? '/'
      const cookies = this.jar.get(host) ?? new Map()
      this.jar.set(host, cookies)
      if (/max-age=0(;|$)/i.test(attributes.replace(/\s/g, ''))) cookies.delete(name)
      else cookies.set(name, { value, path, attributes })
    }
  }

  /** Sends a request as this browser would for a top-level page load (or `init` overrides). */
  async fetch(app: (r: Request) => Promise<Response>, url: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers)
    const cookie = this.cookieHeader(url)
    if (cookie && !headers.has('cookie')) headers.set('cookie', cookie)
    headers.set('user-agent', this.userAgent)
    const response = await app(new Request(url, { ...init, headers }))
    this.store(url, response)
    return response
  }

  /**
   * Loads `url` as a `<script referrerpolicy="origin">` on a page of `page` would: the
   * Fetch metadata and `Referer` a browser sets and no page can forge.
   */
  script(app: (r: Request) => Promise<Response>, url: string, page = A, init: RequestInit = {}) {
    const site = new URL(url).origin === page ? 'same-origin' : 'cross-site'
    const headers = new Headers({
      'sec-fetch-dest': 'script',
      'sec-fetch-mode': 'no-cors',
      'sec-fetch-site': site,
      referer: `${page}/`,
    })
    for (const [name, value] of new Headers(init.headers)) headers.set(name, value)
    return this.fetch(app, url, { ...init, headers })
  }

  /** Follows 303s like a browser's top-level navigation; returns the last response and the hops. */
  async navigate(app: (r: Request) => Promise<Response>, url: string) {
    const hops: string[] = [url]
    let response = await this.fetch(app, url, { headers: { 'sec-fetch-dest': 'document' } })
    for (let i = 0; i < 10 && response.status === 303; i++) {
      const next = new URL(response.headers.get('location') as string, hops[hops.length - 1]).href
      hops.push(next)
      response = await this.fetch(app, next, { headers: { 'sec-fetch-dest': 'document' } })
    }
    return { response, hops }
  }
}

/**
 * The smallest app on sessions with shared sessions mounted, serving every site by host
 * name: POST /login (logs in `?user=`, default `alice`, stores `cart`), GET /me, POST /logout, pages.
 */
export function sharedApp(manager: SessionManager, shared: SharedSessions) {
  return async (request: Request): Promise<Response> => {
    const session = manager.open({ cookie: request.headers.get('cookie'), secure: false })
    const url = new URL(request.url)
    let response: Response
    const handled = await shared.handle(request, session)
    if (handled) response = handled
    else if (url.pathname === '/login' && request.method === 'POST') {
      await session.cycleKey()
      await session.setUser(url.searchParams.get('user') ?? 'alice')
      await session.set('cart', ['apple'])
      response = Response.json({ ok: true })
    } else if (url.pathname === '/anon' && request.method === 'POST') {
      await session.set('theme', 'dark')
      response = Response.json({ ok: true })
    } else if (url.pathname === '/me') {
      response = Response.json({ user: await session.getUserId(), data: await session.data() })
    } else if (url.pathname === '/logout' && request.method === 'POST') {
      await session.flush()
      response = Response.json({ ok: true })
    } else {
      response =
        (await shared.connectRedirect(request, session)) ??
        new Response(`<html><head>${await shared.loaderHtml(request, session)}</head></html>`, {
          headers: { 'content-type': 'text/html' },
        })
    }
    const result = await manager.commit(session)
    const headers = new Headers(response.headers)
    applyCommit(headers, result)
    return new Response(response.body, { status: response.status, headers })
  }
}

/** A clock, a store, a manager and shared sessions for sites A and B. */
export function setup(
  options: Partial<SharedSessionOptions> = {},
  store?: SessionStore,
  managerOptions: Partial<SessionManagerOptions> = {},
) {
  const clock = new ManualClock(T0)
  const sessionStore = store ?? new MemoryStore({ clock: clock.now })
  const manager = new SessionManager({
    store: sessionStore,
    secret: SECRET,
    clock: clock.now,
    ...managerOptions,
  })
  const shared = new SharedSessions({ sites: [A, B], key: KEY, clock: clock.now, ...options })
  return { clock, store: sessionStore, manager, shared, app: sharedApp(manager, shared) }
}

/** The script URLs the loader renders on a page of `origin`. */
export function scriptUrls(html: string): string[] {
  return [...html.matchAll(/<script async src="([^"]+)" referrerpolicy="origin"><\/script>/g)].map(
    (m) => (m[1] as string).replaceAll('&amp;', '&'),
  )
}

/** Logs `browser` in on `origin` and returns the script URLs its next page carries. */
export async function loginAndLoad(
  app: (r: Request) => Promise<Response>,
  browser: TestBrowser,
  origin = A,
): Promise<string[]> {
  await browser.fetch(app, `${origin}/login`, { method: 'POST' })
  const page = await browser.fetch(app, `${origin}/`)
  return scriptUrls(await page.text())
}

export type { Session }
