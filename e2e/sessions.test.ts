import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumGate, launchChromium, screenshot } from './support/browser.js'
import { type DemoServer, startDemoServer } from './support/demo-server.js'

const { executable, gate } = chromiumGate()

// The second browser says it is Firefox on Windows, so its row is told apart by its label.
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'

describe.skipIf(gate.skip)('"Your sessions" in Chromium (session management)', () => {
  let demo: DemoServer
  let browser: Browser
  const contexts: BrowserContext[] = []
  let app = ''

  beforeAll(async () => {
    demo = await startDemoServer()
    app = demo.url
    browser = await launchChromium(executable)
  }, 180_000)

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {})
    await browser?.close()
    await demo?.stop()
  }, 60_000)

  // Wait for a state, as long as a loaded machine needs: vitest's poll gives up after
  // 1 s by default, shorter than a list refresh can take while other suites run.
  const until = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000 })

  /** A fresh browser profile (its own cookies), logged in as admin through the form. */
  async function loggedIn(userAgent?: string, base = app): Promise<{ page: Page; csp: string[] }> {
    const context = await browser.newContext({
      viewport: { width: 900, height: 760 },
      ...(userAgent ? { userAgent } : {}),
    })
    context.setDefaultTimeout(20_000)
    contexts.push(context)
    const page = await context.newPage()
    // Any CSP violation shows up as a console error in Chromium.
    const csp: string[] = []
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.push(m.text())
    })
    await page.goto(`${base}/`)
    await page.getByTestId('username').fill('admin')
    await page.getByTestId('password').fill('admin')
    await page.getByTestId('login').click()
    await until(() => text(page, 'message')).toBe('Hello admin')
    return { page, csp }
  }

  const text = async (page: Page, testId: string) =>
    ((await page.getByTestId(testId).first().textContent()) ?? '').trim()

  const me = (page: Page) =>
    page.evaluate(() =>
      fetch('/api/me/', { credentials: 'same-origin' })
        .then((r) => r.json())
        .then((body: { user: { username: string } | null }) => body.user?.username ?? null),
    )

  const rows = (page: Page) => page.getByTestId('session-row')

  it('the first browser sees both sessions, revokes the other; the other is logged out at its next request', async () => {
    const first = await loggedIn()
    const second = await loggedIn(FIREFOX)

    await first.page.reload()
    await until(() => rows(first.page).count()).toBe(2)
    const current = first.page.locator('[data-testid="session-row"][data-current="true"]')
    expect(await current.count()).toBe(1)
    expect(await current.getByTestId('session-current').textContent()).toBe('This device')
    expect(await current.getByTestId('session-label').textContent()).toMatch(
      /^Headless Chrome \d+ on Linux$/,
    )
    const other = first.page.locator('[data-testid="session-row"][data-current="false"]')
    expect(await other.getByTestId('session-label').textContent()).toBe(
      'Firefox 133 on Windows 10/11',
    )
    expect(await other.textContent()).toContain('127.0.0.1')
    await screenshot(first.page, 'sessions-01-two-sessions')

    await other.getByTestId('revoke-session').click()
    await until(() => rows(first.page).count()).toBe(1)
    await until(() => text(first.page, 'sessions-notice')).toBe(
      'Signed out Firefox 133 on Windows 10/11.',
    )
    await screenshot(first.page, 'sessions-02-revoked')

    // The second browser's very next request is anonymous, and a reload shows the login form.
    expect(await me(second.page)).toBeNull()
    await second.page.reload()
    await second.page.getByTestId('username').waitFor()
    expect(await me(first.page)).toBe('admin')
    expect(first.csp).toEqual([])
    expect(second.csp).toEqual([])
  }, 120_000)

  it('"Sign out other sessions" ends every other session and keeps this one', async () => {
    const first = await loggedIn()
    const second = await loggedIn(FIREFOX)
    const third = await loggedIn()
    await first.page.reload()
    await until(() => rows(first.page).count()).toBeGreaterThanOrEqual(3)
    await first.page.getByTestId('revoke-others').click()
    await until(() => rows(first.page).count()).toBe(1)
    await until(() => text(first.page, 'sessions-notice')).toMatch(
      /^Signed out \d+ other sessions?\.$/,
    )
    expect(await me(second.page)).toBeNull()
    expect(await me(third.page)).toBeNull()
    expect(await me(first.page)).toBe('admin')
    await screenshot(first.page, 'sessions-03-signed-out-others')
    expect(first.csp).toEqual([])
  }, 120_000)

  it('ending another session once the login has aged asks for the password, then ends it', async () => {
    // A demo of its own whose logins count as recent for 5 s (FRESH_AGE).
    const aged = await startDemoServer(120_000, { FRESH_AGE: '5' })
    try {
      const first = await loggedIn(undefined, aged.url)
      const second = await loggedIn(FIREFOX, aged.url)
      await new Promise((resolve) => setTimeout(resolve, 5_500))
      await first.page.reload()
      await until(() => rows(first.page).count()).toBe(2)
      const other = first.page.locator('[data-testid="session-row"][data-current="false"]')
      await other.getByTestId('revoke-session').click()
      await first.page.getByTestId('reauth-password').waitFor()
      expect(await text(first.page, 'sessions-notice')).toBe(
        'Signing out another session needs a recent login. Enter your password again.',
      )
      expect(await me(second.page)).toBe('admin')
      // The password makes the login recent; the revoke it asked for then goes through.
      await first.page.getByTestId('reauth-password').fill('admin')
      await first.page.getByTestId('reauth-submit').click()
      await until(() => rows(first.page).count()).toBe(1)
      await until(() => text(first.page, 'sessions-notice')).toBe(
        'Signed out Firefox 133 on Windows 10/11.',
      )
      expect(await me(second.page)).toBeNull()
      expect(await me(first.page)).toBe('admin')
      await screenshot(first.page, 'sessions-03b-revoke-after-password')
    } finally {
      await aged.stop()
    }
  }, 180_000)

  // Last in this file: it changes admin's password on the shared demo server.
  it('changing the password keeps this session and logs the other browser out', async () => {
    const first = await loggedIn()
    const second = await loggedIn(FIREFOX)
    await first.page.reload()
    await until(() => rows(first.page).count()).toBeGreaterThanOrEqual(2)
    await first.page.getByTestId('change-password-open').click()
    await first.page.getByTestId('old-password').fill('admin')
    await first.page.getByTestId('new-password').fill('correct horse battery')
    await first.page.getByTestId('change-password').click()
    await until(() => text(first.page, 'sessions-notice')).toMatch(
      /^Password changed\. \d+ other sessions? (was|were) signed out\.$/,
    )
    // The notice is set before the list is fetched again: wait for the list itself.
    await until(() => rows(first.page).count()).toBe(1)
    expect(await me(second.page)).toBeNull()
    await first.page.reload()
    await until(() => text(first.page, 'message')).toBe('Hello admin')
    await screenshot(first.page, 'sessions-04-password-changed')
    expect(first.csp).toEqual([])
  }, 120_000)
})
