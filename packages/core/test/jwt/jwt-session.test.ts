import { createHash } from 'node:crypto'
import {
  ConfigError,
  CookieError,
  createSessionJwtVerifier,
  introspectSessionJwt,
  JWT_SESSION_KEY,
  type JwtKeySet,
  type JwtSessionOptions,
  login,
  logout,
  MemoryStore,
  type SessionEvent,
  SessionManager,
  type SessionManagerOptions,
  setJwtClaims,
} from '@tessera/core'
import { ManualClock } from '@tessera/testing'
import { CompactSign, createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { attributes, cookieFrom, request, SECRET, T0 } from '../support/harness.js'
import { edKeySet } from '../support/jwt-keys.js'
import { spyStore } from '../support/spy-store.js'

const ISSUER = 'https://app.test'
const AUDIENCE = 'https://app.test'
const ada = {
  id: 'u1',
  username: 'ada',
  passwordHash: 'x',
  email: 'ada@example.com',
  secretNote: 'never',
}

let keys: JwtKeySet
let privateKey: CryptoKey
beforeAll(async () => {
  const set = await edKeySet()
  keys = set.keys
  privateKey = set.pair.privateKey
})

function jwtHarness(
  jwt: Partial<JwtSessionOptions> = {},
  options: Partial<SessionManagerOptions> = {},
) {
  const clock = new ManualClock(T0)
  const store = spyStore(new MemoryStore({ clock: clock.now }))
  const manager = new SessionManager({
    store,
    secret: SECRET,
    clock: clock.now,
    format: 'jwt',
    jwt: { keys, issuer: ISSUER, audience: AUDIENCE, fields: ['username', 'email'], ...jwt },
    ...options,
  })
  return { clock, store, manager }
}

const tokenOf = (cookie: string) => cookie.slice('sessionid='.length)

async function loggedIn(m: SessionManager) {
  return cookieFrom(await request(m, undefined, (s) => login(s, ada)))
}

describe('the session cookie is a JWT', () => {
  it('carries sid, sub, the configured fields, iss, aud, iat, exp (ttl 300 s), typ and kid; verifies with the JWKS', async () => {
    const { manager, store } = jwtHarness()
    const cookie = await loggedIn(manager)
    const token = tokenOf(cookie)
    expect(decodeProtectedHeader(token)).toEqual({
      alg: 'EdDSA',
      kid: 'ed-1',
      typ: 'tessera-session+jwt',
    })
    const { payload } = await jwtVerify(token, createLocalJWKSet(manager.jwks() as never), {
      issuer: ISSUER,
      audience: AUDIENCE,
      typ: 'tessera-session+jwt',
      currentDate: new Date(T0),
    })
    expect(payload).toEqual({
      iss: ISSUER,
      aud: AUDIENCE,
      iat: T0 / 1000,
      exp: T0 / 1000 + 300,
      sid: expect.stringMatching(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/),
      sub: 'u1',
      username: 'ada',
      email: 'ada@example.com',
    })
    // The JWT does not weaken the credential: the store holds only the secret's hash.
    const [id, secret] = (payload.sid as string).split('.') as [string, string]
    const record = await store.get(id)
    expect(record?.credentials.cookie).toBe(createHash('sha256').update(secret).digest('base64url'))
    expect(JSON.stringify(record)).not.toContain(secret)
  })

  it("is jose's compact JWS of its header and claims, byte for byte (Ed25519 signs deterministically)", async () => {
    const token = tokenOf(await loggedIn(jwtHarness().manager))
    const [head, body] = token.split('.') as [string, string]
    const json = (segment: string) => Buffer.from(segment, 'base64url').toString('utf8')
    const byJose = await new CompactSign(new TextEncoder().encode(json(body)))
      .setProtectedHeader(JSON.parse(json(head)))
      .sign(privateKey)
    expect(token).toBe(byJose)
  })

  it('the app reads its own token: the session is alive and nothing is re-sent while the token is fresh', async () => {
    const { manager, store } = jwtHarness()
    const cookie = await loggedIn(manager)
    store.calls.length = 0
    const result = await request(manager, cookie, async (s) => {
      expect(await s.getUserId()).toBe('u1')
      // The claims are a field of the record, not session data.
      expect(await s.has(JWT_SESSION_KEY)).toBe(false)
    })
    expect(result.setCookie).toEqual([])
    expect(store.calls).toEqual(['get'])
    const record = await store.get(
      (decodeJwt(tokenOf(cookie)).sid as string).split('.')[0] as string,
    )
    expect(record?.jwtClaims).toEqual({ username: 'ada', email: 'ada@example.com' })
  })

  it('the cookie lives as long as the session, not as long as the token', async () => {
    const { manager } = jwtHarness()
    const result = await request(manager, undefined, (s) => login(s, ada))
    expect(attributes(result.setCookie[0] as string).get('max-age')).toBe('1209600')
  })

  it('a bare opaque credential is not accepted as a JWT-format cookie', async () => {
    const { manager } = jwtHarness()
    const cookie = await loggedIn(manager)
    const sid = decodeJwt(tokenOf(cookie)).sid as string
    await request(manager, `sessionid=${sid}`, async (s) => {
      expect(await s.getUserId()).toBeNull()
    })
  })
})

describe('re-issue', () => {
  it('past half its life the token is re-issued, after one store read and with no store write', async () => {
    const { manager, store, clock } = jwtHarness({}, { renewalInterval: 600 })
    const cookie = await loggedIn(manager)
    clock.advance(149_000)
    expect((await request(manager, cookie, (s) => s.getUserId().then(() => {}))).setCookie).toEqual(
      [],
    )
    clock.advance(2_000)
    store.calls.length = 0
    const result = await request(manager, cookie, async (s) => {
      expect(await s.getUserId()).toBe('u1')
    })
    // The load, then the check that the session still holds the credential.
    expect(store.calls).toEqual(['get', 'get'])
    const fresh = decodeJwt(tokenOf(cookieFrom(result)))
    expect(fresh.iat).toBe(T0 / 1000 + 151)
    expect(fresh.sid).toBe(decodeJwt(tokenOf(cookie)).sid)
  })

  it('on sliding renewal the token is re-issued with the renewed session', async () => {
    const { manager, store, clock } = jwtHarness({ ttl: 3600 })
    const cookie = await loggedIn(manager)
    clock.advance(301_000)
    store.calls.length = 0
    const result = await request(manager, cookie, (s) => s.getUserId().then(() => {}))
    expect(store.calls).toEqual(['get', 'touch', 'get'])
    expect(decodeJwt(tokenOf(cookieFrom(result))).iat).toBe(T0 / 1000 + 301)
  })

  it('an expired token within acceptExpired is accepted while the session lives, and replaced', async () => {
    const { manager, clock } = jwtHarness({ acceptExpired: 3600 }, { renewalInterval: 0 })
    const cookie = await loggedIn(manager)
    clock.advance((300 + 3599) * 1000)
    const result = await request(manager, cookie, async (s) => {
      expect(await s.getUserId()).toBe('u1')
    })
    const fresh = decodeJwt(tokenOf(cookieFrom(result)))
    expect(fresh.exp).toBe(T0 / 1000 + 300 + 3599 + 300)
  })

  it('an expired token past acceptExpired (plus the clock tolerance) is refused', async () => {
    const { manager, clock } = jwtHarness(
      { acceptExpired: 3600, clockTolerance: 0 },
      { renewalInterval: 0 },
    )
    const cookie = await loggedIn(manager)
    clock.advance((300 + 3600) * 1000)
    const result = await request(manager, cookie, async (s) => {
      expect(await s.getUserId()).toBeNull()
    })
    // The browser is told to drop the dead cookie.
    expect(attributes(result.setCookie[0] as string).get('max-age')).toBe('0')
  })

  it('a token verified and cached while fresh is refused once past acceptExpired', async () => {
    const { manager, clock } = jwtHarness(
      { acceptExpired: 3600, clockTolerance: 0 },
      { renewalInterval: 0 },
    )
    const cookie = await loggedIn(manager)
    // The first read verifies the token and caches it; later reads find it there.
    await request(manager, cookie, async (s) => {
      expect(await s.getUserId()).toBe('u1')
    })
    clock.advance((300 + 3600) * 1000)
    const result = await request(manager, cookie, async (s) => {
      expect(await s.getUserId()).toBeNull()
    })
    expect(attributes(result.setCookie[0] as string).get('max-age')).toBe('0')
  })

  it('when the fields change (setJwtClaims) the next response carries them', async () => {
    const { manager } = jwtHarness()
    const cookie = await loggedIn(manager)
    const result = await request(manager, cookie, (s) =>
      setJwtClaims(s, { ...ada, email: 'new@example.com' }),
    )
    const claims = decodeJwt(tokenOf(cookieFrom(result)))
    expect(claims.email).toBe('new@example.com')
    expect(claims).not.toHaveProperty('secretNote')
    expect(claims.sid).toBe(decodeJwt(tokenOf(cookie)).sid)
  })

  it('setJwtClaims with unchanged fields writes nothing', async () => {
    const { manager, store } = jwtHarness()
    const cookie = await loggedIn(manager)
    store.calls.length = 0
    const result = await request(manager, cookie, (s) => setJwtClaims(s, ada))
    expect(result.setCookie).toEqual([])
    expect(store.calls).toEqual(['get'])
  })

  it('cycleKey issues a JWT with a new sid; the old JWT, still unexpired, is dead', async () => {
    const { manager } = jwtHarness()
    const cookie = await loggedIn(manager)
    const cycled = cookieFrom(await request(manager, cookie, (s) => s.cycleKey()))
    expect(decodeJwt(tokenOf(cycled)).sid).not.toBe(decodeJwt(tokenOf(cookie)).sid)
    await request(manager, cookie, async (s) => expect(await s.getUserId()).toBeNull())
    await request(manager, cycled, async (s) => expect(await s.getUserId()).toBe('u1'))
  })

  it('logout kills a JWT that is still valid, even one already verified and cached', async () => {
    const { manager } = jwtHarness()
    const cookie = await loggedIn(manager)
    await request(manager, cookie, async (s) => expect(await s.getUserId()).toBe('u1'))
    const out = await request(manager, cookie, (s) => logout(s))
    expect(attributes(out.setCookie[0] as string).get('max-age')).toBe('0')
    await request(manager, cookie, async (s) => expect(await s.getUserId()).toBeNull())
  })
})

describe('events', () => {
  it('a JWT that does not verify emits invalidCredential (malformed) without the token', async () => {
    const { manager } = jwtHarness()
    const events: SessionEvent[] = []
    manager.on('invalidCredential', (e) => events.push(e))
    const token = tokenOf(await loggedIn(manager))
    const forged = `${token.slice(0, -4)}AAAA`
    await request(manager, `sessionid=${forged}`, async (s) =>
      expect(await s.getUserId()).toBeNull(),
    )
    await manager.settled()
    expect(events).toEqual([{ type: 'invalidCredential', at: T0, reason: 'malformed' }])
    expect(JSON.stringify(events)).not.toContain(token.split('.')[1])
  })
})

describe('cookie size', () => {
  it('a token whose cookie would pass 4096 bytes is refused where the fields are set, naming them', async () => {
    const { manager } = jwtHarness({ fields: ['username', 'bio'] })
    const bio = 'x'.repeat(4000)
    let error: unknown
    await request(manager, undefined, async (s) => {
      try {
        await login(s, { ...ada, bio } as never)
      } catch (e) {
        error = e
      }
    }).catch(() => undefined)
    expect(error).toBeInstanceOf(CookieError)
    expect((error as CookieError).code).toBe('COOKIE_TOO_LARGE')
    const message = (error as Error).message
    expect(message).toContain('bio 4002 B')
    expect(message).toContain('username 5 B')
    expect(message).not.toContain('xxxx')
  })
})

describe('configuration', () => {
  it('format and jwt options are validated with exact messages', async () => {
    const base = { store: new MemoryStore(), secret: SECRET }
    const jwt = { keys, issuer: ISSUER, audience: AUDIENCE }
    const cases: [Record<string, unknown>, string][] = [
      [{ format: 'jws' }, "format must be 'opaque' or 'jwt'"],
      [{ jwt }, "jwt options need format: 'jwt'"],
      [{ format: 'jwt' }, "format 'jwt' needs the jwt options"],
      [
        { format: 'jwt', jwt: { ...jwt, keys: {} } },
        'jwt.keys must be a JwtKeySet (await JwtKeySet.fromJson(...) or JwtKeySet.create(...))',
      ],
      [{ format: 'jwt', jwt: { ...jwt, issuer: '' } }, 'jwt.issuer must be a non-empty string'],
      [
        { format: 'jwt', jwt: { ...jwt, audience: [] } },
        'jwt.audience must be a non-empty string or a non-empty array of them',
      ],
      [
        { format: 'jwt', jwt: { ...jwt, fields: 'email' } },
        'jwt.fields must be an array of non-empty property names',
      ],
      [
        { format: 'jwt', jwt: { ...jwt, fields: ['exp'] } },
        'jwt.fields must not name the registered claim "exp"',
      ],
      [
        { format: 'jwt', jwt: { ...jwt, fields: ['sid'] } },
        'jwt.fields must not name the registered claim "sid"',
      ],
      [{ format: 'jwt', jwt: { ...jwt, fields: ['a', 'a'] } }, 'jwt.fields must not repeat a name'],
      [
        { format: 'jwt', jwt: { ...jwt, fields: ['__proto__'] } },
        'jwt.fields must not name "__proto__"',
      ],
      [
        { format: 'jwt', jwt: { ...jwt, ttl: 0 } },
        'jwt.ttl must be a positive whole number, got 0',
      ],
      [
        { format: 'jwt', jwt: { ...jwt, typ: 'a b' } },
        "jwt.typ must be a media type such as 'tessera-session+jwt'",
      ],
      [
        { format: 'jwt', jwt: { ...jwt, acceptExpired: -1 } },
        'jwt.acceptExpired must be a whole number ≥ 0, got -1',
      ],
      [
        { format: 'jwt', jwt: { ...jwt, clockTolerance: 1.5 } },
        'jwt.clockTolerance must be a whole number ≥ 0, got 1.5',
      ],
      [
        { format: 'jwt', jwt: { ...jwt, cacheSize: -1 } },
        'jwt.cacheSize must be a whole number ≥ 0, got -1',
      ],
    ]
    for (const [options, message] of cases) {
      expect(() => new SessionManager({ ...base, ...options } as never)).toThrow(ConfigError)
      expect(() => new SessionManager({ ...base, ...options } as never)).toThrow(message)
    }
  })

  it('the opaque format stays the default: the cookie is the bare credential and the JWKS is empty', async () => {
    const store = new MemoryStore()
    const manager = new SessionManager({ store, secret: SECRET })
    const cookie = cookieFrom(await request(manager, undefined, (s) => login(s, ada)))
    expect(tokenOf(cookie)).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/)
    expect(manager.jwks()).toEqual({ keys: [] })
    // login's setJwtClaims does nothing in the opaque format.
    const record = await store.get(tokenOf(cookie).split('.')[0] as string)
    expect(record?.userId).toBe('u1')
    expect(record).not.toHaveProperty('jwtClaims')
  })
})

