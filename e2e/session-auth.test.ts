import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumGate, launchChromium, screenshot } from './support/browser.js'
import { type DemoServer, startDemoServer } from './support/demo-server.js'
import { type EvilServer, startEvilServer } from './support/evil-server.js'

const { executable, gate } = chromiumGate()

describe.skipIf(gate.skip)("session auth in Chromium (the Django + DRF + Vue guide's SPA)", () => {
  let demo: DemoServer
  let browser: Browser
  let evil: EvilServer | undefined
  const contexts: BrowserContext[] = []
  // The victim uses the name users type; the attacker pages live on 127.0.0.1, a
  // different site, and on localhost with another port, the same site.
  let app = ''

  beforeAll(async () => {
    demo = await startDemoServer()
    app = `http://localhost:${demo.port}`
    browser = await launchChromium(executable)
  }, 180_000)

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {})
    await browser?.close()
    await evil?.close()
    await demo?.stop()
  }, 60_000)

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 900, height: 640 } })
    context.setDefaultTimeout(20_000)
    contexts.push(context)
    return { context, page: await context.newPage() }
  }

  const text = async (page: Page, testId: string) =>
    ((await page.getByTestId(testId).textContent()) ?? '').trim()

  const me = (page: Page) =>
    page.evaluate(() => fetch('/api/me/', { credentials: 'same-origin' }).then((r) => r.json()))

  const cookie = async (context: BrowserContext, name: string) =>
    (await context.cookies(app)).find((c) => c.name === name)

  async function logIn(page: Page, username: string, password: string) {
    await page.goto(`${app}/`)
    await submitLogin(page, username, password)
  }

  async function submitLogin(page: Page, username: string, password: string) {
    await page.getByTestId('username').fill(username)
    await page.getByTestId('password').fill(password)
    await page.getByTestId('login').click()
  }

  async function expectLoggedIn(page: Page) {
    await expect.poll(() => text(page, 'message'), { timeout: 20_000 }).toBe('Hello admin')
    expect(await text(page, 'whoami')).toBe('admin')
  }

  it('logs in through the form, survives a reload and logs out', async () => {
    const { context, page } = await newPage()
    await page.goto(`${app}/`)
    await page.getByTestId('username').waitFor()
    await screenshot(page, '01-login-form')
    const csrfBefore = (await cookie(context, 'csrftoken'))?.value
    expect(csrfBefore, 'GET /api/csrf/ on load sets csrftoken').toBeTruthy()
    const sessionBefore = (await cookie(context, 'sessionid'))?.value

    await logIn(page, 'admin', 'admin')
    await expectLoggedIn(page)
    await screenshot(page, '02-logged-in')

    const session = await cookie(context, 'sessionid')
    expect(session, 'sessionid cookie after login').toBeDefined()
    expect(session?.httpOnly).toBe(true)
    expect(session?.sameSite).toBe('Lax')
    expect(session?.value, 'login issues a new session id (fixation)').not.toBe(sessionBefore)
    const csrf = await cookie(context, 'csrftoken')
    expect(csrf?.httpOnly).toBe(false)
    expect(csrf?.value, 'login rotates the CSRF token').not.toBe(csrfBefore)

    await page.reload()
    await expectLoggedIn(page)
    await screenshot(page, '03-after-reload')

    // The SPA must read the rotated cookie here, or the server refuses the logout.
    await page.getByTestId('logout').click()
    await page.getByTestId('username').waitFor()
    await screenshot(page, '04-logged-out')
    expect(await page.getByTestId('error').count()).toBe(0)
    expect(await me(page)).toEqual({ user: null })

    // Logout may clear every cookie (Clear-Site-Data), csrftoken included: logging in
    // again without a reload exercises the client's GET /api/csrf/ fallback.
    await submitLogin(page, 'admin', 'admin')
    await expectLoggedIn(page)
  }, 90_000)

  it('shows an error for a wrong password and issues no session credential', async () => {
    const { context, page } = await newPage()
    await page.goto(`${app}/`)
    await page.getByTestId('username').waitFor()
    // The CSRF secret lives in the session (Django's CSRF_USE_SESSIONS), so GET
    // /api/csrf/ may already have set an anonymous sessionid; a failed login must not
    // issue a new one, let alone an authenticated one.
    const anonymous = (await cookie(context, 'sessionid'))?.value
    await logIn(page, 'admin', 'not-the-password')
    await expect
      .poll(() => text(page, 'error'), { timeout: 20_000 })
      .toBe('Invalid username or password.')
    await screenshot(page, '05-wrong-password')
    expect((await cookie(context, 'sessionid'))?.value).toBe(anonymous)
    expect(await page.getByTestId('message').count()).toBe(0)
    expect(await me(page)).toEqual({ user: null })
  }, 60_000)

  it('keeps the session when another site forges a logout', async () => {
    const { context, page } = await newPage()
    await logIn(page, 'admin', 'admin')
    await expectLoggedIn(page)
    evil = await startEvilServer(app)

    const forged: { origin: string; status: number }[] = []
    context.on('response', (res) => {
      if (res.request().method() === 'POST' && res.url() === `${app}/api/logout/`) {
        forged.push({ origin: res.request().headers().origin ?? '', status: res.status() })
      }
    })

    const evilOrigins = {
      'cross-site': `http://127.0.0.1:${evil.port}`,
      'same-site': `http://localhost:${evil.port}`,
    }
    for (const [kind, origin] of Object.entries(evilOrigins)) {
      const attacker = await context.newPage()
      for (const attack of ['form', 'text']) {
        const answered = attacker.waitForResponse(
          (r) => r.url() === `${app}/api/logout/` && r.request().method() === 'POST',
        )
        await attacker.goto(`${origin}/${attack}`)
        expect((await answered).status(), `${kind} ${attack}`).toBeGreaterThanOrEqual(400)
        await attacker.waitForLoadState()
        await screenshot(attacker, `06-evil-${kind}-${attack}`)
      }
      for (const attack of ['fetch', 'cors']) {
        await attacker.goto(`${origin}/${attack}`)
        await attacker.waitForFunction(() => document.title.startsWith('done:'))
        if (attack === 'cors') expect(await attacker.title(), `${kind} cors`).toBe('done:blocked')
        await screenshot(attacker, `06-evil-${kind}-${attack}`)
      }
      await attacker.close()
      expect(await me(page), `after the ${kind} attacks`).toMatchObject({
        user: { username: 'admin' },
      })
    }

    // The forms and the no-cors fetch did reach the server, and it refused each one.
    expect(forged.length).toBeGreaterThanOrEqual(4)
    for (const { status } of forged) expect(status).toBeGreaterThanOrEqual(400)

    await page.reload()
    await expectLoggedIn(page)
    expect(await cookie(context, 'sessionid')).toBeDefined()
    await screenshot(page, '07-still-logged-in')
  }, 120_000)
})
