import { expect } from 'vitest'

/** Sends one request to the app under test (in-process or over a port); never follows redirects. */
export type Send = (
  url: string,
  headers: Record<string, string>,
  method?: string,
) => Promise<Response>

/** The transfer key the adapter tests configure. */
export const SCENARIO_KEY = 'transfer-key-transfer-key-transfer-key-0001'

/** `name=value` of the cookie `name` among a response's Set-Cookie headers. */
function cookieOf(response: Response, name: string): string | undefined {
  return response.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]
}

/**
 * django-shared-session's transfer through an adapter's public entry point. The app must
 * serve sites `a` and `b` with the adapter's session middleware, its shared-session
 * route, `POST /login` (`session.setUser('alice')`) and `GET /me` (`{ user }`). Checks:
 * the loader endpoint, the script path (refused as a link or on another site's page;
 * then, loaded as a `<script>` of a page of `a`, an empty `text/javascript`, security
 * headers, a `SameSite=None; Secure` cookie, single use) and the redirect path (nonce
 * cookie, first-party `SameSite=Lax` cookie), each ending with `/me` on site b showing
 * the user.
 */
export async function sharedSessionScenario(send: Send, a: string, b: string): Promise<void> {
  const ua = { 'user-agent': 'Scenario/1.0' }
  const login = await send(`${a}/login`, ua, 'POST')
  const aCookie = cookieOf(login, 'sessionid') as string
  expect(aCookie).toBeTruthy()

  // The SPA's loader endpoint, then the script path.
  const loader = await send(`${a}/shared-session/loader.json`, { ...ua, cookie: aCookie })
  expect(loader.headers.get('cross-origin-resource-policy')).toBe('same-origin')
  const { scripts } = (await loader.json()) as { scripts: string[] }
  expect(scripts).toHaveLength(1)
  expect(scripts[0]?.startsWith(`${b}/shared-session/`)).toBe(true)
  // HEAD is not the endpoint: it must not spend the code or set a cookie.
  const head = await send(scripts[0] as string, ua, 'HEAD')
  expect(head.headers.getSetCookie().filter((c) => c.startsWith('sessionid='))).toEqual([])
  // Login CSRF: the same URL opened as a link, or embedded by another site's page, is
  // refused and spends nothing; the adapter must hand the request's headers on intact.
  const link = await send(scripts[0] as string, {
    ...ua,
    'sec-fetch-dest': 'document',
    'sec-fetch-site': 'cross-site',
  })
  expect(link.status).toBe(400)
  expect(link.headers.getSetCookie()).toEqual([])
  const evil = await send(scripts[0] as string, {
    ...ua,
    'sec-fetch-dest': 'script',
    'sec-fetch-site': 'cross-site',
    referer: 'http://evil.test/',
  })
  expect(evil.status).toBe(400)
  expect(evil.headers.getSetCookie()).toEqual([])
  // What a browser sends for a <script referrerpolicy="origin"> on a page of site a.
  const asScript = {
    ...ua,
    'sec-fetch-dest': 'script',
    'sec-fetch-site': 'cross-site',
    referer: `${a}/`,
  }
  const script = await send(scripts[0] as string, asScript)
  expect(script.status).toBe(200)
  expect(script.headers.get('content-type')).toMatch(/^text\/javascript/)
  expect(script.headers.get('cache-control')).toBe('no-store')
  expect(script.headers.get('x-content-type-options')).toBe('nosniff')
  expect(script.headers.get('referrer-policy')).toBe('no-referrer')
  expect(await script.text()).toBe('')
  const set = script.headers.getSetCookie().find((c) => c.startsWith('sessionid=')) as string
  expect(set).toMatch(/; Secure; SameSite=None$/)
  const me = await send(`${b}/me`, { ...ua, cookie: set.split(';')[0] as string })
  expect(await me.json()).toEqual({ user: 'alice' })
  const replay = await send(scripts[0] as string, asScript)
  expect(replay.status).toBe(400)
  expect(replay.headers.getSetCookie()).toEqual([])

  // The redirect path: B → A → B, bound to B's nonce cookie.
  const connect = await send(
    `${b}/shared-session/connect?from=${encodeURIComponent(a)}&next=/me`,
    ua,
  )
  expect(connect.status).toBe(303)
  const nonce = cookieOf(connect, 'shared_session_nonce') as string
  const authorize = await send(connect.headers.get('location') as string, {
    ...ua,
    cookie: aCookie,
  })
  expect(authorize.status).toBe(303)
  const acceptUrl = authorize.headers.get('location') as string
  expect(acceptUrl.startsWith(`${b}/shared-session/accept/`)).toBe(true)
  const accept = await send(acceptUrl, { ...ua, cookie: nonce })
  expect(accept.status).toBe(303)
  expect(accept.headers.get('location')).toBe('/me')
  expect(accept.headers.get('referrer-policy')).toBe('no-referrer')
  const lax = accept.headers.getSetCookie().find((c) => c.startsWith('sessionid=')) as string
  expect(lax).toContain('SameSite=Lax')
  const me2 = await send(`${b}/me`, { ...ua, cookie: lax.split(';')[0] as string })
  expect(await me2.json()).toEqual({ user: 'alice' })
}
