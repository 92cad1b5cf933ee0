import {
  checkCsrf,
  getCsrfToken,
  login,
  logout,
  MemoryStore,
  resolveCsrfOptions,
  type Session,
  SessionManager,
  type SessionStore,
  unmaskCsrfToken,
} from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const SECRET = 'anonymous-csrf-test-secret-0123456789abcdef'
const options = resolveCsrfOptions()
const ALICE = { id: 'alice', username: 'alice', passwordHash: 'pbkdf2_sha256$1$salt$hash' }

function setup() {
  const store = new MemoryStore()
  const manager = new SessionManager({ store, secret: SECRET })
  return { store, manager }
}

/** Rows in the store, counted through its public `scan`. */
async function rows(store: SessionStore): Promise<number> {
  let n = 0
  for await (const page of store.scan?.() ?? []) n += page.length
  return n
}

/** One browser on one origin: keeps what Set-Cookie gives (Max-Age=0 removes) and sends it back. */
class Browser {
  readonly jar = new Map<string, string>()
  lastSetCookie: string[] = []
  constructor(readonly manager: SessionManager) {}
  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  async run<T>(handler: (session: Session) => Promise<T>): Promise<T> {
    const session = this.manager.open({ cookie: this.cookie, secure: false })
    const result = await handler(session)
    this.lastSetCookie = (await this.manager.commit(session)).setCookie
    for (const header of this.lastSetCookie) {
      const [pair = ''] = header.split(';')
      const [name = '', value = ''] = pair.split('=')
      if (/max-age=0/i.test(header)) this.jar.delete(name)
      else this.jar.set(name, value)
    }
    return result
  }
  token(): Promise<string> {
    return this.run(getCsrfToken)
  }
  /** The CSRF check of a same-origin POST carrying `token`, in this browser. */
  check(token: string) {
    return this.run((session) =>
      checkCsrf(
        {
          method: 'POST',
          url: 'http://app.test/api/login/',
          headers: new Headers({ origin: 'http://app.test', 'x-csrftoken': token }),
          secure: false,
        },
        session,
        options,
      ),
    )
  }
}