describe('introspection (RFC 7662 style)', () => {
  it('a live token is active with its claims, without sid', async () => {
    const { manager } = jwtHarness()
    const token = tokenOf(await loggedIn(manager))
    expect(await introspectSessionJwt(manager, token)).toEqual({
      active: true,
      iss: ISSUER,
      aud: AUDIENCE,
      iat: T0 / 1000,
      exp: T0 / 1000 + 300,
      sub: 'u1',
      username: 'ada',
      email: 'ada@example.com',
    })
  })

  it('a copied token is inactive right after logout, though it has not expired', async () => {
    const { manager } = jwtHarness()
    const cookie = await loggedIn(manager)
    await request(manager, cookie, (s) => logout(s))
    expect(await introspectSessionJwt(manager, tokenOf(cookie))).toEqual({ active: false })
  })

  it('an expired token is inactive even while the session lives (no acceptExpired window)', async () => {
    const { manager, clock } = jwtHarness({ clockTolerance: 0 })
    const cookie = await loggedIn(manager)
    clock.advance(300_000)
    expect(await introspectSessionJwt(manager, tokenOf(cookie))).toEqual({ active: false })
    await request(manager, cookie, async (s) => expect(await s.getUserId()).toBe('u1'))
  })

  it('garbage, a cookie header smuggled in the token, and the opaque format are inactive, and nothing is written', async () => {
    const { manager, store } = jwtHarness()
    const token = tokenOf(await loggedIn(manager))
    store.calls.length = 0
    for (const bad of ['', 'a.b.c', `x; sessionid=${token}`, `${token}; a=b`, null, undefined]) {
      expect(await introspectSessionJwt(manager, bad)).toEqual({ active: false })
    }
    expect(store.calls).toEqual([])
    expect(await introspectSessionJwt(manager, token)).toMatchObject({ active: true })
    expect(store.calls).toEqual(['get'])
    const opaque = new SessionManager({ store: new MemoryStore(), secret: SECRET })
    expect(await introspectSessionJwt(opaque, token)).toEqual({ active: false })
  })
})

