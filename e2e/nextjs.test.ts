import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { deleteRedisKeys } from '../test-support/delete-redis-keys.js'
import { rawHttpFetch } from '../test-support/raw-http.js'
import { redisGates } from '../test-support/redis-gates.js'
import type { ServiceProcess } from '../test-support/service-process.js'
import { chromiumGate, launchChromium } from './support/browser.js'
import { type EvilServer, startEvilServer } from './support/evil-server.js'
import { buildNextExample, startNextExample } from './support/next-example.js'

// The Next.js example (examples/nextjs), built once per run and served by `next start`:
// route handlers, Server Components, Server Actions and proxy.ts, through Chromium.
const { executable, gate } = chromiumGate()
const redis = await redisGates()

beforeAll(async () => {
  if (gate.skip) return
  const buildMs = await buildNextExample()
  console.info(`next build took ${Math.round(buildMs / 1000)} s`)
}, 600_000)

const port = (url: string) => Number(new URL(url).port)

/** The logout form's Server Action id, as React renders it for forms without JavaScript. */
async function logoutActionId(page: Page): Promise<string> {
  const name = await page
    .locator('form:has(button:text("Log out")) input[name^="$ACTION_ID_"]')
    .getAttribute('name')
  return (name as string).slice('$ACTION_ID_'.length)
}

/** The session cookie Chromium holds for the app, as a `Cookie` header. */
async function cookieHeader(context: BrowserContext, url: string): Promise<string> {
  const cookies = await context.cookies(url)
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ')
}

/** Who the app thinks the cookie belongs to, through the route handler. */
async function whoIs(app: ServiceProcess, cookie: string): Promise<string | null> {
  const res = await rawHttpFetch(
    new Request(`${app.url}/api/me/`, { headers: { cookie } }),
    port(app.url),
  )
  return ((await res.json()) as { user: { username: string } | null }).user?.username ?? null
}

// The example's throttle: 5 failed logins per account and client.
const THROTTLE_LIMIT = 5
const BURST = 30

/**
 * Sends `BURST` wrong-password logins for a fresh account name at once, with one CSRF
 * cookie and token, and returns their statuses. Checking the limit first and counting
 * each failure after the password check let the whole burst through before the first
 * failure was counted.
 */
async function wrongPasswordBurst(app: ServiceProcess): Promise<number[]> {
  const send = (path: string, init: RequestInit = {}) =>
    rawHttpFetch(new Request(`${app.url}${path}`, init), port(app.url))
  const csrf = await send('/api/csrf/')
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const { csrfToken } = (await csrf.json()) as { csrfToken: string }
  const username = `burst-${Math.random().toString(36).slice(2)}`
  const answers = await Promise.all(
    Array.from({ length: BURST }, (_, i) =>
      send('/api/login/', {
        method: 'POST',
        headers: {
          cookie,
          origin: app.url,
          'content-type': 'application/json',
          'x-csrftoken': csrfToken,
        },
        body: JSON.stringify({ username, password: `guess${i}` }),
      }),
    ),
  )
  return answers.map((res) => res.status)
}

const countOf = (statuses: number[], status: number) => statuses.filter((s) => s === status).length

/** Logs in as admin through the route handlers; the `sessionid=…` pair to send back. */
async function loginThroughRoutes(app: ServiceProcess): Promise<string> {
  const send = (path: string, init: RequestInit = {}) =>
    rawHttpFetch(new Request(`${app.url}${path}`, init), port(app.url))
  const jar = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0])
  const csrf = await send('/api/csrf/')
  const { csrfToken } = (await csrf.json()) as { csrfToken: string }
  const login = await send('/api/login/', {
    method: 'POST',
    headers: {
      cookie: jar(csrf).join('; '),
      origin: app.url,
      'content-type': 'application/json',
      'x-csrftoken': csrfToken,
    },
    body: JSON.stringify({ username: 'admin', password: 'admin' }),
  })
  expect(login.status, await login.clone().text()).toBe(200)
  return jar(login).find((c) => c?.startsWith('sessionid=')) as string
}

