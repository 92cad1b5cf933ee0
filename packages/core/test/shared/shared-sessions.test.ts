import { ConfigError, type SessionEvent, SharedSessions } from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OPEN_REDIRECT_PAYLOADS } from '../../../../test-support/open-redirect-payloads.js'
import { edKeySet } from '../support/jwt-keys.js'
import { A, B, KEY, loginAndLoad, scriptUrls, setup, sharedApp, TestBrowser } from './support.js'

const C = 'http://c.test'

function events(manager: ReturnType<typeof setup>['manager']) {
  const seen: SessionEvent[] = []
  manager.on('sessionReplaced', (e) => seen.push(e))
  manager.on('transferRejected', (e) => seen.push(e))
  // Listeners run on the manager's event queue; let it drain.
  return { seen, settle: () => manager.settled() }
}

const me = async (app: (r: Request) => Promise<Response>, browser: TestBrowser, origin: string) =>
  (await (await browser.fetch(app, `${origin}/me`)).json()) as {
    user: string | null
    data: Record<string, unknown>
  }

function expectTransferHeaders(response: Response) {
  expect(response.headers.get('cache-control')).toBe('no-store')
  expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  expect(response.headers.get('referrer-policy')).toBe('no-referrer')
}

describe('shared sessions: the script path (django-shared-session)', () => {
  it('a page of a logged-in site loads B, which sets its own SameSite=None; Secure cookie for the same session', async () => {
    const { app, store } = setup()
    const browser = new TestBrowser()
    const [url, ...others] = await loginAndLoad(app, browser)
    expect(others).toEqual([])
    expect(url).toMatch(/^http:\/\/b\.test\/shared-session\/[A-Za-z0-9_-]+\.js$/)
    const response = await browser.script(app, url as string)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expectTransferHeaders(response)
    expect(await response.text()).toBe('')
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('sessionid='))
    expect(cookie).toMatch(/; HttpOnly; Secure; SameSite=None$/)
    expect(await me(app, browser, B)).toEqual({ user: 'alice', data: { cart: ['apple'] } })

    // One record, one credential per site, each its own secret.
    const a = browser.cookie(A, 'sessionid')?.value as string
    const b = browser.cookie(B, 'sessionid')?.value as string
    expect(a.split('.')[0]).toBe(b.split('.')[0])
    expect(a).not.toBe(b)
    const record = await store.get(a.split('.')[0] as string)
    expect(Object.keys(record?.credentials ?? {}).sort()).toEqual([
      'cookie',
      'cookie@http://b.test',
    ])
  })

  it('the payload never holds a session credential and the code is not one either', async () => {
    const { app, store } = setup()
    const browser = new TestBrowser()
    const [url] = await loginAndLoad(app, browser)
    const a = browser.cookie(A, 'sessionid')?.value as string
    expect(url).not.toContain(a)
    expect(url).not.toContain(a.split('.')[1])
    const record = await store.get(a.split('.')[0] as string)
    const transfer = Object.keys(record?.credentials ?? {}).find((k) => k.startsWith('transfer:'))
    expect(transfer).toMatch(/^transfer:\d+:[A-Za-z0-9_-]+@http:\/\/b\.test$/)
    // Stored as a hash only, like every credential.
    expect(record?.credentials[transfer as string]).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('a page that carries transfer codes is sent no-store; one with nothing to share is not', async () => {
    const { app } = setup()
    const browser = new TestBrowser()
    const anonymous = await browser.fetch(app, `${A}/`)
    expect(scriptUrls(await anonymous.text())).toEqual([])
    expect(anonymous.headers.get('cache-control')).toBeNull()
    await browser.fetch(app, `${A}/login`, { method: 'POST' })
    const page = await browser.fetch(app, `${A}/`)
    expect(scriptUrls(await page.text())).toHaveLength(1)
    // Each code is a bearer credential until redeemed: no cache may keep the page.
    expect(page.headers.get('cache-control')).toBe('no-store')
  })

  it('redeemed twice: the second answer is an empty 400 that sets nothing', async () => {
    const { app, manager } = setup()
    const { seen, settle } = events(manager)
    const browser = new TestBrowser()
    const [url] = await loginAndLoad(app, browser)
    expect((await browser.script(app, url as string)).status).toBe(200)
    const again = await new TestBrowser().script(app, url as string)
    expect(again.status).toBe(400)
    expect(again.headers.getSetCookie()).toEqual([])
    expect(await again.text()).toBe('')
    expectTransferHeaders(again)
    await settle()
    expect(seen.map((e) => e.type === 'transferRejected' && e.reason)).toContain('used')
  })

  it('older than the timeout is refused; at exactly the timeout it still works', async () => {
    for (const [wait, status, user] of [
      [30_000, 200, 'alice'],
      [30_001, 400, null],
    ] as const) {
      const { app, clock, manager } = setup()
      const { seen, settle } = events(manager)
      const browser = new TestBrowser()
      const [url] = await loginAndLoad(app, browser)
      clock.advance(wait)
      expect((await browser.script(app, url as string)).status).toBe(status)
      expect((await me(app, browser, B)).user).toBe(user)
      await settle()
      if (status === 400)
        expect(seen).toMatchObject([{ type: 'transferRejected', reason: 'expired' }])
    }
  })

  it('a timestamp from the future beyond the skew is refused; within it is accepted', async () => {
    for (const [ahead, status] of [
      [5_000, 200],
      [5_001, 400],
    ] as const) {
      const { app, clock, manager, shared } = setup()
      const { seen, settle } = events(manager)
      const browser = new TestBrowser()
      await browser.fetch(app, `${A}/login`, { method: 'POST' })
      // Site A's clock runs ahead of B's.
      const fast = new SharedSessions({ sites: [A, B], key: KEY, clock: () => clock.now() + ahead })
      const page = await browser.fetch(sharedApp(manager, fast), `${A}/`)
      const [url] = scriptUrls(await page.text())
      expect((await browser.script(sharedApp(manager, shared), url as string)).status).toBe(status)
      await settle()
      if (status === 400)
        expect(seen).toMatchObject([{ type: 'transferRejected', reason: 'future' }])
    }
  })

  it('bit-flipped, truncated or extended payloads are refused without a 5xx or a cookie (property)', async () => {
    const { app, manager } = setup()
    const { seen, settle } = events(manager)
    const browser = new TestBrowser()
    const [url] = await loginAndLoad(app, browser)
    const text = /\/shared-session\/([^.]+)\.js$/.exec(url as string)?.[1] as string
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // flip one character to another of the alphabet
          fc.tuple(fc.nat({ max: text.length - 1 }), fc.nat({ max: 63 })).map(([i, c]) => {
            const ch = alphabet[c] === text[i] ? alphabet[(c + 1) % 64] : alphabet[c]
            return text.slice(0, i) + ch + text.slice(i + 1)
          }),
          fc.nat({ max: text.length - 1 }).map((n) => text.slice(0, n)),
          fc.string({ minLength: 1, maxLength: 8 }).map((s) => text + s),
          fc.string({ maxLength: 3000 }),
        ),
        async (forged) => {
          const response = await new TestBrowser().script(
            app,
            `${B}/shared-session/${encodeURIComponent(forged)}.js`,
          )
          expect([400, 404]).toContain(response.status)
          expect(response.headers.getSetCookie()).toEqual([])
        },
      ),
      { numRuns: 300 },
    )
    await settle()
    const reasons = new Set(seen.map((e) => e.type === 'transferRejected' && e.reason))
    expect(reasons.has('undecryptable')).toBe(true)
    expect(reasons.has('malformed')).toBe(true)
    expect(reasons.has('used')).toBe(false)
    // The genuine payload was never spent by any of that.
    expect((await browser.script(app, url as string)).status).toBe(200)
  })

  it('a payload sealed with another key is refused', async () => {
    const { app, manager, clock } = setup()
    const { seen, settle } = events(manager)
    const browser = new TestBrowser()
    await browser.fetch(app, `${A}/login`, { method: 'POST' })
    const other = new SharedSessions({ sites: [A, B], key: 'x'.repeat(40), clock: clock.now })
    const [url] = scriptUrls(await (await browser.fetch(sharedApp(manager, other), `${A}/`)).text())
    expect((await browser.script(app, url as string)).status).toBe(400)
    await settle()
    expect(seen).toMatchObject([{ type: 'transferRejected', reason: 'undecryptable' }])
  })

  it('a payload minted for another site is refused there (one shared key, and per-pair keys)', async () => {
    const shared = setup({ sites: [A, B, C] })
    const { seen, settle } = events(shared.manager)
    const browser = new TestBrowser()
    const urls = await loginAndLoad(shared.app, browser)
    const forC = urls.find((u) => u.startsWith(C)) as string
    const atB = forC.replace(C, B)
    expect((await browser.script(shared.app, atB)).status).toBe(400)
    await settle()
    expect(seen).toMatchObject([{ type: 'transferRejected', reason: 'destination' }])
    // and it still works where it was meant to go
    expect((await browser.script(shared.app, forC)).status).toBe(200)

    const pairs = setup({
      sites: [A, B, C],
      key: undefined,
      pairKeys: [
        { sites: [A, B], keys: 'ab'.repeat(20) },
        { sites: [A, C], keys: 'ac'.repeat(20) },
        { sites: [B, C], keys: 'bc'.repeat(20) },
      ],
    })
    const other = new TestBrowser()
    const forC2 = (await loginAndLoad(pairs.app, other)).find((u) => u.startsWith(C)) as string
    expect((await other.script(pairs.app, forC2.replace(C, B))).status).toBe(400)
    expect((await other.script(pairs.app, forC2)).status).toBe(200)
  })

  it('a payload from a site that is not configured here is refused', async () => {
    const { app, manager, clock } = setup()
    const { seen, settle } = events(manager)
    const browser = new TestBrowser()
    // An evil (or decommissioned) site X holds the key but is not in B's list of sites.
    const X = 'http://x.test'
    const minter = new SharedSessions({ sites: [X, B], key: KEY, clock: clock.now })
    const xApp = sharedApp(manager, minter)
    await browser.fetch(xApp, `${X}/login`, { method: 'POST' })
    const [url] = scriptUrls(await (await browser.fetch(xApp, `${X}/`)).text())
    expect((await browser.script(app, url as string, X)).status).toBe(400)
    await settle()
    expect(seen).toMatchObject([{ type: 'transferRejected', reason: 'source' }])
  })

  it('XSSI: an evil page embedding the loader learns nothing redeemable', async () => {
    const { app } = setup()
    const victim = new TestBrowser()
    await victim.fetch(app, `${A}/login`, { method: 'POST' })
    // evil.example embeds A's loader endpoint: a cross-site no-cors load carries no
    // SameSite=Lax cookie, so the answer holds no payload; CORP forbids reading it anyway.
    const embedded = await app(
      new Request(`${A}/shared-session/loader.json`, {
        headers: { 'sec-fetch-site': 'cross-site' },
      }),
    )
    expect(await embedded.json()).toEqual({ scripts: [] })
    expect(embedded.headers.get('cross-origin-resource-policy')).toBe('same-origin')
    expect(embedded.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expectTransferHeaders(embedded)

    // The script itself, run in any page: an empty body, no credential anywhere a page reads.
    const [url] = scriptUrls(await (await victim.fetch(app, `${A}/`)).text())
    const script = await victim.script(app, url as string)
    expect(await script.text()).toBe('')
    expect(script.headers.get('content-length') ?? '0').toBe('0')
    for (const cookie of script.headers.getSetCookie()) expect(cookie).toContain('HttpOnly')
    // Even holding the URL later, it is spent, and it is bound to B only.
    expect((await new TestBrowser().script(app, url as string)).status).toBe(400)
    expect((await new TestBrowser().script(app, (url as string).replace(B, A))).status).toBe(400)
  })

  it('bound to the browser: another User-Agent replaying the payload is refused and does not spend it', async () => {
    const { app, manager } = setup()
    const { seen, settle } = events(manager)
    const victim = new TestBrowser('Victim/1.0')
    const [url] = await loginAndLoad(app, victim)
    const thief = new TestBrowser('Thief/9.9')
    expect((await thief.script(app, url as string)).status).toBe(400)
    expect(thief.cookie(B, 'sessionid')).toBeUndefined()
    await settle()
    expect(seen).toMatchObject([{ type: 'transferRejected', reason: 'binding' }])
    expect((await victim.script(app, url as string)).status).toBe(200)
  })

  it('a script payload is refused by the redirect endpoint and a redirect payload by the script endpoint', async () => {
    const { app, manager } = setup()
    const { seen, settle } = events(manager)
    const browser = new TestBrowser()
    const [url] = await loginAndLoad(app, browser)
    const text = /\/shared-session\/([^.]+)\.js$/.exec(url as string)?.[1] as string
    const r = await browser.fetch(app, `${B}/shared-session/accept/${text}?next=/`)
    expect(r.status).toBe(303)
    expect((await me(app, browser, B)).user).toBeNull()
    await settle()
    expect(seen).toMatchObject([{ type: 'transferRejected', reason: 'mode' }])
  })

  it('unknown paths under the prefix and other methods are not handled', async () => {
    const { shared, manager } = setup()
    const session = manager.open({ cookie: undefined, secure: false })
    expect(await shared.handle(new Request(`${B}/shared-session/nope`), session)).toBeNull()
    expect(await shared.handle(new Request(`${B}/elsewhere.js`), session)).toBeNull()
    expect(
      await shared.handle(new Request(`${B}/shared-session/x.js`, { method: 'POST' }), session),
    ).toBeNull()
    // a host that is not one of the sites
    expect(
      await shared.handle(new Request('http://evil.test/shared-session/loader.json'), session),
    ).toBeNull()
  })
})

