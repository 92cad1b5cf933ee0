import type { BrowserContext, Page, Response } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '../apps/demo/test/client.js'
import { chromiumGate, screenshot } from './support/browser.js'
import { type DemoServer, startDemoServer } from './support/demo-server.js'
import { type EvilServer, startEvilServer } from './support/evil-server.js'
import { ALLOW_THIRD_PARTY, BLOCK_THIRD_PARTY, profilePool } from './support/profile-pool.js'

const { executable, gate } = chromiumGate()

// The script-path test states Chrome's default (third-party cookies allowed) explicitly;
// the redirect-path test blocks them (see support/profile-pool.ts).

interface BlockedCookie {
  url: string
  name: string
  reasons: string[]
}

describe.skipIf(gate.skip)('django-shared-session across sites in Chromium', () => {
  let demo: DemoServer
  let evil: EvilServer
  let siteA = ''
  let siteB = ''
  const profiles = profilePool(executable)

  beforeAll(async () => {
    demo = await startDemoServer()
    siteA = `http://localhost:${demo.port}`
    siteB = `http://127.0.0.1:${demo.port}`
    // Another loopback address: a site of its own, neither A (localhost) nor B (127.0.0.1).
    evil = await startEvilServer(siteB, '127.0.0.2')
  }, 180_000)

  afterAll(async () => {
    await profiles.closeAll()
    await evil?.close()
    await demo?.stop()
  }, 60_000)

  const browserWith = (preferences: Record<string, unknown>) => profiles.open(preferences)

  /** Cookies Chromium refused to store, with its reasons, as DevTools reports them. */
  async function watchBlockedCookies(
    context: BrowserContext,
    page: Page,
  ): Promise<BlockedCookie[]> {
    const blocked: BlockedCookie[] = []
    const cdp = await context.newCDPSession(page)
    const urls = new Map<string, string>()
    cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url))
    cdp.on('Network.responseReceivedExtraInfo', (e) => {
      for (const b of e.blockedCookies) {
        blocked.push({
          // Looked up when read: DevTools does not order a request's *ExtraInfo events
          // with its other events, so the URL may not be known yet when this one arrives.
          get url() {
            return urls.get(e.requestId) ?? ''
          },
          name: b.cookie?.name ?? b.cookieLine.split('=')[0] ?? '',
          reasons: b.blockedReasons,
        })
      }
    })
    await cdp.send('Network.enable')
    return blocked
  }

  const text = async (page: Page, testId: string) =>
    ((await page.getByTestId(testId).textContent()) ?? '').trim()

  /** Logs in with the SPA's form on `page` (no page load) and returns the loader script responses. */
  async function logInOnA(page: Page): Promise<Response> {
    await page.goto(`${siteA}/`)
    // Proves below that site A was never reloaded: a full load would lose this.
    await page.evaluate(() => {
      ;(window as unknown as { marker: string }).marker = 'no reload'
    })
    const script = page.waitForResponse(
      (r) => r.url().startsWith(`${siteB}/shared-session/`) && r.url().endsWith('.js'),
    )
    await page.getByTestId('username').fill('admin')
    await page.getByTestId('password').fill('admin')
    await page.getByTestId('login').click()
    await expect.poll(() => text(page, 'whoami'), { timeout: 20_000 }).toBe('admin')
    return script
  }

  const meOn = (page: Page) =>
    page.evaluate(() =>
      fetch('/api/me/', { credentials: 'same-origin' })
        .then((r) => r.json())
        .then((j: { user: { username: string } | null }) => j.user?.username ?? null),
    )

  async function logOutOnBAndCheckA(pageA: Page, pageB: Page, name: string): Promise<void> {
    await pageB.goto(`${siteB}/`)
    await expect.poll(() => text(pageB, 'whoami'), { timeout: 20_000 }).toBe('admin')
    await pageB.getByTestId('logout').click()
    await expect.poll(() => pageB.getByTestId('login').isVisible(), { timeout: 20_000 }).toBe(true)
    expect(await meOn(pageB)).toBeNull()
    // Site A was logged out too: one server-side session, flushed.
    expect(await meOn(pageA)).toBeNull()
    await pageA.reload()
    await expect.poll(() => pageA.getByTestId('login').isVisible(), { timeout: 20_000 }).toBe(true)
    await screenshot(pageA, `${name}-a-after-logout-on-b`)
  }

  it('script path (third-party cookies allowed, Chrome’s default): logged in on B without reloading A; logout on B logs A out', async () => {
    const context = await browserWith(ALLOW_THIRD_PARTY)
    const pageA = await context.newPage()
    const blocked = await watchBlockedCookies(context, pageA)
    const script = await logInOnA(pageA)
    expect(script.status()).toBe(200)
    expect(await script.text()).toBe('')
    const headers = await script.allHeaders()
    expect(headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(headers['cache-control']).toBe('no-store')
    expect(headers['x-content-type-options']).toBe('nosniff')
    expect(headers['referrer-policy']).toBe('no-referrer')
    expect(blocked).toEqual([])
    const bCookie = (await context.cookies(siteB)).find((c) => c.name === 'sessionid')
    expect(bCookie).toMatchObject({ sameSite: 'None', secure: true, httpOnly: true })

    const pageB = await context.newPage()
    const navigations: string[] = []
    pageB.on('request', (r) => {
      if (r.isNavigationRequest()) navigations.push(r.url())
    })
    await pageB.goto(`${siteB}/api/me/`)
    expect(JSON.parse((await pageB.textContent('body')) ?? '{}')).toMatchObject({
      user: { username: 'admin' },
    })
    expect(navigations).toEqual([`${siteB}/api/me/`]) // no redirect hop was needed
    expect(await pageA.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe(
      'no reload',
    )
    await pageB.goto(`${siteB}/`)
    await expect.poll(() => text(pageB, 'whoami'), { timeout: 20_000 }).toBe('admin')
    await screenshot(pageB, 'shared-script-b-logged-in')
    await logOutOnBAndCheckA(pageA, pageB, 'shared-script')
  })

  it('redirect path (third-party cookies blocked): the script cookie is refused, and the first visit to B hops to A and back logged in; logout on B logs A out', async () => {
    const context = await browserWith(BLOCK_THIRD_PARTY)
    const pageA = await context.newPage()
    const blocked = await watchBlockedCookies(context, pageA)
    const script = await logInOnA(pageA)
    expect(script.status()).toBe(200)
    // Proof that the preference blocks: Chromium refused B's cookie from the script response.
    await expect
      .poll(() => blocked.filter((b) => b.url === script.url()).length, { timeout: 20_000 })
      .toBe(1)
    expect(blocked.find((b) => b.url === script.url())).toMatchObject({
      name: 'sessionid',
      reasons: expect.arrayContaining(['UserPreferences']),
    })
    expect((await context.cookies(siteB)).find((c) => c.name === 'sessionid')).toBeUndefined()

    const pageB = await context.newPage()
    const navigations: string[] = []
    pageB.on('request', (r) => {
      if (r.isNavigationRequest()) navigations.push(r.url())
    })
    await pageB.goto(`${siteB}/`)
    await expect.poll(() => text(pageB, 'whoami'), { timeout: 20_000 }).toBe('admin')
    expect(navigations.map((u) => u.replace(/accept\/[^?]+/, 'accept/…'))).toEqual([
      `${siteB}/`,
      `${siteA}/shared-session/authorize?to=${encodeURIComponent(siteB)}&binding=${new URL(navigations[1] ?? siteA).searchParams.get('binding')}&next=%2F`,
      `${siteB}/shared-session/accept/…?next=%2F`,
      `${siteB}/`,
    ])
    expect(await meOn(pageB)).toBe('admin')
    const bCookie = (await context.cookies(siteB)).find((c) => c.name === 'sessionid')
    expect(bCookie).toMatchObject({ sameSite: 'Lax', httpOnly: true })
    expect(
      (await context.cookies(siteB)).find((c) => c.name === 'shared_session_nonce'),
    ).toBeUndefined()
    expect(await pageA.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe(
      'no reload',
    )
    await screenshot(pageB, 'shared-redirect-b-logged-in')
    await logOutOnBAndCheckA(pageA, pageB, 'shared-redirect')
  })

  // Login CSRF through the script path: the attacker logs in on A themselves, asks A's
  // loader for B's script URL with the victim's User-Agent, and gets the victim's browser
  // to load it — embedded on an evil page, or as a link.
  describe('an attacker-minted script payload never logs the victim in as the attacker', () => {
    /** One script URL for B holding a code for the attacker's own session on A. */
    async function attackerScriptUrl(userAgent: string): Promise<string> {
      const attacker = new Client(
        { request: (url, init) => fetch(url, { ...init, redirect: 'manual' }) },
        siteA,
      )
      expect((await attacker.login('admin', 'admin')).status).toBe(200)
      const loader = await attacker.request('/shared-session/loader.json', {
        headers: { 'user-agent': userAgent },
      })
      const { scripts } = (await loader.json()) as { scripts: string[] }
      expect(scripts).toHaveLength(1)
      return scripts[0] as string
    }

    const sessionOnB = async (context: BrowserContext) =>
      (await context.cookies(siteB)).find((c) => c.name === 'sessionid')?.value

    for (const [mode, preferences] of [
      ['allowed', ALLOW_THIRD_PARTY],
      ['blocked', BLOCK_THIRD_PARTY],
    ] as const) {
      for (const victimState of ['anonymous', 'logged in on B'] as const) {
        it(`third-party cookies ${mode}, victim ${victimState}: the evil page's <script> (with and without Referer) and the link are refused, and the victim stays who they were`, async () => {
          const context = await browserWith(preferences)
          const page = await context.newPage()
          const userAgent = await page.evaluate(() => navigator.userAgent)
          let ownOnB: string | undefined
          if (victimState === 'logged in on B') {
            await page.goto(`${siteB}/`)
            await page.getByTestId('username').fill('admin')
            await page.getByTestId('password').fill('admin')
            await page.getByTestId('login').click()
            await expect.poll(() => text(page, 'whoami'), { timeout: 20_000 }).toBe('admin')
            ownOnB = await sessionOnB(context)
            expect(ownOnB).toBeTruthy()
          }
          const expected = victimState === 'anonymous' ? null : 'admin'

          // Embedded on the evil page, first as the page's default Referer would show it,
          // then with the Referer suppressed.
          for (const referrer of ['strict-origin-when-cross-origin', 'no-referrer']) {
            const src = await attackerScriptUrl(userAgent)
            const loaded = page.waitForResponse((r) => r.url() === src)
            await page.goto(
              `${evil.origin}/script?src=${encodeURIComponent(src)}&referrer=${referrer}`,
            )
            expect((await loaded).status()).toBe(400)
            expect(await sessionOnB(context)).toBe(ownOnB)
          }

          // A link on the evil page straight to the script URL: a top-level navigation,
          // which carries B's SameSite=Lax cookie and may store B's cookies in any mode.
          const href = await attackerScriptUrl(userAgent)
          const linkPage = `${evil.origin}/link?href=${encodeURIComponent(href)}`
          await page.goto(linkPage)
          const followed = page.waitForResponse((r) => r.url() === href)
          await page.locator('#go').click()
          expect((await followed).status()).toBe(400)
          // The refusal's body is empty, so Chromium commits its own error page for it
          // after the response: wait for that navigation to end before starting the next
          // (a goto issued in between is interrupted by it).
          await page.waitForURL((url) => url.href !== linkPage)
          expect(await sessionOnB(context)).toBe(ownOnB)

          await page.goto(`${siteB}/api/me/`)
          const me = JSON.parse((await page.textContent('body')) ?? '{}') as {
            user: { username: string } | null
          }
          expect(me.user?.username ?? null).toBe(expected)
          expect(await sessionOnB(context)).toBe(ownOnB)
          await screenshot(page, `shared-login-csrf-${mode}-${victimState.replace(/ /g, '-')}`)
        })
      }
    }
  })
})
