import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumGate, screenshot } from './support/browser.js'
import { type DemoServer, startDemoServer } from './support/demo-server.js'
import { ALLOW_THIRD_PARTY, BLOCK_THIRD_PARTY, profilePool } from './support/profile-pool.js'

const { executable, gate } = chromiumGate()

// Two behaviours a Django team expects from the demo SPA: django-shared-session shares
// anonymous sessions (a cart), not only logins; and the login throttle locks one
// username, with the wait said as a person would say it.

describe.skipIf(gate.skip)('the demo SPA, as a Django team expects it, in Chromium', () => {
  let demo: DemoServer
  let siteA = ''
  let siteB = ''
  const profiles = profilePool(executable)

  beforeAll(async () => {
    demo = await startDemoServer()
    siteA = `http://localhost:${demo.port}`
    siteB = `http://127.0.0.1:${demo.port}`
  }, 180_000)

  afterAll(async () => {
    await profiles.closeAll()
    await demo?.stop()
  }, 60_000)

  const browserWith = (preferences: Record<string, unknown>) => profiles.open(preferences)

  const text = async (page: Page, testId: string) =>
    ((await page.getByTestId(testId).textContent()) ?? '').trim()

  const cartOn = (page: Page) =>
    page.evaluate(() =>
      fetch('/api/cart/', { credentials: 'same-origin' })
        .then((r) => r.json())
        .then((j: { items: string[] }) => j.items),
    )

  const meOn = (page: Page) =>
    page.evaluate(() =>
      fetch('/api/me/', { credentials: 'same-origin' })
        .then((r) => r.json())
        .then((j: { user: unknown }) => j.user),
    )

  for (const [path, preferences] of [
    ['script path (third-party cookies allowed)', ALLOW_THIRD_PARTY],
    ['redirect path (third-party cookies blocked)', BLOCK_THIRD_PARTY],
  ] as const) {
    it(`${path}: an anonymous cart made on A arrives on B without logging in`, async () => {
      const context = await browserWith(preferences)
      const pageA = await context.newPage()
      await pageA.goto(`${siteA}/`)
      await expect.poll(() => text(pageA, 'cart-count')).toBe('0')
      await pageA.getByTestId('cart-add').click()
      await expect.poll(() => text(pageA, 'cart-count')).toBe('1')
      await pageA.getByTestId('cart-add').click()
      await expect.poll(() => text(pageA, 'cart-count')).toBe('2')
      expect(await meOn(pageA)).toBeNull()

      const pageB = await context.newPage()
      const navigations: string[] = []
      pageB.on('request', (r) => {
        if (r.isNavigationRequest() && r.frame() === pageB.mainFrame()) navigations.push(r.url())
      })
      await pageB.goto(`${siteB}/`)
      // Script path: B's cookie was set by the loader script A added after the first
      // item. Redirect path: B's first page load hopped to A and back.
      await expect.poll(() => text(pageB, 'cart-count'), { timeout: 20_000 }).toBe('2')
      expect(await cartOn(pageB)).toEqual(['tile', 'tile'])
      if (preferences === ALLOW_THIRD_PARTY) expect(navigations).toEqual([`${siteB}/`])
      else expect(navigations.some((url) => url.startsWith(`${siteA}/shared-session/`))).toBe(true)
      expect(await meOn(pageB)).toBeNull()
      expect(await pageB.getByTestId('login').isVisible()).toBe(true)
      // One session behind both sites: an item added on B is in A's cart.
      await pageB.getByTestId('cart-add').click()
      await expect.poll(() => text(pageB, 'cart-count')).toBe('3')
      expect(await cartOn(pageA)).toHaveLength(3)
      await screenshot(
        pageB,
        `anonymous-cart-on-b-${preferences === ALLOW_THIRD_PARTY ? 'script' : 'redirect'}`,
      )
    })
  }

  it('a throttled username disables the submit for that username only, and the wait reads "Try again in 15 minutes"', async () => {
    const context = await browserWith(ALLOW_THIRD_PARTY)
    const page = await context.newPage()
    await page.goto(`${siteA}/`)
    const submit = page.getByTestId('login')
    const attempt = async (username: string, password: string) => {
      await page.getByTestId('username').fill(username)
      await page.getByTestId('password').fill(password)
      await submit.click()
    }
    // LoginThrottle's default: 5 failures of one username from one client, then 429.
    for (let i = 0; i < 5; i++) {
      await attempt('admin', `wrong ${i}`)
      await expect.poll(() => text(page, 'error')).toBe('Invalid username or password.')
      await expect.poll(() => page.getByTestId('password').inputValue()).toBe('')
    }
    await attempt('admin', 'admin')
    await expect
      .poll(() => text(page, 'locked'))
      .toBe('Too many attempts for this username. Try again in 15 minutes.')
    await page.getByTestId('password').fill('admin')
    expect(await submit.isDisabled()).toBe(true)
    await screenshot(page, 'throttled-username')
    // Another username is not held back by admin's lock…
    await page.getByTestId('username').fill('someone-else')
    expect(await submit.isEnabled()).toBe(true)
    expect(await page.getByTestId('locked').count()).toBe(0)
    await submit.click()
    await expect.poll(() => text(page, 'error')).toBe('Invalid username or password.')
    // …and typing admin again brings the lock back.
    await page.getByTestId('username').fill('admin')
    await page.getByTestId('password').fill('admin')
    expect(await submit.isDisabled()).toBe(true)
    expect(await text(page, 'locked')).toMatch(
      /^Too many attempts for this username\. Try again in 1[45] minutes\.$/,
    )
  })
})