describe('shared sessions: a script payload is redeemed only by a page of its source site (login CSRF)', () => {
  /** The attack: someone logged in on A mints a payload for their own session, with the victim's User-Agent. */
  async function attackerPayload(app: (r: Request) => Promise<Response>, victim: TestBrowser) {
    const attacker = new TestBrowser(victim.userAgent)
    const [url] = await loginAndLoad(app, attacker)
    return { attacker, url: url as string }
  }

  const EVIL = 'http://evil.test'
  // What a browser sends for each way the victim's browser could be made to load the URL.
  const contexts: Array<[string, Record<string, string>]> = [
    [
      'a link (top-level navigation)',
      {
        'sec-fetch-dest': 'document',
        'sec-fetch-mode': 'navigate',
        'sec-fetch-site': 'cross-site',
        referer: `${EVIL}/`,
      },
    ],
    [
      'a typed or bookmarked URL',
      { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'none' },
    ],
    [
      'a link from a page of A itself',
      {
        'sec-fetch-dest': 'document',
        'sec-fetch-mode': 'navigate',
        'sec-fetch-site': 'cross-site',
        referer: `${A}/`,
      },
    ],
    [
      'an <iframe> on a page of A',
      { 'sec-fetch-dest': 'iframe', 'sec-fetch-site': 'cross-site', referer: `${A}/` },
    ],
    [
      'a fetch() from a page of A',
      {
        'sec-fetch-dest': 'empty',
        'sec-fetch-mode': 'cors',
        'sec-fetch-site': 'cross-site',
        referer: `${A}/`,
      },
    ],
    [
      'a <script> on an evil page',
      { 'sec-fetch-dest': 'script', 'sec-fetch-site': 'cross-site', referer: `${EVIL}/prize` },
    ],
    [
      'a <script> on an evil page with no-referrer',
      { 'sec-fetch-dest': 'script', 'sec-fetch-site': 'cross-site' },
    ],
    [
      'a <script> on a page of B itself',
      { 'sec-fetch-dest': 'script', 'sec-fetch-site': 'same-origin', referer: `${B}/` },
    ],
    [
      'a <script> claiming A as same-origin',
      { 'sec-fetch-dest': 'script', 'sec-fetch-site': 'same-origin', referer: `${A}/` },
    ],
    [
      'a <script> with an opaque Referer',
      { 'sec-fetch-dest': 'script', 'sec-fetch-site': 'cross-site', referer: 'null' },
    ],
    [
      'a <script> on a look-alike of A',
      {
        'sec-fetch-dest': 'script',
        'sec-fetch-site': 'cross-site',
        referer: 'http://a.test.evil.test/',
      },
    ],
    ['a client without Fetch metadata', { referer: `${A}/` }],
  ]

  it.each(contexts)(
    '%s: refused with no cookie, the victim stays anonymous, the code is not spent',
    async (_, headers) => {
      const { app, manager } = setup()
      const { seen, settle } = events(manager)
      const victim = new TestBrowser('Victim/1.0')
      const { attacker, url } = await attackerPayload(app, victim)
      const response = await victim.fetch(app, url, { headers })
      expect(response.status).toBe(400)
      expect(await response.text()).toBe('')
      expect(response.headers.getSetCookie()).toEqual([])
      expectTransferHeaders(response)
      expect(victim.cookie(B, 'sessionid')).toBeUndefined()
      expect((await me(app, victim, B)).user).toBeNull()
      await settle()
      expect(seen).toMatchObject([{ type: 'transferRejected', reason: 'context' }])
      // The refusal is about where it was loaded, not the payload: from a page of A it works.
      expect((await attacker.script(app, url, A)).status).toBe(200)
    },
  )

  it('a logged-in victim keeps their own session whatever the evil page or link does', async () => {
    for (const alwaysReplace of [false, true]) {
      const { app } = setup({ alwaysReplace })
      const victim = new TestBrowser('Victim/1.0')
      await victim.fetch(app, `${B}/login?user=bob`, { method: 'POST' })
      const own = victim.cookie(B, 'sessionid')?.value
      const { url } = await attackerPayload(app, victim)
      for (const [, headers] of contexts) {
        expect((await victim.fetch(app, url, { headers })).status).toBe(400)
      }
      expect(victim.cookie(B, 'sessionid')?.value).toBe(own)
      expect((await me(app, victim, B)).user).toBe('bob')
    }
  })

  it('Fetch metadata and Referer of any shape: only a <script> on a page of A redeems, never a 5xx or a cookie otherwise (property)', async () => {
    const { app } = setup()
    let redeemed = 0
    const header = (...known: string[]) =>
      fc.option(fc.oneof(fc.constantFrom(...known), fc.string({ maxLength: 40 })), {
        nil: undefined,
      })
    await fc.assert(
      fc.asyncProperty(
        header('script', 'document', 'empty', 'iframe', 'style', 'image', 'SCRIPT', ' script'),
        header('cross-site', 'same-site', 'same-origin', 'none', 'Cross-Site'),
        header(
          `${A}/`,
          `${A}/page?x=1`,
          `${EVIL}/`,
          `${B}/`,
          'null',
          'http://a.test:80/',
          'https://a.test/',
          `${A}.evil.test/`,
          '//a.test/',
          'a.test',
        ),
        async (dest, site, referer) => {
          const raw: Record<string, string> = {}
          if (dest !== undefined) raw['sec-fetch-dest'] = dest
          if (site !== undefined) raw['sec-fetch-site'] = site
          if (referer !== undefined) raw.referer = referer
          let headers: Headers
          try {
            headers = new Headers(raw) // what a server receives: values trimmed
          } catch {
            return // a value no HTTP request can carry never reaches the app
          }
          // A fresh victim and a fresh attacker payload each run, so every run can redeem.
          const victim = new TestBrowser('Victim/1.0')
          const { url } = await attackerPayload(app, victim)
          const response = await victim.fetch(app, url, { headers })
          const ref = headers.get('referer')
          const legit =
            headers.get('sec-fetch-dest') === 'script' &&
            ['cross-site', 'same-site'].includes(headers.get('sec-fetch-site') ?? '') &&
            ref !== null &&
            URL.canParse(ref) &&
            new URL(ref).origin === A
          if (legit) {
            redeemed++
            expect(response.status).toBe(200)
            expect((await me(app, victim, B)).user).toBe('alice')
          } else {
            expect(response.status).toBe(400)
            expect(response.headers.getSetCookie()).toEqual([])
            expect((await me(app, victim, B)).user).toBeNull()
          }
        },
      ),
      // The genuine context first, so the property also covers the one load that redeems.
      { numRuns: 300, examples: [['script', 'cross-site', `${A}/`]] },
    )
    expect(redeemed).toBeGreaterThan(0)
  })
})