describe('anonymous CSRF secret in a signed cookie (Django CSRF_USE_SESSIONS=False)', () => {
  it('1,000 anonymous token fetches create no store row', async () => {
    const { store, manager } = setup()
    for (let i = 0; i < 1000; i++) {
      const browser = new Browser(manager)
      expect(await browser.token()).toMatch(/^[a-zA-Z0-9]{64}$/)
      expect(browser.jar.has('sessionid')).toBe(false)
      expect(browser.jar.has('sessionid_csrf')).toBe(true)
    }
    expect(await rows(store)).toBe(0)
  })

  it('the cookie is HttpOnly, SameSite=Lax, Path=/, ends with the browser, Secure over HTTPS', async () => {
    const { manager } = setup()
    for (const secure of [false, true]) {
      const session = manager.open({ cookie: null, secure })
      await getCsrfToken(session)
      const [header] = (await manager.commit(session)).setCookie
      expect(header).toBe(
        `sessionid_csrf=${header?.slice(15, 91)}; Path=/; HttpOnly;${secure ? ' Secure;' : ''} SameSite=Lax`,
      )
      expect(header).toMatch(/^sessionid_csrf=[a-zA-Z0-9]{32}\.[\w-]{43};/)
    }
    const prefixed = new SessionManager({
      store: new MemoryStore(),
      secret: SECRET,
      cookie: { name: '__Host-sessionid', secure: true },
    })
    const session = prefixed.open({ cookie: null, secure: true })
    await getCsrfToken(session)
    expect((await prefixed.commit(session)).setCookie[0]).toMatch(
      /^__Host-sessionid_csrf=\S+; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    )
  })

  it('every fetch in one browser gives a new masked token of the same secret; the cookie is sent once', async () => {
    const { manager } = setup()
    const browser = new Browser(manager)
    const first = await browser.token()
    const second = await browser.token()
    expect(second).not.toBe(first)
    expect(unmaskCsrfToken(second)).toBe(unmaskCsrfToken(first))
    expect(browser.lastSetCookie).toEqual([])
    expect(await browser.check(first)).toBeNull()
    expect(await browser.check(second)).toBeNull()
  })

  it("another browser's token fails, and so does a token without the cookie", async () => {
    const { manager } = setup()
    const victim = new Browser(manager)
    const attacker = new Browser(manager)
    await victim.token()
    const stolen = await attacker.token()
    expect((await victim.check(stolen))?.code).toBe('CSRF_TOKEN_INCORRECT')
    expect((await new Browser(manager).check(stolen))?.code).toBe('CSRF_SESSION_TOKEN_MISSING')
  })

  it('a forged, tampered or foreign-key cookie is no secret: random values never throw and never pass', async () => {
    const { manager } = setup()
    const browser = new Browser(manager)
    const token = await browser.token()
    const genuine = browser.jar.get('sessionid_csrf') as string
    const secret = genuine.slice(0, 32)
    const other = new SessionManager({ store: new MemoryStore(), secret: `x${SECRET}` })
    const foreign = new Browser(other)
    await foreign.token()
    const foreignValue = foreign.jar.get('sessionid_csrf') as string
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 120 }),
          fc.string({ maxLength: 43 }).map((mac) => `${secret}.${mac}`),
          fc
            .integer({ min: 0, max: genuine.length - 1 })
            .map(
              (i) =>
                `${genuine.slice(0, i)}${genuine[i] === 'A' ? 'B' : 'A'}${genuine.slice(i + 1)}`,
            ),
          fc.constant(`${secret}.${foreignValue.slice(33)}`),
          fc.constant(foreignValue),
        ),
        async (value) => {
          const session = manager.open({ cookie: `sessionid_csrf=${value}`, secure: false })
          const failure = await checkCsrf(
            {
              method: 'POST',
              url: 'http://app.test/x',
              headers: new Headers({ origin: 'http://app.test', 'x-csrftoken': token }),
              secure: false,
            },
            session,
            options,
          )
          expect(failure?.code).toMatch(/^CSRF_(SESSION_TOKEN_MISSING|TOKEN_INCORRECT)$/)
        },
      ),
      { numRuns: 500 },
    )
  })

  it('login with an anonymous token works; the secret moves into the session, rotated, and the pre-login token fails after', async () => {
    const { store, manager } = setup()
    const browser = new Browser(manager)
    const preLogin = await browser.token()
    expect(await browser.check(preLogin)).toBeNull()
    await browser.run((session) => login(session, ALICE))
    expect(await rows(store)).toBe(1)
    // The session is stored now: the signed cookie is cleared, the secret lives in the row.
    expect(browser.jar.has('sessionid_csrf')).toBe(false)
    expect(browser.lastSetCookie.some((c) => /^sessionid_csrf=;.*Max-Age=0/.test(c))).toBe(true)
    expect((await browser.check(preLogin))?.code).toBe('CSRF_TOKEN_INCORRECT')
    const postLogin = await browser.token()
    expect(unmaskCsrfToken(postLogin)).not.toBe(unmaskCsrfToken(preLogin))
    expect(await browser.check(postLogin)).toBeNull()

    // Logout: the token dies with the session, and no row is left behind.
    await browser.run((session) => logout(session))
    expect(await rows(store)).toBe(0)
    expect((await browser.check(postLogin))?.code).toBe('CSRF_SESSION_TOKEN_MISSING')
    const anonymousAgain = await browser.token()
    expect((await browser.check(postLogin))?.code).toBe('CSRF_TOKEN_INCORRECT')
    expect(await browser.check(anonymousAgain)).toBeNull()
    expect(await rows(store)).toBe(0)
  })

  it('a request that stores data keeps the same secret: the token still works on the new session', async () => {
    const { store, manager } = setup()
    const browser = new Browser(manager)
    const token = await browser.token()
    // The form post passes the check on the cookie's secret, then the handler stores data.
    await browser.run(async (session) => {
      expect(
        await checkCsrf(
          {
            method: 'POST',
            url: 'http://app.test/cart',
            headers: new Headers({ origin: 'http://app.test', 'x-csrftoken': token }),
            secure: false,
          },
          session,
          options,
        ),
      ).toBeNull()
      await session.set('cart', ['apple'])
    })
    expect(await rows(store)).toBe(1)
    expect(browser.jar.has('sessionid')).toBe(true)
    expect(browser.jar.has('sessionid_csrf')).toBe(false)
    expect(await browser.check(token)).toBeNull()
  })

  it('a header-token request still creates its session', async () => {
    const { store, manager } = setup()
    const browser = new Browser(manager)
    await browser.token()
    const sessionToken = await browser.run((session) => session.getSessionToken())
    expect(sessionToken).toMatch(/^[\w-]{22}\.[\w-]{43}$/)
    expect(await rows(store)).toBe(1)
  })
})