describe.skipIf(gate.skip)('Next.js example in Chromium (SQLite)', () => {
  let app: ServiceProcess
  let evil: EvilServer
  let browser: Browser
  let context: BrowserContext
  let page: Page

  beforeAll(async () => {
    app = await startNextExample()
    // Another loopback address: a different site, not only a different origin.
    evil = await startEvilServer(app.url, '127.0.0.2')
    browser = await launchChromium(executable)
    context = await browser.newContext()
    page = await context.newPage()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await evil?.close()
    await app?.stop()
  })

  test('an anonymous visit to the protected page is redirected by proxy.ts, with no cookie set', async () => {
    const res = await rawHttpFetch(new Request(`${app.url}/hello/`), port(app.url))
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login/?next=%2Fhello%2F')
    expect(res.headers.get('set-cookie')).toBeNull()
    await page.goto(`${app.url}/hello/`)
    await page.waitForURL(`${app.url}/login/?next=%2Fhello%2F`)
    await expect(page.locator('h1').textContent()).resolves.toBe('Log in')
  })

  test('a forged session cookie passes the proxy and is caught by the page', async () => {
    const cookie = `sessionid=${'A'.repeat(22)}.${'A'.repeat(43)}`
    const res = await rawHttpFetch(
      new Request(`${app.url}/hello/`, { headers: { cookie } }),
      port(app.url),
    )
    expect(res.status).toBeLessThan(500)
    expect(await res.text()).not.toContain('Hello')
  })

  test('log in through the page, reload, see "Hello admin"', async () => {
    await page.fill('input[name="username"]', 'admin')
    await page.fill('input[name="password"]', 'admin')
    await page.click('button[type="submit"]')
    await page.waitForURL(`${app.url}/hello/`)
    await expect(page.locator('h1').textContent()).resolves.toBe('Hello admin')
    await page.reload()
    await expect(page.locator('h1').textContent()).resolves.toBe('Hello admin')
    await expect(page.locator('li[data-session="current"]').count()).resolves.toBe(1)
  })

  test('a cross-site form POST to the logout route handler is refused; the session survives', async () => {
    await page.goto(`${evil.origin}/form`)
    await page.waitForURL(`${app.url}/api/logout/`)
    expect(await page.textContent('body')).toContain('CSRF Failed')
    await page.goto(`${app.url}/hello/`)
    await expect(page.locator('h1').textContent()).resolves.toBe('Hello admin')
  })

  test('a forged Server Action from another site is refused; the session survives', async () => {
    await page.goto(`${app.url}/hello/`)
    const id = await logoutActionId(page)
    // The attacker's page posts the progressive-enhancement form React renders, action id
    // included (ids are public: anyone can read them from the page).
    await page.goto(`${evil.origin}/link?href=%23`)
    await Promise.all([
      page.waitForURL(`${app.url}/hello/`),
      page.evaluate(
        ([target, actionId]) => {
          const form = document.createElement('form')
          form.method = 'POST'
          form.enctype = 'multipart/form-data'
          form.action = target as string
          const field = document.createElement('input')
          field.type = 'hidden'
          field.name = `$ACTION_ID_${actionId}`
          form.append(field)
          document.body.append(form)
          form.submit()
        },
        [`${app.url}/hello/`, id],
      ),
    ])
    await page.goto(`${app.url}/hello/`)
    await expect(page.locator('h1').textContent()).resolves.toBe('Hello admin')
  })

  test('a Server Action without Origin passes Next.js and is refused by the CSRF token', async () => {
    await page.goto(`${app.url}/hello/`)
    const id = await logoutActionId(page)
    const cookie = await cookieHeader(context, app.url)
    const anonymous = await rawHttpFetch(new Request(`${app.url}/api/csrf/`), port(app.url))
    const otherToken = ((await anonymous.json()) as { csrfToken: string }).csrfToken
    // No token, then a valid token of another session: no Origin header, so Next.js's own
    // check lets both through (a hand-made request, or a browser that omits Origin).
    for (const token of [undefined, otherToken]) {
      const form = new FormData()
      form.set(`$ACTION_ID_${id}`, '')
      if (token) form.set('csrfmiddlewaretoken', token)
      const res = await rawHttpFetch(
        new Request(`${app.url}/hello/`, { method: 'POST', headers: { cookie }, body: form }),
        port(app.url),
      )
      // forbidden() is 403 for actions called by Next.js's client; for a form posted without
      // JavaScript Next.js renders its not-found page (404) for any such refusal.
      expect(res.status).toBe(404)
      expect(await whoIs(app, cookie)).toBe('admin')
    }
  })

  test(`${BURST} parallel wrong-password logins: ${THROTTLE_LIMIT} are checked (401), the rest 429`, async () => {
    const statuses = await wrongPasswordBurst(app)
    expect(countOf(statuses, 401)).toBe(THROTTLE_LIMIT)
    expect(countOf(statuses, 429)).toBe(BURST - THROTTLE_LIMIT)
  })

  test('route handler answers about a logged-in user are no-store, never heuristically cacheable', async () => {
    const cookie = await loginThroughRoutes(app)
    for (const path of ['/api/me/', '/api/hello/', '/api/csrf/']) {
      const res = await rawHttpFetch(
        new Request(`${app.url}${path}`, { headers: { cookie } }),
        port(app.url),
      )
      expect(res.status, path).toBe(200)
      expect(`${path} ${res.headers.get('cache-control')}`).toMatch(/ (.*, )?no-store(,|$)/)
    }
  })

  test('log out through the page: the old cookie is dead and the page redirects again', async () => {
    await page.goto(`${app.url}/hello/`)
    const before = await cookieHeader(context, app.url)
    await Promise.all([page.waitForURL(`${app.url}/login/`), page.click('button:text("Log out")')])
    expect(await whoIs(app, before)).toBeNull()
    await page.goto(`${app.url}/hello/`)
    await page.waitForURL(`${app.url}/login/?next=%2Fhello%2F`)
  })
})