describe('shared sessions: the script path never switches B to another user', () => {
  it('B logged in as another user: refused, B keeps its session, transferRejected says "user", the code is not spent (either alwaysReplace)', async () => {
    for (const alwaysReplace of [false, true]) {
      const { app, manager } = setup({ alwaysReplace })
      const { seen, settle } = events(manager)
      const browser = new TestBrowser()
      await browser.fetch(app, `${B}/login?user=bob`, { method: 'POST' })
      const own = browser.cookie(B, 'sessionid')?.value
      const [url] = await loginAndLoad(app, browser) // alice on A, same browser, a genuine page
      const response = await browser.script(app, url as string)
      expect(response.status).toBe(400)
      expect(response.headers.getSetCookie()).toEqual([])
      expect(browser.cookie(B, 'sessionid')?.value).toBe(own)
      expect((await me(app, browser, B)).user).toBe('bob')
      await settle()
      expect(seen).toMatchObject([{ type: 'transferRejected', reason: 'user' }])
      // Once bob logs out on B, the same (unspent) code brings alice over.
      await browser.fetch(app, `${B}/logout`, { method: 'POST' })
      expect((await browser.script(app, url as string)).status).toBe(200)
      expect((await me(app, browser, B)).user).toBe('alice')
    }
  })

  it('B logged in as the same user in a session of its own: kept (default) or joined to the shared session (alwaysReplace)', async () => {
    for (const [alwaysReplace, joined] of [
      [false, false],
      [true, true],
    ] as const) {
      const { app } = setup({ alwaysReplace })
      const browser = new TestBrowser()
      await browser.fetch(app, `${B}/login`, { method: 'POST' })
      const own = browser.cookie(B, 'sessionid')?.value as string
      const [url] = await loginAndLoad(app, browser)
      expect((await browser.script(app, url as string)).status).toBe(200)
      expect((await me(app, browser, B)).user).toBe('alice')
      const now = browser.cookie(B, 'sessionid')?.value as string
      const sharedId = browser.cookie(A, 'sessionid')?.value.split('.')[0]
      expect(now === own).toBe(!joined)
      expect(now.split('.')[0] === sharedId).toBe(joined)
    }
  })

  it('the redirect path, which the user sees, still replaces another user with alwaysReplace', async () => {
    const { app } = setup({ alwaysReplace: true })
    const browser = new TestBrowser()
    await browser.fetch(app, `${B}/login?user=bob`, { method: 'POST' })
    await browser.fetch(app, `${A}/login`, { method: 'POST' })
    const { response } = await browser.navigate(
      app,
      `${B}/shared-session/connect?from=${encodeURIComponent(A)}&next=/me`,
    )
    expect((await response.json()).user).toBe('alice')
  })
})

