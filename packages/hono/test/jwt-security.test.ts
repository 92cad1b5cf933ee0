// Every JWT item of SECURITY.md, sent as a request through the Hono adapter: a forged or
// broken token must give an anonymous session (200, cookie cleared), never a 5xx, and
// must leave the real session untouched.
import {
  JwtKeySet,
  type JwtSessionOptions,
  login,
  logout,
  MemoryStore,
  SessionManager,
} from '@tessera/core'
import { type SessionEnv, session } from '@tessera/hono'
import { ManualClock } from '@tessera/testing'
import fc from 'fast-check'
import { Hono } from 'hono'
import { beforeAll, describe, expect, it } from 'vitest'
import { webCryptoHmac } from '../../../test-support/web-crypto-hmac.js'

const SECRET = 'hono-jwt-security-secret-0123456789abcdef'
const ISSUER = 'https://app.test'
const AUDIENCE = 'https://app.test'
const TYP = 'tessera-session+jwt'
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0)
const NOW = T0 / 1000
const ada = { id: 'u1', username: 'ada', passwordHash: 'x', email: 'ada@example.com' }
const encoder = new TextEncoder()

const b64 = (bytes: Uint8Array | string) =>
  Buffer.from(typeof bytes === 'string' ? encoder.encode(bytes) : bytes).toString('base64url')
const part = (value: unknown) => b64(JSON.stringify(value))

type Signer = (input: string) => Promise<Uint8Array>

/** A compact JWS with any header and payload (JSON values, or raw segment text). */
async function forge(header: unknown, payload: unknown, sign: Signer | null): Promise<string> {
  const input = `${typeof header === 'string' ? header : part(header)}.${typeof payload === 'string' ? payload : part(payload)}`
  return `${input}.${sign ? b64(await sign(input)) : ''}`
}

async function edPair(kid: string) {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const privateJwk = {
    ...(await crypto.subtle.exportKey('jwk', pair.privateKey)),
    kid,
    alg: 'EdDSA',
    use: 'sig',
  }
  const { d: _d, key_ops: _ops, ext: _ext, ...publicJwk } = privateJwk
  const sign: Signer = async (input) =>
    new Uint8Array(await crypto.subtle.sign('Ed25519', pair.privateKey, encoder.encode(input)))
  const spki = Buffer.from(await crypto.subtle.exportKey('spki', pair.publicKey)).toString('base64')
  const pem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)?.join('\n')}\n-----END PUBLIC KEY-----\n`
  return { privateJwk, publicJwk, sign, pem }
}

async function rsaPair(kid: string) {
  const params = {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  }
  const pair = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair
  const privateJwk = {
    ...(await crypto.subtle.exportKey('jwk', pair.privateKey)),
    kid,
    alg: 'RS256',
    use: 'sig',
  }
  const publicJwk = { kty: 'RSA', n: privateJwk.n, e: privateJwk.e, kid, alg: 'RS256', use: 'sig' }
  const spki = Buffer.from(await crypto.subtle.exportKey('spki', pair.publicKey)).toString('base64')
  const pem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)?.join('\n')}\n-----END PUBLIC KEY-----\n`
  return { privateJwk, publicJwk, pem }
}

/** HS256 with `secret` as the HMAC key: the algorithm-confusion attacker's signer. */
function hmacSigner(secret: string): Signer {
  return (input) => webCryptoHmac(secret, input)
}

function makeApp(
  keys: JwtKeySet,
  clock: ManualClock,
  store = new MemoryStore({ clock: clock.now }),
  jwt: Partial<JwtSessionOptions> = {},
) {
  const manager = new SessionManager({
    store,
    secret: SECRET,
    clock: clock.now,
    format: 'jwt',
    jwt: { keys, issuer: ISSUER, audience: AUDIENCE, fields: ['email'], ...jwt },
  })
  const app = new Hono<SessionEnv>()
  app.use(session(manager, { jwks: true }))
  app.get('/me', async (c) => c.json({ user: await c.var.session.getUserId() }))
  // Test-only login without credentials or CSRF: the attacks are on the cookie, not here.
  app.post('/login', async (c) => {
    await login(c.var.session, ada)
    return c.json({ ok: true })
  })
  app.post('/logout', async (c) => {
    await logout(c.var.session)
    return c.json({ ok: true })
  })
  return { app, store, manager }
}

const tokenOf = (res: Response) => {
  const header = res.headers.getSetCookie().find((c) => c.startsWith('sessionid='))
  if (!header) throw new Error('no session cookie')
  return (header.split(';')[0] as string).slice('sessionid='.length)
}

const payloadOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as Record<
    string,
    unknown
  >

describe('JWT session cookies under attack (SECURITY.md)', () => {
  let app: Hono<SessionEnv>
  let store: MemoryStore
  let clock: ManualClock
  let me: Awaited<ReturnType<typeof edPair>>
  let attacker: Awaited<ReturnType<typeof edPair>>
  let legit: string
  let claims: Record<string, unknown>

  beforeAll(async () => {
    me = await edPair('app-1')
    attacker = await edPair('evil')
    clock = new ManualClock(T0)
    ;({ app, store } = makeApp(await JwtKeySet.fromJson({ keys: [me.privateJwk] }), clock))
    legit = tokenOf(await app.request('/login', { method: 'POST' }))
    claims = payloadOf(legit)
  })

  const header = (extra: Record<string, unknown> = {}) => ({
    alg: 'EdDSA',
    kid: 'app-1',
    typ: TYP,
    ...extra,
  })
  const body = (extra: Record<string, unknown> = {}) => ({ ...claims, ...extra })

  /** Sends `token` as the session cookie and requires an anonymous answer that clears it. */
  async function refused(token: string): Promise<void> {
    const res = await app.request('/me', { headers: { cookie: `sessionid=${token}` } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ user: null })
    const cleared = res.headers.getSetCookie().find((c) => c.startsWith('sessionid='))
    expect(cleared).toMatch(/^sessionid=; Max-Age=0;/)
    // The real session behind the sid is untouched.
    const real = await app.request('/me', { headers: { cookie: `sessionid=${legit}` } })
    expect(await real.json()).toEqual({ user: 'u1' })
  }

  it('control: the legit token and one re-signed by the app key with the same claims are accepted', async () => {
    const res = await app.request('/me', { headers: { cookie: `sessionid=${legit}` } })
    expect(await res.json()).toEqual({ user: 'u1' })
    const resigned = await forge(header(), body(), me.sign)
    const again = await app.request('/me', { headers: { cookie: `sessionid=${resigned}` } })
    expect(await again.json()).toEqual({ user: 'u1' })
  })

  it.each(['none', 'None', 'NONE', 'nOnE'])(
    'alg: %s is refused, with or without a signature',
    async (alg) => {
      await refused(await forge(header({ alg }), body(), null))
      await refused(await forge(header({ alg }), body(), me.sign))
      await refused(await forge({ alg, typ: TYP }, body(), null))
    },
  )

  it('an alg other than the kid’s own (eddsa, ES256, HS256 with the kid) is refused', async () => {
    await refused(await forge(header({ alg: 'eddsa' }), body(), me.sign))
    await refused(await forge(header({ alg: 'ES256' }), body(), me.sign))
    await refused(await forge(header({ alg: 'HS256' }), body(), hmacSigner(me.pem)))
  })

  describe('HS256 signed with the public key as the HMAC secret (algorithm confusion)', () => {
    for (const kind of ['EdDSA', 'RS256'] as const) {
      it(`${kind} app: PEM, PEM with leading whitespace, and the JWK JSON as the secret`, async () => {
        const pair = kind === 'EdDSA' ? me : await rsaPair('app-1')
        const target =
          kind === 'EdDSA'
            ? { app, legit }
            : await (async () => {
                const own = makeApp(await JwtKeySet.fromJson({ keys: [pair.privateJwk] }), clock)
                return {
                  app: own.app,
                  legit: tokenOf(await own.app.request('/login', { method: 'POST' })),
                }
              })()
        const c = payloadOf(target.legit)
        const secrets = [
          pair.pem,
          `\n  ${pair.pem}`,
          pair.pem.trim(),
          JSON.stringify(pair.publicJwk),
        ]
        for (const secret of secrets) {
          for (const h of [
            { alg: 'HS256', kid: 'app-1', typ: TYP },
            { alg: 'HS256', typ: TYP },
          ]) {
            const token = await forge(h, c, hmacSigner(secret))
            const res = await target.app.request('/me', {
              headers: { cookie: `sessionid=${token}` },
            })
            expect(res.status).toBe(200)
            expect(await res.json()).toEqual({ user: null })
          }
        }
      })
    }
  })

  describe('claims (signed with the app key, carrying a live sid)', () => {
    it('expired past the app’s window, with acceptExpired 0 and no tolerance: refused at exp', async () => {
      const strictClock = new ManualClock(T0)
      const strict = makeApp(
        await JwtKeySet.fromJson({ keys: [me.privateJwk] }),
        strictClock,
        undefined,
        {
          acceptExpired: 0,
          clockTolerance: 0,
        },
      )
      const token = tokenOf(await strict.app.request('/login', { method: 'POST' }))
      strictClock.advance(299_000)
      expect(
        await (
          await strict.app.request('/me', { headers: { cookie: `sessionid=${token}` } })
        ).json(),
      ).toEqual({ user: 'u1' })
      strictClock.advance(1_000)
      const res = await strict.app.request('/me', { headers: { cookie: `sessionid=${token}` } })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ user: null })
    })

    it('expired long ago (beyond the default window) is refused', async () => {
      await refused(
        await forge(header(), body({ iat: NOW - 30 * 86_400, exp: NOW - 20 * 86_400 }), me.sign),
      )
    })

    it('a future nbf or iat is refused', async () => {
      await refused(await forge(header(), body({ nbf: NOW + 3600 }), me.sign))
      await refused(await forge(header(), body({ iat: NOW + 3600, exp: NOW + 7200 }), me.sign))
    })

    it('a missing exp or iat is refused', async () => {
      const { exp: _e, ...noExp } = claims
      const { iat: _i, ...noIat } = claims
      await refused(await forge(header(), noExp, me.sign))
      await refused(await forge(header(), noIat, me.sign))
    })

    it('non-numeric exp, iat and nbf are refused', async () => {
      await refused(await forge(header(), body({ exp: '9999999999' }), me.sign))
      await refused(await forge(header(), body({ exp: null }), me.sign))
      await refused(await forge(header(), body({ iat: String(NOW) }), me.sign))
      await refused(await forge(header(), body({ nbf: '0' }), me.sign))
      await refused(await forge(header(), body({ exp: [NOW + 60] }), me.sign))
    })

    it('a wrong iss, aud or typ is refused', async () => {
      await refused(await forge(header(), body({ iss: 'https://evil.test' }), me.sign))
      const { iss: _iss, ...noIss } = claims
      await refused(await forge(header(), noIss, me.sign))
      await refused(await forge(header(), body({ aud: 'https://other.test' }), me.sign))
      await refused(await forge(header(), body({ aud: ['https://other.test'] }), me.sign))
      await refused(await forge(header({ typ: 'JWT' }), body(), me.sign))
      await refused(await forge(header({ typ: 'at+jwt' }), body(), me.sign))
      const { typ: _typ, ...noTyp } = header()
      await refused(await forge(noTyp, body(), me.sign))
    })

    it('a sid that is not a string, or names no live credential, is refused', async () => {
      await refused(await forge(header(), body({ sid: 42 }), me.sign))
      const sid = claims.sid as string
      await refused(
        await forge(header(), body({ sid: `${sid.slice(0, 23)}${'A'.repeat(43)}` }), me.sign),
      )
    })
  })

  describe('kid', () => {
    it('unknown, missing, non-string (number, object) and path-like kids are refused', async () => {
      for (const kid of [
        'nope',
        1,
        {},
        ['app-1'],
        null,
        '../../dev/null',
        '/dev/null',
        'app-1\u0000',
      ]) {
        await refused(await forge(header({ kid }), body(), me.sign))
      }
      const { kid: _kid, ...noKid } = header()
      await refused(await forge(noKid, body(), me.sign))
    })
  })

  describe('keys from configuration only', () => {
    it('embedded jwk, jku, x5u and x5c headers are ignored: the attacker’s key never verifies', async () => {
      const cases = [
        { jwk: attacker.publicJwk },
        { jwk: attacker.publicJwk, kid: 'evil' },
        { jwk: { ...attacker.publicJwk, kid: 'app-1' } },
        { jku: 'https://evil.test/jwks.json' },
        { jku: 'https://evil.test/jwks.json', kid: 'evil' },
        { x5u: 'https://evil.test/cert.pem' },
        { x5c: ['MIIBszCCAVmgAwIBAgIUQ'] },
      ]
      for (const extra of cases) await refused(await forge(header(extra), body(), attacker.sign))
      // The same headers on a token the app key signed change nothing: they are not read.
      const ok = await forge(
        header({ jku: 'https://evil.test/jwks.json', x5u: 'https://evil.test/c' }),
        body(),
        me.sign,
      )
      expect(
        await (await app.request('/me', { headers: { cookie: `sessionid=${ok}` } })).json(),
      ).toEqual({ user: 'u1' })
    })

    it('crit and b64:false are refused even when correctly signed', async () => {
      await refused(await forge(header({ crit: ['exp'] }), body(), me.sign))
      await refused(await forge(header({ crit: ['b64'], b64: false }), body(), me.sign))
      await refused(await forge(header({ b64: false }), body(), me.sign))
      await refused(await forge(header({ crit: [] }), body(), me.sign))
    })

    // A forgiving base64url decoder (jose's, atob's) reads padding, whitespace and unused
    // trailing bits, so one signed token could be sent under endless spellings, each a
    // new entry of the verified-token cache. Only the canonical spelling verifies.
    it('one token, one spelling: padding, whitespace and non-zero unused bits are refused', async () => {
      const [head, payload, signature] = legit.split('.') as [string, string, string]
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      // 64 signature bytes take 86 characters: the last one carries 4 unused bits.
      const last = alphabet.indexOf(signature.at(-1) as string)
      const unusedBits = `${signature.slice(0, -1)}${alphabet[last ^ 1]}`
      for (const spelling of [
        `${signature}==`,
        `${signature.slice(0, 20)}\t${signature.slice(20)}`,
        `${signature.slice(0, 20)} ${signature.slice(20)}`,
        `${signature.slice(0, 20)}+${signature.slice(21)}`,
        unusedBits,
      ]) {
        await refused(`${head}.${payload}.${spelling}`)
      }
      await refused(`${head}=.${payload}.${signature}`)
      await refused(`${head}.${payload}=.${signature}`)
    })
  })

  describe('signature and payload integrity', () => {
    it('a truncated, stripped, swapped or bit-flipped signature is refused', async () => {
      const [h, p, s] = legit.split('.') as [string, string, string]
      await refused(`${h}.${p}.${s.slice(0, -10)}`)
      await refused(`${h}.${p}.`)
      await refused(`${h}.${p}`)
      await refused(`${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`)
      const other = await forge(header(), body({ email: 'x' }), me.sign)
      await refused(`${h}.${p}.${other.split('.')[2]}`)
      await refused(`${legit}.${s}`)
    })

    it('an edited payload (another user, longer exp) under the original signature is refused', async () => {
      const [h, , s] = legit.split('.') as [string, string, string]
      await refused(`${h}.${part(body({ sub: 'admin' }))}.${s}`)
      await refused(`${h}.${part(body({ exp: NOW + 86_400 * 365 }))}.${s}`)
    })

    it('a payload that is not a JSON object (array, string, number, null, not JSON) is refused', async () => {
      for (const payload of [[claims], 'a string', 42, null, true]) {
        await refused(await forge(header(), payload, me.sign))
      }
      await refused(await forge(header(), b64('{"sid": '), me.sign))
      await refused(await forge(header(), b64(new Uint8Array([0xff, 0xfe, 0x7b, 0x7d])), me.sign))
    })

    it('a header that is not a JSON object is refused', async () => {
      await refused(await forge(b64('[]'), body(), me.sign))
      await refused(await forge(b64('"EdDSA"'), body(), me.sign))
      await refused(await forge('!!!', body(), me.sign))
    })
  })

  it('a revoked session behind a valid JWT is refused at once: logout, and deletion in the store', async () => {
    const first = tokenOf(await app.request('/login', { method: 'POST' }))
    // Verified once, so it sits in the verified-token cache.
    expect(
      await (await app.request('/me', { headers: { cookie: `sessionid=${first}` } })).json(),
    ).toEqual({ user: 'u1' })
    await app.request('/logout', { method: 'POST', headers: { cookie: `sessionid=${first}` } })
    const replay = await app.request('/me', { headers: { cookie: `sessionid=${first}` } })
    expect(await replay.json()).toEqual({ user: null })

    const second = tokenOf(await app.request('/login', { method: 'POST' }))
    expect(
      await (await app.request('/me', { headers: { cookie: `sessionid=${second}` } })).json(),
    ).toEqual({ user: 'u1' })
    // An operator revokes it directly in the store (no request from the user).
    await store.delete((payloadOf(second).sid as string).split('.')[0] as string)
    const revoked = await app.request('/me', { headers: { cookie: `sessionid=${second}` } })
    expect(await revoked.json()).toEqual({ user: null })
  })
})