describe.skipIf(gate.skip || redis.gate.skip)('Next.js example on Redis (REDIS_URL)', () => {
  let app: ServiceProcess
  const prefix = `tessera-next-e2e:${process.pid}:`

  beforeAll(async () => {
    app = await startNextExample({
      REDIS_URL: `redis://${redis.host}:${redis.port}`,
      REDIS_PREFIX: prefix,
    })
  }, 120_000)

  afterAll(async () => {
    await app?.stop()
    const client = new Redis({ host: redis.host, port: redis.port })
    await deleteRedisKeys(client, prefix)
    await client.quit()
  })

  test('login and hello through the route handlers, then the protected page', async () => {
    const send = (path: string, init: RequestInit = {}) =>
      rawHttpFetch(new Request(`${app.url}${path}`, init), port(app.url))
    const csrf = await send('/api/csrf/')
    const jar = (res: Response) =>
      res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ')
    const { csrfToken } = (await csrf.json()) as { csrfToken: string }
    const login = await send('/api/login/', {
      method: 'POST',
      headers: {
        cookie: jar(csrf),
        origin: app.url,
        'content-type': 'application/json',
        'x-csrftoken': csrfToken,
      },
      body: JSON.stringify({ username: 'admin', password: 'admin' }),
    })
    expect(login.status, await login.clone().text()).toBe(200)
    const cookie = jar(login)
      .split('; ')
      .find((c) => c.startsWith('sessionid=')) as string
    const hello = await send('/api/hello/', { headers: { cookie } })
    expect(await hello.json()).toEqual({ message: 'Hello admin' })
    const page = await send('/hello/', { headers: { cookie } })
    expect(await page.text()).toContain('Hello <!-- -->admin')
  })

  test(`${BURST} parallel wrong-password logins: ${THROTTLE_LIMIT} are checked (401), the rest 429`, async () => {
    const statuses = await wrongPasswordBurst(app)
    expect(countOf(statuses, 401)).toBe(THROTTLE_LIMIT)
    expect(countOf(statuses, 429)).toBe(BURST - THROTTLE_LIMIT)
  })
})

describe.skipIf(gate.skip)('Next.js example: the DATA_DIR it creates', () => {
  test('is readable by its owner only: it holds the secret and the password hashes', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'tessera-next-data-'))
    const dataDir = join(parent, 'srv', 'data')
    const app = await startNextExample({ DATA_DIR: dataDir })
    try {
      // The example opens its stores on the first request.
      expect((await fetch(`${app.url}/api/csrf/`)).status).toBe(200)
      expect(statSync(dataDir).mode & 0o777).toBe(0o700)
      expect(statSync(join(parent, 'srv')).mode & 0o077).toBe(0)
      expect(statSync(join(dataDir, 'secret')).mode & 0o777).toBe(0o600)
    } finally {
      await app.stop()
      rmSync(parent, { recursive: true, force: true })
    }
  }, 120_000)
})
