import {
  ArgumentError,
  type CommitResult,
  ConfigError,
  MemoryStore,
  type Session,
  SessionManager,
  withSessionToken,
} from '@tessera/core'
import { ManualClock } from '@tessera/testing'
import { describe, expect, it } from 'vitest'
import { cookieFrom, harness, SECRET, T0 } from '../support/harness.js'

/** One request that carries only a header token (no cookie at all). */
async function withToken(
  manager: SessionManager,
  token: string | undefined,
  use: (s: Session) => Promise<void> | void,
  header = 'x-session-token',
): Promise<CommitResult> {
  const session = manager.open({
    cookie: undefined,
    secure: false,
    header: (n) => (n === header && token !== undefined ? token : undefined),
  })
  await use(session)
  return manager.commit(session)
}

async function issueToken(
  manager: SessionManager,
  use: (s: Session) => Promise<void> = async () => {},
): Promise<string> {
  let token = ''
  await withToken(manager, undefined, async (s) => {
    await use(s)
    token = await s.getSessionToken()
  })
  return token
}

/** For each token, whether a request carrying it is authenticated by it. */
async function aliveTokens(manager: SessionManager, tokens: string[]): Promise<boolean[]> {
  const alive: boolean[] = []
  for (const t of tokens) {
    let ok = false
    await withToken(manager, t, async (s) => {
      ok = await s.authenticatedByToken()
    })
    alive.push(ok)
  }
  return alive
}

describe('header tokens (django-session-token)', () => {
  it('getSessionToken creates and stores a session even with no data; the token loads it', async () => {
    const { manager } = harness()
    const token = await issueToken(manager)
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/)
    await withToken(manager, token, async (s) => {
      expect(await s.authenticatedByToken()).toBe(true)
      expect(s.loadedFromSessionToken).toBe(true)
      await s.set('a', 1)
    })
    await withToken(manager, token, async (s) => expect(await s.get('a')).toBe(1))
  })

  it('a token request gets its own token back and no session cookie; the response is no-store', async () => {
    const { manager } = harness()
    const token = await issueToken(manager)
    const result = await withToken(manager, token, async (s) => {
      expect(await s.getSessionToken()).toBe(token)
      await s.set('a', 1)
    })
    expect(result.setCookie).toEqual([])
    expect(result.noStore).toBe(true)
  })

  it('the token is a separate credential: its secret is not the cookie’s, and neither works in the other’s place', async () => {
    const { manager } = harness()
    let token = ''
    const first = await withToken(manager, undefined, async (s) => {
      await s.set('a', 1)
      token = await s.getSessionToken()
    })
    const cookie = cookieFrom(first)
    const cookieValue = cookie.split('=')[1] as string
    expect(token.split('.')[1]).not.toBe(cookieValue.split('.')[1])
    // The token presented as a cookie, and the cookie value presented as a token: refused.
    const asCookie = manager.open({ cookie: `sessionid=${token}`, secure: false })
    expect(await asCookie.get('a')).toBeUndefined()
    await withToken(manager, cookieValue, async (s) =>
      expect(await s.authenticatedByToken()).toBe(false),
    )
  })

  it('cycleKey and flush kill every token; revocation in the store too', async () => {
    const { manager, store } = harness()
    const t1 = await issueToken(manager, (s) => s.set('a', 1))
    let t2 = ''
    await withToken(manager, t1, async (s) => {
      await s.cycleKey()
      t2 = await s.getSessionToken()
    })
    expect(t2).not.toBe(t1)
    await withToken(manager, t1, async (s) => expect(await s.get('a')).toBeUndefined())
    await withToken(manager, t2, async (s) => expect(await s.get('a')).toBe(1))
    await withToken(manager, t2, (s) => s.flush())
    await withToken(manager, t2, async (s) => expect(await s.authenticatedByToken()).toBe(false))
    const t3 = await issueToken(manager, (s) => s.set('b', 1))
    await store.delete(t3.split('.')[0] as string)
    await withToken(manager, t3, async (s) => expect(await s.get('b')).toBeUndefined())
  })

  it('tampered and expired tokens are refused', async () => {
    const { manager, clock } = harness({ idleTimeout: 600, renewalInterval: 60 })
    const token = await issueToken(manager, (s) => s.set('a', 1))
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
    await withToken(manager, flipped, async (s) => expect(await s.get('a')).toBeUndefined())
    await withToken(manager, `${token}x`, async (s) => expect(await s.get('a')).toBeUndefined())
    clock.advance(601_000)
    await withToken(manager, token, async (s) => expect(await s.get('a')).toBeUndefined())
  })

  it('keeps the 8 newest tokens of a session alive', async () => {
    const { manager, clock } = harness()
    const cookie = cookieFrom(await withToken(manager, undefined, (s) => s.set('a', 1)))
    const tokens: string[] = []
    for (let i = 0; i < 10; i++) {
      clock.advance(1000)
      const s = manager.open({ cookie, secure: false })
      tokens.push(await s.getSessionToken())
      await manager.commit(s)
    }
    const alive = await aliveTokens(manager, tokens)
    expect(alive).toEqual([false, false, true, true, true, true, true, true, true, true])
  })

  it('tokens issued in one millisecond, by one request or by concurrent ones, all stay alive', async () => {
    const { manager } = harness()
    const cookie = cookieFrom(await withToken(manager, undefined, (s) => s.set('a', 1)))
    // Two tabs render a page at the same clock tick (one after the other, then at once),
    // and one request issues two.
    const tokens: string[] = []
    for (let i = 0; i < 2; i++) {
      const s = manager.open({ cookie, secure: false })
      tokens.push(await s.getSessionToken())
      await manager.commit(s)
    }
    const tabs = [0, 1, 2].map(() => manager.open({ cookie, secure: false }))
    tokens.push(...(await Promise.all(tabs.map((s) => s.getSessionToken()))))
    await Promise.all(tabs.map((s) => manager.commit(s)))
    const alive = await aliveTokens(manager, tokens)
    expect(new Set(tokens).size).toBe(5)
    expect(alive).toEqual([true, true, true, true, true])
  })

  it('Authorization: Bearer only when enabled; a custom header name; never the cookie or authorization header names', async () => {
    const store = new MemoryStore()
    const plain = new SessionManager({ store, secret: SECRET })
    const token = await issueToken(plain, (s) => s.set('a', 1))
    const bearer = new SessionManager({
      store,
      secret: SECRET,
      token: { bearer: true, header: 'X-App-Token' },
    })
    await withToken(
      plain,
      `Bearer ${token}`,
      async (s) => expect(await s.get('a')).toBeUndefined(),
      'authorization',
    )
    await withToken(
      bearer,
      `Bearer ${token}`,
      async (s) => expect(await s.get('a')).toBe(1),
      'authorization',
    )
    await withToken(bearer, token, async (s) => expect(await s.get('a')).toBe(1), 'x-app-token')
    expect(
      () => new SessionManager({ store, secret: SECRET, token: { header: 'Cookie' } }),
    ).toThrow(ConfigError)
  })

  it('a bogus token beside a valid cookie loads the cookie session, not as a token session', async () => {
    const { manager } = harness()
    const cookie = cookieFrom(await withToken(manager, undefined, (s) => s.set('a', 1)))
    const s = manager.open({
      cookie,
      secure: false,
      header: (n) => (n === 'x-session-token' ? 'bogus' : undefined),
    })
    expect(await s.authenticatedByToken()).toBe(false)
    expect(await s.get('a')).toBe(1)
    expect(s.loadedFromSessionToken).toBe(false)
  })
})

