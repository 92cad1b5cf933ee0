import {
  ConfigError,
  introspectionEndpoint,
  type JwtKeySet,
  login,
  logout,
  MemoryStore,
  SessionManager,
  type SessionStore,
  serviceCredentialChecker,
} from '@tessera/core'
import { ManualClock } from '@tessera/testing'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { cookieFrom, request, SECRET, T0 } from '../support/harness.js'
import { edKeySet } from '../support/jwt-keys.js'
import { spyStore } from '../support/spy-store.js'

const CREDENTIAL = 'introspection-credential-0123456789abcdef'
const NEXT_CREDENTIAL = 'introspection-credential-rotated-0123456789'
const ada = { id: 'u1', username: 'ada', passwordHash: 'x' }

let keys: JwtKeySet
beforeAll(async () => {
  keys = (await edKeySet()).keys
})

// The store runs on the test's clock as the manager does: on the machine's clock, the
// sessions made at T0 would expire for the store once T0 + idleTimeout had passed.
function setup(
  makeStore: (clock: ManualClock) => SessionStore = (clock) =>
    new MemoryStore({ clock: clock.now }),
) {
  const clock = new ManualClock(T0)
  const store = makeStore(clock)
  const spied = spyStore(store)
  const manager = new SessionManager({
    store: spied,
    secret: SECRET,
    clock: clock.now,
    format: 'jwt',
    jwt: {
      keys,
      issuer: 'https://app.test',
      audience: 'federated',
      fields: ['username'],
      ttl: 300,
    },
  })
  const introspect = introspectionEndpoint({ manager, credentials: [CREDENTIAL, NEXT_CREDENTIAL] })
  return { clock, store: spied, manager, introspect }
}

const ask = (
  introspect: (r: Request) => Promise<Response>,
  body: string,
  headers: Record<string, string> = {},
) =>
  introspect(
    new Request('http://app.test/introspect/', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${CREDENTIAL}`,
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      body,
    }),
  )

const decoded = (jwt: string) =>
  jwt
    .split('.')
    .map((part) => Buffer.from(part, 'base64url').toString('hex'))
    .join('.')

const form = (token: string) => new URLSearchParams({ token }).toString()

async function loggedInToken(manager: SessionManager): Promise<string> {
  const cookie = cookieFrom(await request(manager, undefined, (s) => login(s, ada)))
  return cookie.slice('sessionid='.length)
}

describe('introspectionEndpoint (RFC 7662 style)', () => {
  it('answers active with the claims (never sid) while the session is alive, uncacheable', async () => {
    const { manager, introspect } = setup()
    const token = await loggedInToken(manager)
    const res = await ask(introspect, form(token))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({
      active: true,
      sub: 'u1',
      username: 'ada',
      iss: 'https://app.test',
      aud: 'federated',
      iat: T0 / 1000,
      exp: T0 / 1000 + 300,
    })
  })

  it('answers inactive for a copied token right after logout, and once it expired while the session lives', async () => {
    const { manager, introspect, clock } = setup()
    const token = await loggedInToken(manager)
    const other = await loggedInToken(manager)
    await request(manager, `sessionid=${token}`, (s) => logout(s))
    expect(await (await ask(introspect, form(token))).json()).toEqual({ active: false })
    // The app itself would still accept (and re-issue) `other` past exp; introspection never does.
    clock.advance(299_000)
    expect((await (await ask(introspect, form(other))).json()).active).toBe(true)
    // Past exp plus the manager's clockTolerance (30 s by default), the session still alive.
    clock.advance(31_000)
    expect(await (await ask(introspect, form(other))).json()).toEqual({ active: false })
  })

  it('refuses callers without a valid service credential before reading the body, in constant time', async () => {
    const { manager, introspect, store } = setup()
    const token = await loggedInToken(manager)
    const before = store.calls.length
    for (const authorization of [
      undefined,
      '',
      'Bearer',
      `Bearer ${CREDENTIAL}x`,
      `Bearer ${CREDENTIAL.slice(0, -1)}`,
      `Basic ${btoa(`svc:${CREDENTIAL}`)}`,
      `Bearer ${token}`,
    ]) {
      const headers: Record<string, string> = {
        'content-type': 'application/x-www-form-urlencoded',
      }
      const init: Record<string, string> = authorization === undefined ? {} : { authorization }
      const res = await introspect(
        new Request('http://app.test/introspect/', {
          method: 'POST',
          headers: { ...headers, ...init },
          body: form(token),
        }),
      )
      expect(res.status, String(authorization)).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="introspection"')
      expect(await res.json()).toEqual({ error: 'invalid_client' })
    }
    expect(store.calls.length, 'no store call for an unauthenticated caller').toBe(before)
    // The second configured credential works too (rotation).
    const rotated = await ask(introspect, form(token), {
      authorization: `bearer  ${NEXT_CREDENTIAL}`,
    })
    expect((await rotated.json()).active).toBe(true)
  })

  it('answers malformed requests with 400, 405 or 413, never 5xx', async () => {
    const { manager, introspect } = setup()
    const token = await loggedInToken(manager)
    expect(
      (await ask(introspect, JSON.stringify({ token }), { 'content-type': 'application/json' }))
        .status,
    ).toBe(400)
    expect((await ask(introspect, '')).status).toBe(400)
    expect((await ask(introspect, `${form(token)}&${form(token)}`)).status).toBe(400)
    expect((await ask(introspect, `token=${'A'.repeat(20_000)}`)).status).toBe(413)
    const get = await introspect(new Request('http://app.test/introspect/', { method: 'GET' }))
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    // token_type_hint (RFC 7662 §2.1) is allowed and does not change the answer.
    const hinted = await ask(introspect, `${form(token)}&token_type_hint=access_token`)
    expect((await hinted.json()).active).toBe(true)
  })

  it('answers inactive to any other token: random, mutated, or valid-looking without a session', async () => {
    const { manager, introspect } = setup()
    const token = await loggedInToken(manager)
    const mutated = fc
      .tuple(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'AZaz09-_.'))
      .map(([i, ch]) => token.slice(0, i) + ch + token.slice(i + 1))
      // Base64url's last character of a segment may carry unused bits: a change there
      // decodes to the same bytes, i.e. the same, still valid token.
      .filter((t) => decoded(t) !== decoded(token))
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }).filter((s) => s !== ''),
          mutated,
        ),
        async (t) => {
          const res = await ask(introspect, form(t))
          expect(res.status).toBe(200)
          expect(await res.json()).toEqual({ active: false })
        },
      ),
      { numRuns: 500 },
    )
  })

  it('is 503 JSON when the store fails', async () => {
    let broken = new MemoryStore()
    const { manager, introspect } = setup((clock) => {
      broken = new MemoryStore({ clock: clock.now })
      return broken
    })
    const token = await loggedInToken(manager)
    broken.get = () => Promise.reject(new Error('connection refused'))
    const res = await ask(introspect, form(token))
    expect(res.status).toBe(503)
    expect((await res.json()).code).toBe('STORE_UNAVAILABLE')
  })

  it('refuses short or malformed service credentials at setup', () => {
    const { manager } = setup()
    expect(() => introspectionEndpoint({ manager, credentials: [] })).toThrow(ConfigError)
    expect(() => introspectionEndpoint({ manager, credentials: ['short'] })).toThrow(/at least 32/)
    expect(() => serviceCredentialChecker([`${CREDENTIAL} with spaces`])).toThrow(ConfigError)
  })
})