describe('federated verification (createSessionJwtVerifier)', () => {
  it('trusts a token until its exp, even after logout (the documented trade-off), never after', async () => {
    const { manager, clock } = jwtHarness()
    const verify = createSessionJwtVerifier({
      keys,
      issuer: ISSUER,
      audience: AUDIENCE,
      clockTolerance: 0,
      clock: clock.now,
    })
    const cookie = await loggedIn(manager)
    await request(manager, cookie, (s) => logout(s))
    clock.advance(299_000)
    expect(await verify(tokenOf(cookie))).toMatchObject({ sub: 'u1', email: 'ada@example.com' })
    clock.advance(1_000)
    expect(await verify(tokenOf(cookie))).toBeNull()
    // Introspection, which asks the store, already says no.
    clock.set(T0)
    expect(await introspectSessionJwt(manager, tokenOf(cookie))).toEqual({ active: false })
  })

  it('never trusts a token past the end of its session: exp stops at its idle or absolute expiry', async () => {
    // ttl 300 s: the token used to carry exp = iat + 300 whatever the session's timeouts,
    // so a store-less verifier trusted it for minutes after the session had timed out.
    const verifier = (clock: ManualClock) =>
      createSessionJwtVerifier({
        keys,
        issuer: ISSUER,
        audience: AUDIENCE,
        clockTolerance: 0,
        clock: clock.now,
      })
    const absolute = jwtHarness({ clockTolerance: 0 }, { idleTimeout: 120, absoluteTimeout: 120 })
    const verify = verifier(absolute.clock)
    const cookie = await loggedIn(absolute.manager)
    expect(decodeJwt(tokenOf(cookie)).exp).toBe(T0 / 1000 + 120)
    // Renewed and re-issued past half its life: still no later than the session's end.
    absolute.clock.advance(61_000)
    const renewed = cookieFrom(
      await request(absolute.manager, cookie, async (s) => expect(await s.getUserId()).toBe('u1')),
    )
    expect(decodeJwt(tokenOf(renewed)).exp).toBe(T0 / 1000 + 120)
    absolute.clock.advance(58_000)
    expect(await verify(tokenOf(renewed))).toMatchObject({ sub: 'u1' })
    absolute.clock.advance(1_000)
    await request(absolute.manager, renewed, async (s) => expect(await s.getUserId()).toBeNull())
    expect(await verify(tokenOf(cookie))).toBeNull()
    expect(await verify(tokenOf(renewed))).toBeNull()

    const idle = jwtHarness({ clockTolerance: 0 }, { idleTimeout: 60, absoluteTimeout: 3600 })
    const idleCookie = await loggedIn(idle.manager)
    expect(decodeJwt(tokenOf(idleCookie)).exp).toBe(T0 / 1000 + 60)
    idle.clock.advance(60_000)
    await request(idle.manager, idleCookie, async (s) => expect(await s.getUserId()).toBeNull())
    expect(await verifier(idle.clock)(tokenOf(idleCookie))).toBeNull()
  })

  it('refuses another issuer, audience or typ, and garbage, without throwing', async () => {
    const { manager, clock } = jwtHarness()
    const token = tokenOf(await loggedIn(manager))
    const base = { keys, issuer: ISSUER, audience: AUDIENCE, clock: clock.now }
    expect(
      await createSessionJwtVerifier({ ...base, issuer: 'https://other.test' })(token),
    ).toBeNull()
    expect(
      await createSessionJwtVerifier({ ...base, audience: 'https://other.test' })(token),
    ).toBeNull()
    expect(await createSessionJwtVerifier({ ...base, typ: 'other+jwt' })(token)).toBeNull()
    const verify = createSessionJwtVerifier(base)
    for (const bad of ['', 'x', `${token}x`, null, undefined]) expect(await verify(bad)).toBeNull()
    expect(() => createSessionJwtVerifier({ ...base, issuer: '' })).toThrow(
      'jwt.issuer must be a non-empty string',
    )
  })
})