describe('shared sessions: alwaysReplace and the sessionReplaced event', () => {
  it('alwaysReplace off (default): B keeps its own non-empty session, fires nothing, and the code is spent', async () => {
    const { app, manager } = setup()
    const { seen, settle } = events(manager)
    const browser = new TestBrowser()
    await browser.fetch(app, `${B}/anon`, { method: 'POST' })
    const own = browser.cookie(B, 'sessionid')?.value
    const [url] = await loginAndLoad(app, browser)
    const response = await browser.script(app, url as string)
    expect(response.status).toBe(200)
    expect(response.headers.getSetCookie().filter((c) => c.startsWith('sessionid='))).toEqual([])
    expect(browser.cookie(B, 'sessionid')?.value).toBe(own)
    expect(await me(app, browser, B)).toEqual({ user: null, data: { theme: 'dark' } })
    expect((await new TestBrowser().script(app, url as string)).status).toBe(400)
    await settle()
    expect(seen.filter((e) => e.type === 'sessionReplaced')).toEqual([])
  })

  it('alwaysReplace on: B’s own session is replaced (and deleted), and sessionReplaced says so with hashed ids only', async () => {
    const { app, manager, store } = setup({ alwaysReplace: true })
    const { seen, settle } = events(manager)
    const browser = new TestBrowser()
    await browser.fetch(app, `${B}/anon`, { method: 'POST' })
    const ownId = browser.cookie(B, 'sessionid')?.value.split('.')[0] as string
    const [url] = await loginAndLoad(app, browser)
    expect((await browser.script(app, url as string)).status).toBe(200)
    expect(await me(app, browser, B)).toEqual({ user: 'alice', data: { cart: ['apple'] } })
    expect(await store.get(ownId)).toBeNull()
    await settle()
    const replaced = seen.filter((e) => e.type === 'sessionReplaced')
    expect(replaced).toEqual([
      {
        type: 'sessionReplaced',
        session: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        at: expect.any(Number),
        source: A,
        destination: B,
        via: 'script',
        replacedExisting: true,
      },
    ])
    const sharedId = browser.cookie(A, 'sessionid')?.value.split('.')[0]
    expect((replaced[0] as { session: string }).session).not.toBe(sharedId)
  })

  it('a B without a session gets the shared one with either setting, and the event says nothing was replaced', async () => {
    for (const alwaysReplace of [false, true]) {
      const { app, manager } = setup({ alwaysReplace })
      const { seen, settle } = events(manager)
      const browser = new TestBrowser()
      const [url] = await loginAndLoad(app, browser)
      expect((await browser.script(app, url as string)).status).toBe(200)
      expect((await me(app, browser, B)).user).toBe('alice')
      await settle()
      expect(seen).toMatchObject([
        { type: 'sessionReplaced', via: 'script', replacedExisting: false },
      ])
    }
  })

  it('a B already on the shared session keeps its credential and fires nothing', async () => {
    const { app, manager } = setup({ alwaysReplace: true })
    const { seen, settle } = events(manager)
    const browser = new TestBrowser()
    const [first] = await loginAndLoad(app, browser)
    await browser.script(app, first as string)
    const before = browser.cookie(B, 'sessionid')?.value
    const [second] = scriptUrls(await (await browser.fetch(app, `${A}/`)).text())
    const response = await browser.script(app, second as string)
    expect(response.status).toBe(200)
    expect(browser.cookie(B, 'sessionid')?.value).toBe(before)
    await settle()
    expect(seen.filter((e) => e.type === 'sessionReplaced')).toHaveLength(1)
  })
})

