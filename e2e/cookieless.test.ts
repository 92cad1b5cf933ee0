import type { Browser, BrowserContext, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumGate, launchChromium, screenshot } from './support/browser.js'
import { type DemoServer, startDemoServer } from './support/demo-server.js'

const { executable, gate } = chromiumGate()

/** Request headers the route never forwards: Cookie above all, and the hop-by-hop ones. */
const HOP_BY_HOP = new Set([
  'cookie',
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'expect',
  'content-length',
])

/** The request body as `fetch` takes it. */
function bodyOf(request: Request): Uint8Array<ArrayBuffer> | undefined {
  const body = request.postDataBuffer()
  return body === null ? undefined : Uint8Array.from(body)
}

/** What one request of the page carried, as Chromium reports it (cookies included). */
interface Seen {
  url: string
  cookie: boolean
  sessionToken: string | undefined
}

describe.skipIf(gate.skip)('django-session-token in Chromium (/embed/, no cookies)', () => {
  let demo: DemoServer
  let browser: Browser
  const contexts: BrowserContext[] = []
  let app = ''

  beforeAll(async () => {
    demo = await startDemoServer()
    app = `http://localhost:${demo.port}`
    browser = await launchChromium(executable)
  }, 180_000)

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {})
    await browser?.close()
    await demo?.stop()
  }, 60_000)

  /**
   * A page for which cookies do not work at all, as in a cookieless webview or a
   * sandboxed iframe: every request leaves without `Cookie`, every response arrives
   * without `Set-Cookie`, and `document.cookie` is disabled. `seen` records what every
   * request of the page carried before the route touched it.
   */
  async function cookielessPage(): Promise<{
    context: BrowserContext
    page: Page
    seen: () => Promise<Seen[]>
  }> {
    const context = await browser.newContext({ viewport: { width: 900, height: 640 } })
    context.setDefaultTimeout(20_000)
    contexts.push(context)
    // The upstream request goes through Node's fetch, not route.fetch(): route.fetch()
    // runs in the context's APIRequestContext, which shares the browser context's cookie
    // jar — it would store the Set-Cookie we strip here and attach it to the next
    // request (tried: the assets then went out with sessionid/csrftoken). Node's fetch
    // keeps no cookies.
    await context.route('**/*', async (route) => {
      const request = route.request()
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(await request.allHeaders())) {
        if (!HOP_BY_HOP.has(name.toLowerCase())) headers[name] = value
      }
      const res = await fetch(request.url(), {
        method: request.method(),
        headers,
        body: bodyOf(request),
        redirect: 'manual',
      })
      const answered: Record<string, string> = {}
      res.headers.forEach((value, name) => {
        // The body arrives decoded, so its encoding and length no longer apply.
        if (!['set-cookie', 'content-encoding', 'content-length'].includes(name))
          answered[name] = value
      })
      await route.fulfill({
        status: res.status,
        headers: answered,
        body: Buffer.from(await res.arrayBuffer()),
      })
    })
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Emulation.setDocumentCookieDisabled', { disabled: true })

    const pending: Promise<Seen>[] = []
    page.on('request', (request: Request) => {
      pending.push(
        request.allHeaders().then((h) => ({
          url: request.url(),
          cookie: 'cookie' in h,
          sessionToken: h['x-session-token'],
        })),
      )
    })
    return { context, page, seen: () => Promise.all(pending) }
  }

  const text = async (page: Page, testId: string) =>
    ((await page.getByTestId(testId).textContent()) ?? '').trim()

  const pageToken = (page: Page) =>
    page.evaluate(() => document.documentElement.dataset.sessionToken)

  /** GET /api/hello/ from the page with `token` in the header and no credentials. */
  const helloWith = (page: Page, token: string) =>
    page.evaluate(
      (t) =>
        fetch('/api/hello/', { headers: { 'X-Session-Token': t }, credentials: 'omit' }).then(
          (r) => r.status,
        ),
      token,
    )

  /** Submits the form and returns the rotated token the login answer carried. */
  async function logIn(page: Page): Promise<string> {
    await page.getByTestId('username').fill('admin')
    await page.getByTestId('password').fill('admin')
    const answer = page.waitForResponse(
      (r) => r.url() === `${app}/api/login/` && r.request().method() === 'POST',
    )
    await page.getByTestId('login').click()
    const res = await answer
    expect(res.status()).toBe(200)
    const { sessionToken } = (await res.json()) as { sessionToken?: string }
    expect(sessionToken, 'login answers the rotated token to a header-token client').toBeTruthy()
    await expect.poll(() => text(page, 'message'), { timeout: 20_000 }).toBe('Hello admin')
    expect(await text(page, 'whoami')).toBe('admin')
    return sessionToken as string
  }

  it('reads the token from <html>, logs in and greets with the header only', async () => {
    const { context, page, seen } = await cookielessPage()
    await page.goto(`${app}/embed/`)
    await page.getByTestId('username').waitFor()
    // An anonymous view stores no session, so the page carries no token yet.
    expect(await pageToken(page), '/embed/ of no session carries no token').toBeUndefined()
    expect(await text(page, 'mode')).toBe('header token')
    expect(await page.evaluate(() => document.cookie), 'document.cookie is disabled').toBe('')
    await screenshot(page, 'cookieless-01-embed-login')

    // The login asks for an anonymous token first, then sends it.
    const issued = page.waitForResponse((r) => r.url() === `${app}/api/session-token/`)
    const loggingIn = logIn(page)
    const anonymous = ((await (await issued).json()) as { sessionToken: string }).sessionToken
    expect(anonymous).toBeTruthy()
    const loggedIn = await loggingIn
    expect(loggedIn, 'login rotates the header token').not.toBe(anonymous)
    await screenshot(page, 'cookieless-02-logged-in')

    const requests = await seen()
    expect(
      requests.filter((r) => r.cookie).map((r) => r.url),
      'requests with Cookie',
    ).toEqual([])
    const api = requests.filter((r) => new URL(r.url).pathname.startsWith('/api/'))
    const tokenRequest = api.findIndex((r) => r.url === `${app}/api/session-token/`)
    expect(tokenRequest, 'the token was asked for').toBeGreaterThanOrEqual(0)
    // Before it, only anonymous reads; from the login on, every request carries a token.
    for (const r of api.slice(0, tokenRequest + 1)) expect(r.sessionToken).toBeUndefined()
    const after = api.slice(tokenRequest + 1)
    expect(after.length).toBeGreaterThan(0)
    for (const r of after) expect(r.sessionToken, `X-Session-Token on ${r.url}`).toBeTruthy()
    expect(await context.cookies()).toEqual([])
    expect(await helloWith(page, anonymous), 'the pre-login token died').toBe(401)

    // Without cookies nothing carries the session across a reload: the token lived in
    // the old page's memory, and the new HTML is anonymous again. django-session-token
    // behaves the same way; a webview that must survive reloads keeps the token itself.
    await page.reload()
    await page.getByTestId('username').waitFor()
    expect(await pageToken(page)).toBeUndefined()
    expect(await page.getByTestId('message').count()).toBe(0)
    await screenshot(page, 'cookieless-03-after-reload')
    expect(await context.cookies()).toEqual([])
  }, 90_000)

  it('logs out: the form is back and the old token is refused', async () => {
    const { context, page, seen } = await cookielessPage()
    await page.goto(`${app}/embed/`)
    await page.getByTestId('username').waitFor()
    const token = await logIn(page)
    expect(await helloWith(page, token)).toBe(200)

    await page.getByTestId('logout').click()
    await page.getByTestId('username').waitFor()
    expect(await page.getByTestId('error').count()).toBe(0)
    await screenshot(page, 'cookieless-04-logged-out')
    expect(await helloWith(page, token), 'logout killed the token').toBe(401)

    // The client fetched a fresh anonymous token after logout, so the next login works
    // without a reload.
    const again = await logIn(page)
    expect(again).not.toBe(token)
    await screenshot(page, 'cookieless-05-logged-in-again')

    expect((await seen()).filter((r) => r.cookie).map((r) => r.url)).toEqual([])
    expect(await context.cookies()).toEqual([])
  }, 90_000)

  it('keeps / token-free for anonymous visitors (no session row per page view)', async () => {
    const { page } = await cookielessPage()
    await page.goto(`${app}/`)
    await page.getByTestId('username').waitFor()
    expect(await pageToken(page)).toBeUndefined()
    expect(await text(page, 'mode')).toBe('cookie')
  }, 60_000)
})