/** `MemoryStore` read only through `get`, as a store over the network is (no `getNow`). */
class AwaitedStore extends MemoryStore {
  override async get(id: string) {
    return super.get(id)
  }
}

describe.each([
  ['read at once (getNow)', (clock: () => number) => new MemoryStore({ clock })],
  ['read only through an awaited get', (clock: () => number) => new AwaitedStore({ clock })],
])('a header token beside a cookie, from a store %s', (_, storeOn) => {
  function setUp() {
    const clock = new ManualClock(T0)
    const store = storeOn(clock.now)
    return new SessionManager({ store, secret: SECRET, clock: clock.now })
  }

  it('a valid token and a valid cookie of two sessions: the token’s session is loaded', async () => {
    const manager = setUp()
    const cookie = cookieFrom(await withToken(manager, undefined, (s) => s.set('who', 'cookie')))
    const token = await issueToken(manager, (s) => s.set('who', 'token'))
    const s = manager.open({
      cookie,
      secure: false,
      header: (n) => (n === 'x-session-token' ? token : undefined),
    })
    expect(await s.get('who')).toBe('token')
    expect(s.loadedFromSessionToken).toBe(true)
  })

  it('a token of no live session beside a valid cookie: the cookie’s session, not as a token session', async () => {
    const manager = setUp()
    const cookie = cookieFrom(await withToken(manager, undefined, (s) => s.set('who', 'cookie')))
    const token = await issueToken(manager, (s) => s.set('who', 'token'))
    const revoke = manager.open({ cookie: undefined, secure: false, header: () => token })
    await revoke.flush()
    await manager.commit(revoke)
    const s = manager.open({
      cookie,
      secure: false,
      header: (n) => (n === 'x-session-token' ? token : undefined),
    })
    expect(await s.get('who')).toBe('cookie')
    expect(await s.authenticatedByToken()).toBe(false)
  })
})

describe('withSessionToken', () => {
  it('adds an escaped data-session-token to the root element', () => {
    expect(withSessionToken('<!doctype html><html lang="en"><body></body></html>', 'abc.def')).toBe(
      '<!doctype html><html lang="en" data-session-token="abc.def"><body></body></html>',
    )
    expect(withSessionToken('<HTML>', '"><script>')).toBe(
      '<HTML data-session-token="&quot;&gt;&lt;script&gt;">',
    )
    expect(() => withSessionToken('<body></body>', 'x')).toThrow(ArgumentError)
  })
})