describe('shared sessions: the redirect path (every browser)', () => {
  it('a first visit to B hops B → A → B and lands logged in with a first-party SameSite=Lax cookie', async () => {
    const { app, manager } = setup()
    const { seen, settle } = events(manager)
    const browser = new TestBrowser()
    await browser.fetch(app, `${A}/login`, { method: 'POST' })
    const { response, hops } = await browser.navigate(app, `${B}/account?tab=1`)
    expect(
      hops.map((h) => new URL(h).origin + new URL(h).pathname.replace(/accept\/.+/, 'accept/…')),
    ).toEqual([
      `${B}/account`,
      `${A}/shared-session/authorize`,
      `${B}/shared-session/accept/…`,
      `${B}/account`,
    ])
    expect(hops[3]).toBe(`${B}/account?tab=1`)
    expect(response.status).toBe(200)
    const cookie = browser.cookie(B, 'sessionid')
    expect(cookie?.attributes).toContain('SameSite=Lax')
    expect(cookie?.attributes).not.toContain('SameSite=None')
    expect(browser.cookie(B, 'shared_session_nonce')).toBeUndefined()
    expect((await me(app, browser, B)).user).toBe('alice')
    await settle()
    expect(seen).toMatchObject([
      { type: 'sessionReplaced', via: 'redirect', source: A, destination: B },
    ])
  })

  it('every hop carries the security headers', async () => {
    const { app } = setup()
    const browser = new TestBrowser()
    await browser.fetch(app, `${A}/login`, { method: 'POST' })
    const first = await browser.fetch(app, `${B}/`, { headers: { 'sec-fetch-dest': 'document' } })
    expectTransferHeaders(first)
    const authorize = await browser.fetch(app, first.headers.get('location') as string)
    expectTransferHeaders(authorize)
    const accept = await browser.fetch(app, authorize.headers.get('location') as string)
    expectTransferHeaders(accept)
    expect(accept.status).toBe(303)
  })

  it('bound to the browser: the accept URL replayed by a browser without the nonce cookie is refused and not spent', async () => {
    const { app, manager } = setup()
    const { seen, settle } = events(manager)
    const victim = new TestBrowser()
    await victim.fetch(app, `${A}/login`, { method: 'POST' })
    const start = await victim.fetch(app, `${B}/`, { headers: { 'sec-fetch-dest': 'document' } })
    const authorize = await victim.fetch(app, start.headers.get('location') as string)
    const acceptUrl = authorize.headers.get('location') as string
    // The URL leaks (history, a log, a shoulder): another browser tries it first.
    const thief = new TestBrowser()
    await thief.fetch(app, `${B}/shared-session/connect?from=${encodeURIComponent(A)}`) // has a nonce, but its own
    expect((await thief.fetch(app, acceptUrl)).status).toBe(303)
    expect((await me(app, thief, B)).user).toBeNull()
    await settle()
    expect(seen).toMatchObject([{ type: 'transferRejected', reason: 'binding' }])
    await victim.fetch(app, acceptUrl)
    expect((await me(app, victim, B)).user).toBe('alice')
  })

  it('nothing to share: A answers "none", B lands anonymous and does not hop again', async () => {
    const { app } = setup()
    const browser = new TestBrowser()
    const { hops } = await browser.navigate(app, `${B}/`)
    expect(hops).toHaveLength(4)
    expect(hops[2]).toMatch(/\/shared-session\/accept\/none\?next=%2F$/)
    expect((await me(app, browser, B)).user).toBeNull()
    const again = await browser.navigate(app, `${B}/`)
    expect(again.hops).toHaveLength(1)
  })

  it('a browser that keeps no cookies hops once and is not sent round again', async () => {
    const { app } = setup()
    const cookieless = new (class extends TestBrowser {
      override store(): void {}
    })()
    const { response, hops } = await cookieless.navigate(app, `${B}/account`)
    expect(response.status).toBe(200)
    expect(hops).toHaveLength(4)
    expect(hops[3]).toBe(`${B}/account?shared_session=off`)
    expect((await cookieless.navigate(app, hops[3] as string)).hops).toHaveLength(1)
  })

  it('no hop for API calls, bots, non-GET, in script mode, or with a session', async () => {
    const { app } = setup()
    const browser = new TestBrowser()
    expect((await browser.fetch(app, `${B}/`)).status).toBe(200) // no Sec-Fetch-Dest: a bot
    const script = setup({ mode: 'script' })
    expect((await browser.navigate(script.app, `${B}/`)).hops).toHaveLength(1)
    await browser.fetch(app, `${B}/anon`, { method: 'POST' })
    expect((await browser.navigate(app, `${B}/`)).hops).toHaveLength(1)
  })

  it('redirect mode renders no script tags; the hop still works', async () => {
    const { app } = setup({ mode: 'redirect' })
    const browser = new TestBrowser()
    expect(await loginAndLoad(app, browser)).toEqual([])
    await browser.navigate(app, `${B}/`)
    expect((await me(app, browser, B)).user).toBe('alice')
  })

  it('next is limited to same-origin paths at every hop', async () => {
    const { app } = setup()
    for (const evil of [...OPEN_REDIRECT_PAYLOADS, 'http://evil.com/']) {
      const browser = new TestBrowser()
      await browser.fetch(app, `${A}/login`, { method: 'POST' })
      const { hops } = await browser.navigate(
        app,
        `${B}/shared-session/connect?from=${encodeURIComponent(A)}&next=${encodeURIComponent(evil)}`,
      )
      expect(hops[hops.length - 1]).toBe(`${B}/`)
      expect((await me(app, browser, B)).user).toBe('alice')
    }
  })

  it('hostile paths and queries on every endpoint never throw, never 5xx, never log anyone in (property)', async () => {
    const { app } = setup()
    const victim = new TestBrowser()
    await victim.fetch(app, `${A}/login`, { method: 'POST' })
    const cookie = victim.cookieHeader(`${A}/`) as string
    const part = fc.string({ maxLength: 200 })
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('connect', 'authorize', 'accept/', 'accept/none', 'loader.json', ''),
        part,
        fc.dictionary(fc.constantFrom('from', 'to', 'binding', 'next'), part, { maxKeys: 4 }),
        fc.constantFrom(A, B),
        async (endpoint, tail, query, origin) => {
          const url = new URL(`${origin}/shared-session/${endpoint}`)
          url.pathname += encodeURIComponent(tail)
          for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
          const browser = new TestBrowser()
          const response = await browser.fetch(app, url.href, {
            headers: { cookie, 'sec-fetch-dest': 'document' },
          })
          expect(response.status).toBeLessThan(500)
          const location = response.headers.get('location')
          if (location?.startsWith('/')) expect(location).not.toMatch(/^\/[/\\]/)
          expect(response.headers.getSetCookie().filter((c) => c.startsWith('sessionid='))).toEqual(
            [],
          )
        },
      ),
      { numRuns: 300 },
    )
  })

  it('HEAD and other methods never spend a code', async () => {
    const { app } = setup()
    const browser = new TestBrowser()
    const [url] = await loginAndLoad(app, browser)
    expect((await browser.fetch(app, url as string, { method: 'HEAD' })).status).toBe(200) // the page, not the endpoint
    expect(browser.cookie(B, 'sessionid')).toBeUndefined()
    expect((await browser.script(app, url as string)).status).toBe(200)
  })

  it('connect and authorize refuse sites that are not configured', async () => {
    const { app } = setup()
    const browser = new TestBrowser()
    expect(
      (
        await browser.fetch(
          app,
          `${B}/shared-session/connect?from=${encodeURIComponent('http://evil.test')}`,
        )
      ).status,
    ).toBe(400)
    expect(
      (await browser.fetch(app, `${B}/shared-session/connect?from=${encodeURIComponent(B)}`))
        .status,
    ).toBe(400)
    const binding = 'A'.repeat(43)
    expect(
      (
        await browser.fetch(
          app,
          `${A}/shared-session/authorize?to=${encodeURIComponent('http://evil.test')}&binding=${binding}`,
        )
      ).status,
    ).toBe(400)
    expect(
      (
        await browser.fetch(
          app,
          `${A}/shared-session/authorize?to=${encodeURIComponent(B)}&binding=short`,
        )
      ).status,
    ).toBe(400)
  })

  // Cookie tossing: a sibling subdomain (evil.b.test, Domain=b.test) or a network attacker
  // answering any plain http://b.test request can set a cookie B reads, but never one named
  // __Host- (that prefix needs Secure, no Domain and Path=/, set by b.test itself over HTTPS).
  it('over HTTPS, a nonce cookie planted by a sibling subdomain or a network attacker does not bind: the victim is not logged in as the attacker', async () => {
    const SA = 'https://a.test'
    const SB = 'https://b.test'
    const { app } = setup({ sites: [SA, SB] })
    // The attacker logs in on A as themselves and runs the hop in their own browser, up
    // to the accept URL, which they do not open.
    const attacker = new TestBrowser()
    await attacker.fetch(app, `${SA}/login?user=mallory`, { method: 'POST' })
    const connect = await attacker.fetch(
      app,
      `${SB}/shared-session/connect?from=${encodeURIComponent(SA)}`,
    )
    const set = connect.headers
      .getSetCookie()
      .find((c) => /^(__Host-)?shared_session_nonce=/.test(c))
    const nonce = /=([^;]*)/.exec(set as string)?.[1] as string
    const authorize = await attacker.fetch(app, connect.headers.get('location') as string)
    const acceptUrl = authorize.headers.get('location') as string
    expect(acceptUrl.startsWith(`${SB}/shared-session/accept/`)).toBe(true)

    // Then plants the nonce in the victim's browser under the name a subdomain can set,
    // and sends the victim to the accept URL.
    const victim = new TestBrowser()
    victim.jar.set(
      'b.test',
      new Map([['shared_session_nonce', { value: nonce, path: '/', attributes: '' }]]),
    )
    const landed = await victim.navigate(app, acceptUrl)
    expect(landed.response.status).toBe(200)
    expect((await me(app, victim, SB)).user).toBeNull()
    expect(victim.cookie(SB, 'sessionid')).toBeUndefined()
    // What B sets itself, no other host can.
    expect(set).toMatch(/^__Host-shared_session_nonce=[^;]+; Max-Age=\d+; Path=\/; .*Secure/)

    // The hop itself still works over HTTPS, with the nonce cookie B sets.
    const user = new TestBrowser()
    await user.fetch(app, `${SA}/login`, { method: 'POST' })
    await user.navigate(app, `${SB}/account`)
    expect((await me(app, user, SB)).user).toBe('alice')
    expect(user.cookie(SB, '__Host-shared_session_nonce')).toBeUndefined()
  })
})