describe('key rotation with a grace period (ManualClock)', () => {
  it('a token of the rotated-out key is accepted (and re-signed) within grace, refused after', async () => {
    const old = await edPair('old')
    const next = await edPair('next')
    const clock = new ManualClock(T0)
    const store = new MemoryStore({ clock: clock.now })
    const before = makeApp(await JwtKeySet.fromJson({ keys: [old.privateJwk] }), clock, store)
    const token = tokenOf(await before.app.request('/login', { method: 'POST' }))
    const rotated = await JwtKeySet.fromJson(
      { keys: [next.privateJwk, { ...old.publicJwk, retiredAt: NOW }] },
      { grace: 600 },
    )
    const after = makeApp(rotated, clock, store)
    const jwksBody = await (await after.app.request('/.well-known/jwks.json')).json()
    expect((jwksBody as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual([
      'next',
      'old',
    ])

    clock.advance(599_000)
    const within = await after.app.request('/me', { headers: { cookie: `sessionid=${token}` } })
    expect(await within.json()).toEqual({ user: 'u1' })
    const resigned = tokenOf(within)
    expect(
      JSON.parse(Buffer.from(resigned.split('.')[0] as string, 'base64url').toString()).kid,
    ).toBe('next')

    clock.advance(1_000)
    const past = await after.app.request('/me', { headers: { cookie: `sessionid=${token}` } })
    expect(past.status).toBe(200)
    expect(await past.json()).toEqual({ user: null })
    const jwksLater = (await (await after.app.request('/.well-known/jwks.json')).json()) as {
      keys: { kid: string }[]
    }
    expect(jwksLater.keys.map((k) => k.kid)).toEqual(['next'])
    // The token re-signed with the new key carries on.
    expect(
      await (
        await after.app.request('/me', { headers: { cookie: `sessionid=${resigned}` } })
      ).json(),
    ).toEqual({ user: 'u1' })
  })
})

describe('random and mutated JWTs (fast-check)', () => {
  it('thousands of random or mutated JWT cookies never give a 5xx or throw', async () => {
    const me = await edPair('app-1')
    const clock = new ManualClock(T0)
    const { app } = makeApp(await JwtKeySet.fromJson({ keys: [me.privateJwk] }), clock)
    const legit = tokenOf(await app.request('/login', { method: 'POST' }))
    const segment = fc.string({
      unit: fc.constantFrom(...'ABCDEFabcdef0123456789-_=+/.'),
      maxLength: 60,
    })
    const json = fc.jsonValue({ maxDepth: 2 })
    const headerValue = fc.record(
      {
        alg: fc.oneof(fc.constantFrom('EdDSA', 'none', 'HS256', 'RS256', 'ES256', 'NONE'), json),
        kid: fc.oneof(fc.constantFrom('app-1', '../../dev/null', ''), json),
        typ: fc.oneof(fc.constant(TYP), json),
        crit: json,
        b64: fc.boolean(),
        jwk: json,
      },
      { requiredKeys: [] },
    )
    const mutated = fc
      .tuple(
        fc.nat({ max: legit.length - 1 }),
        fc.constantFrom(...'A_-.x=Z9'),
        fc.constantFrom('replace', 'insert', 'delete', 'truncate'),
      )
      .map(([i, ch, op]) =>
        op === 'replace'
          ? legit.slice(0, i) + ch + legit.slice(i + 1)
          : op === 'insert'
            ? legit.slice(0, i) + ch + legit.slice(i)
            : op === 'delete'
              ? legit.slice(0, i) + legit.slice(i + 1)
              : legit.slice(0, i),
      )
    const [, p, s] = legit.split('.') as [string, string, string]
    const token = fc.oneof(
      fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.')),
      mutated,
      fc.tuple(headerValue, json).map(([h, b]) => `${part(h)}.${part(b)}.${s}`),
      headerValue.map((h) => `${part(h)}.${p}.${s}`),
      json.map((b) => `${legit.split('.')[0]}.${part(b)}.${s}`),
      fc.string({ maxLength: 200 }).map((t) => t.replace(/[;\r\n\0]/g, '')),
    )
    await fc.assert(
      fc.asyncProperty(token, async (t) => {
        const res = await app.request('/me', { headers: { cookie: `sessionid=${t}` } })
        expect(res.status).toBe(200)
        const answer = (await res.json()) as { user: string | null }
        // Only the untouched token may log in; a mutation that decodes to the same bytes
        // (base64url's unused low bits) is the same token.
        if (answer.user !== null) expect(t === legit || t.length === legit.length).toBe(true)
      }),
      { numRuns: 3000 },
    )
  })
})