describe('shared sessions: one session, so one logout', () => {
  it('logging out on B logs A out too; rotation on A kills B’s credential', async () => {
    const { app } = setup()
    const browser = new TestBrowser()
    const [url] = await loginAndLoad(app, browser)
    await browser.script(app, url as string)
    expect((await me(app, browser, A)).user).toBe('alice')
    await browser.fetch(app, `${B}/logout`, { method: 'POST' })
    expect((await me(app, browser, A)).user).toBeNull()
    expect((await me(app, browser, B)).user).toBeNull()

    const again = new TestBrowser()
    const [url2] = await loginAndLoad(app, again)
    await again.script(app, url2 as string)
    const bCookie = again.cookie(B, 'sessionid')?.value
    await again.fetch(app, `${A}/login`, { method: 'POST' }) // cycleKey: every credential replaced
    expect((await me(app, again, A)).user).toBe('alice')
    const stale = await app(new Request(`${B}/me`, { headers: { cookie: `sessionid=${bCookie}` } }))
    expect(((await stale.json()) as { user: string | null }).user).toBeNull()
  })

  it('an outstanding code dies with a logout on A', async () => {
    const { app } = setup()
    const browser = new TestBrowser()
    const [url] = await loginAndLoad(app, browser)
    await browser.fetch(app, `${A}/logout`, { method: 'POST' })
    expect((await browser.script(app, url as string)).status).toBe(400)
  })
})

describe('shared sessions with JWT session cookies (format: jwt)', () => {
  it('each site gets its own JWT for the one session; logout on B logs A out', async () => {
    const { keys } = await edKeySet()
    const { app } = setup({}, undefined, {
      format: 'jwt',
      jwt: { keys, issuer: 'https://a.test', audience: 'https://app.test' },
    })
    const browser = new TestBrowser()
    const [url] = await loginAndLoad(app, browser)
    expect((await browser.script(app, url as string)).status).toBe(200)
    const a = browser.cookie(A, 'sessionid')?.value as string
    const b = browser.cookie(B, 'sessionid')?.value as string
    expect(a.split('.')).toHaveLength(3)
    expect(b.split('.')).toHaveLength(3)
    expect(b).not.toBe(a)
    expect((await me(app, browser, B)).user).toBe('alice')
    await browser.fetch(app, `${B}/logout`, { method: 'POST' })
    expect((await me(app, browser, A)).user).toBeNull()
  })
})

describe('shared sessions: keys and configuration', () => {
  it('rotation: a payload sealed with the previous key opens while that key is listed, not after', async () => {
    const OLD = 'o'.repeat(40)
    const NEW = 'n'.repeat(40)
    const { manager, clock } = setup()
    const minter = sharedApp(
      manager,
      new SharedSessions({ sites: [A, B], key: OLD, clock: clock.now }),
    )
    const rotating = sharedApp(
      manager,
      new SharedSessions({ sites: [A, B], key: [NEW, OLD], clock: clock.now }),
    )
    const rotated = sharedApp(
      manager,
      new SharedSessions({ sites: [A, B], key: NEW, clock: clock.now }),
    )
    const browser = new TestBrowser()
    await browser.fetch(minter, `${A}/login`, { method: 'POST' })
    const [u1] = scriptUrls(await (await browser.fetch(minter, `${A}/`)).text())
    const [u2] = scriptUrls(await (await browser.fetch(minter, `${A}/`)).text())
    expect((await browser.script(rotated, u1 as string)).status).toBe(400)
    expect((await browser.script(rotating, u2 as string)).status).toBe(200)
  })

  it('mistakes throw ConfigError with exact messages', () => {
    const bad: Array<[unknown, string]> = [
      [{ sites: [A], key: KEY }, 'sites must list at least two origins'],
      [
        { sites: [A, `${B}/path`], key: KEY },
        'sites[1] must be an origin such as https://www.example.com (no path)',
      ],
      [{ sites: [A, A], key: KEY }, 'sites must not repeat an origin'],
      [{ sites: [A, B] }, `no transfer key for ${A} and ${B}: set key or pairKeys`],
      [
        { sites: [A, B], key: 'short' },
        'key: every key must be a string of at least 32 characters',
      ],
      [
        { sites: [A, B], key: KEY, timeout: 0 },
        'timeout must be a positive whole number of seconds, got 0',
      ],
      [{ sites: [A, B], key: KEY, mode: 'iframe' }, "mode must be 'script', 'redirect' or 'auto'"],
      [{ sites: [A, B], key: KEY, home: C }, 'home must be one of sites'],
      [
        { sites: [A, B], pairKeys: [{ sites: [A, C], keys: KEY }] },
        'pairKeys[0].sites must name two different origins from sites',
      ],
    ]
    for (const [options, message] of bad) {
      expect(() => new SharedSessions(options as never)).toThrowError(new ConfigError(message))
    }
  })
})
