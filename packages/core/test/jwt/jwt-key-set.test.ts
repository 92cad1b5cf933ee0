import { generateKeyPairSync } from 'node:crypto'
import {
  ConfigError,
  createSessionJwtVerifier,
  generateJwtKey,
  type JwtAlgorithm,
  JwtKeySet,
  jwksResponse,
  login,
  MemoryStore,
  SessionManager,
} from '@tessera/core'
import { calculateJwkThumbprint, createLocalJWKSet, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { cookieFrom, request, SECRET } from '../support/harness.js'
import { keyPair } from '../support/jwt-keys.js'

const ISSUER = 'https://app.test'
// An EC P-384 key: a kind of PEM whose algorithm is not inferred (no ES384 here).
const p384Pem = generateKeyPairSync('ec', { namedCurve: 'P-384' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString()
const AUDIENCE = 'https://app.test'
const ASYMMETRIC: Exclude<JwtAlgorithm, 'HS256'>[] = ['EdDSA', 'ES256', 'RS256', 'PS256']
const PUBLIC_MEMBERS: Record<string, string[]> = {
  OKP: ['alg', 'crv', 'kid', 'kty', 'use', 'x'],
  EC: ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
  RSA: ['alg', 'e', 'kid', 'kty', 'n', 'use'],
}

function manager(keys: JwtKeySet, store = new MemoryStore()) {
  return new SessionManager({
    store,
    secret: SECRET,
    format: 'jwt',
    jwt: { keys, issuer: ISSUER, audience: AUDIENCE },
  })
}

/** Logs a user in on a fresh session and returns the JWT the cookie holds. */
async function issue(m: SessionManager): Promise<string> {
  const cookie = cookieFrom(
    await request(m, undefined, (s) => login(s, { id: 'u1', username: 'ada', passwordHash: 'x' })),
  )
  return cookie.slice('sessionid='.length)
}

async function configError(make: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await make()
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return (e as Error).message
  }
  throw new Error('expected a ConfigError')
}

describe('key formats', () => {
  for (const alg of ASYMMETRIC) {
    it(`${alg}: a private JWK, a PKCS#8 PEM (also with surrounding whitespace) and a JWK JSON string all sign tokens the JWKS verifies`, async () => {
      const pair = await keyPair(alg, `${alg}-kid`)
      const inputs = [
        { key: pair.privateJwk },
        { key: pair.privatePem, alg, kid: `${alg}-kid` },
        { key: `\n  ${pair.privatePem}\n`, alg, kid: `${alg}-kid` },
        { key: JSON.stringify(pair.privateJwk) },
      ]
      for (const input of inputs) {
        const keys = await JwtKeySet.create([input])
        expect(keys.canSign).toBe(true)
        expect(keys.currentAlg).toBe(alg)
        const jwks = keys.jwks()
        expect(jwks.keys).toHaveLength(1)
        const published = jwks.keys[0] as Record<string, string>
        // Only the public members, whatever the input held.
        expect(Object.keys(published).sort()).toEqual(PUBLIC_MEMBERS[published.kty as string])
        expect(published).toMatchObject({ kid: `${alg}-kid`, alg, use: 'sig' })
        const token = await issue(manager(keys))
        const { protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks as never), {
          issuer: ISSUER,
          audience: AUDIENCE,
        })
        expect(protectedHeader).toEqual({ alg, kid: `${alg}-kid`, typ: 'tessera-session+jwt' })
      }
    })
  }

  it("a PEM without alg takes the key's algorithm, as django-session-jwt reads a PEM key file: Ed25519 EdDSA, P-256 ES256, RSA RS256", async () => {
    for (const alg of ['EdDSA', 'ES256', 'RS256'] as const) {
      const pair = await keyPair(alg)
      const signing = await JwtKeySet.create([{ key: pair.privatePem }])
      expect(signing.currentAlg).toBe(alg)
      const verifying = await JwtKeySet.create([{ key: pair.publicPem }])
      expect(verifying.canSign).toBe(false)
      expect(verifying.jwks().keys[0]).toMatchObject({ alg })
      const token = await issue(manager(signing))
      await expect(
        jwtVerify(token, createLocalJWKSet(verifying.jwks() as never), {
          issuer: ISSUER,
          audience: AUDIENCE,
        }),
      ).resolves.toBeTruthy()
    }
    // An RSA key signs RS256 unless PS256 is asked for.
    const rsa = await keyPair('PS256')
    expect((await JwtKeySet.create([{ key: rsa.privatePem, alg: 'PS256' }])).currentAlg).toBe(
      'PS256',
    )
  })

  it('without a kid, the kid is the RFC 7638 thumbprint of the public key', async () => {
    const pair = await keyPair('ES256')
    const keys = await JwtKeySet.create([{ key: pair.privatePem, alg: 'ES256' }])
    const { kid: _kid, alg: _alg, use: _use, ...bare } = pair.publicJwk
    expect(keys.currentKid).toBe(await calculateJwkThumbprint(bare as never))
    expect(keys.jwks().keys[0]?.kid).toBe(keys.currentKid)
  })

  it('HS256: a secret string or an oct JWK signs and verifies; the JWKS publishes an empty set', async () => {
    const secret = 'a-shared-secret-of-at-least-32-bytes!!'
    const fromString = await JwtKeySet.create([{ key: secret, alg: 'HS256', kid: 'hs' }])
    const fromJwk = await JwtKeySet.create([
      { key: { kty: 'oct', k: Buffer.from(secret).toString('base64url'), kid: 'hs' } },
    ])
    for (const keys of [fromString, fromJwk]) {
      expect(keys.currentAlg).toBe('HS256')
      expect(keys.jwks()).toEqual({ keys: [] })
      const m = manager(keys)
      expect(m.jwks()).toEqual({ keys: [] })
      const token = await issue(m)
      const { protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), {
        issuer: ISSUER,
        audience: AUDIENCE,
      })
      expect(protectedHeader.alg).toBe('HS256')
    }
    // The same secret under the same kid: both sets verify each other's tokens.
    const token = await issue(manager(fromString))
    const verify = createSessionJwtVerifier({ keys: fromJwk, issuer: ISSUER, audience: AUDIENCE })
    expect(await verify(token)).toMatchObject({ sub: 'u1', iss: ISSUER })
  })

  it('the key-set file format: private JWKs with kid, alg and use, the first signing', async () => {
    const a = await keyPair('EdDSA', 'new')
    const b = await keyPair('ES256', 'old')
    const keys = await JwtKeySet.fromJson({
      keys: [a.privateJwk, { ...b.privateJwk, retiredAt: 1_700_000_000 }],
    })
    expect(keys.currentKid).toBe('new')
    expect(keys.jwks(1_700_000_000_000).keys.map((k) => k.kid)).toEqual(['new', 'old'])
    for (const k of keys.jwks(1_700_000_000_000).keys) expect(k).not.toHaveProperty('d')
  })
})

describe('generateJwtKey', () => {
  it('makes a private JWK in the key-set file format for every algorithm, kid = thumbprint', async () => {
    for (const alg of [...ASYMMETRIC, 'HS256'] as const) {
      const jwk = await generateJwtKey(alg)
      expect(jwk).toMatchObject({ alg, use: 'sig' })
      expect(jwk).not.toHaveProperty('key_ops')
      expect(jwk).not.toHaveProperty('ext')
      const { kid, alg: _a, use: _u, ...bare } = jwk
      const publicPart =
        jwk.kty === 'oct'
          ? bare
          : Object.fromEntries(
              Object.entries(bare).filter(([k]) => !['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(k)),
            )
      expect(kid).toBe(await calculateJwkThumbprint(publicPart as never))
      const keys = await JwtKeySet.fromJson({ keys: [jwk] })
      expect(keys.canSign).toBe(true)
      expect(keys.currentKid).toBe(kid)
      if (alg === 'HS256') expect(Buffer.from(jwk.k as string, 'base64url')).toHaveLength(32)
      await issue(manager(keys))
    }
    expect((await generateJwtKey('EdDSA', { kid: 'mine' })).kid).toBe('mine')
  })
})

describe("verify-only key sets (django-session-jwt's hybrid)", () => {
  it('a set of public keys verifies the signing service’s tokens but cannot run sessions', async () => {
    const pair = await keyPair('EdDSA', 'k1')
    const signing = await JwtKeySet.fromJson({ keys: [pair.privateJwk] })
    const fromFile = await JwtKeySet.fromJson({ keys: [pair.publicJwk] })
    const fromPem = await JwtKeySet.create([{ key: ` ${pair.publicPem}`, alg: 'EdDSA', kid: 'k1' }])
    const token = await issue(manager(signing))
    for (const keys of [fromFile, fromPem]) {
      expect(keys.canSign).toBe(false)
      expect(keys.jwks()).toEqual(signing.jwks())
      const verify = createSessionJwtVerifier({ keys, issuer: ISSUER, audience: AUDIENCE })
      const claims = await verify(token)
      expect(claims).toMatchObject({ sub: 'u1', iss: ISSUER, aud: AUDIENCE })
      // The session credential stays out of what a federated service gets.
      expect(claims).not.toHaveProperty('sid')
      expect(await configError(() => manager(keys))).toBe(
        'jwt.keys cannot sign: its first key is public (a verify-only key set works with createSessionJwtVerifier(), not with a SessionManager)',
      )
    }
  })
})

describe('rotation with a grace period', () => {
  const retiredAt = 1_800_000_000
  /** "next" signs; "old" was retired at `retiredAt`, with 600 s of grace. */
  async function retiredOldKey(): Promise<JwtKeySet> {
    const next = await keyPair('EdDSA', 'next')
    const old = await keyPair('EdDSA', 'old')
    return JwtKeySet.fromJson(
      { keys: [next.privateJwk, { ...old.publicJwk, retiredAt }] },
      { grace: 600 },
    )
  }

  it('a retired key is published and verifies until retiredAt + grace, then neither', async () => {
    const keys = await retiredOldKey()
    expect(keys.jwks((retiredAt + 599) * 1000).keys.map((k) => k.kid)).toEqual(['next', 'old'])
    expect(keys.jwks((retiredAt + 600) * 1000).keys.map((k) => k.kid)).toEqual(['next'])
  })

  it('the JWKS answer is cacheable no longer than the next retired key has left of its grace', async () => {
    const keys = await retiredOldKey()
    const at = (s: number) =>
      new SessionManager({
        store: new MemoryStore(),
        secret: SECRET,
        clock: () => (retiredAt + s) * 1000,
        format: 'jwt',
        jwt: { keys, issuer: ISSUER, audience: AUDIENCE },
      })
    // A shared cache used to keep serving "old" for max-age=300 after its grace had ended,
    // and every verifier reading through it trusted "old" that long.
    expect(jwksResponse(at(590)).headers.get('cache-control')).toBe('public, max-age=10')
    expect(jwksResponse(at(599.5)).headers.get('cache-control')).toBe('public, max-age=0')
    expect(jwksResponse(at(0)).headers.get('cache-control')).toBe('public, max-age=300')
    expect(jwksResponse(at(590), { maxAge: 5 }).headers.get('cache-control')).toBe(
      'public, max-age=5',
    )
    // Past the grace period the key is gone and the set keeps its full max-age.
    const after = jwksResponse(at(600))
    expect(after.headers.get('cache-control')).toBe('public, max-age=300')
    expect(((await after.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual([
      'next',
    ])
  })

  it('a retiredAt in milliseconds (Date.now() for seconds) is refused at startup, not trusted for millennia', async () => {
    const next = await keyPair('EdDSA', 'next')
    const old = await keyPair('EdDSA', 'old')
    // Read as seconds, 1.8e12 is the year 59000: the retired key would verify (and be
    // published) for as long as anyone runs the app.
    const retiredAtMs = 1_800_000_000_000
    const message =
      'keys[1].retiredAt must be seconds since the epoch, not milliseconds (at most 253402300799)'
    expect(
      await configError(() =>
        JwtKeySet.fromJson({
          keys: [next.privateJwk, { ...old.privateJwk, retiredAt: retiredAtMs }],
        }),
      ),
    ).toBe(message)
    expect(
      await configError(() =>
        JwtKeySet.create([
          { key: next.privateJwk },
          { key: old.publicJwk, retiredAt: retiredAtMs },
        ]),
      ),
    ).toBe(message)
    // The last second of year 9999 is still seconds.
    const keys = await JwtKeySet.create([
      { key: next.privateJwk },
      { key: old.publicJwk, retiredAt: 253_402_300_799 },
    ])
    expect(keys.jwks(1_800_000_000_000).keys.map((k) => k.kid)).toEqual(['next', 'old'])
  })
})

describe('configuration errors', () => {
  it('names the key and the rule, never the key material', async () => {
    const ed = await keyPair('EdDSA', 'ed')
    const ec = await keyPair('ES256', 'ec')
    const other = await keyPair('EdDSA', 'other')
    const weak = await crypto.subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    )
    const weakJwk = await crypto.subtle.exportKey('jwk', weak.privateKey)
    const cases: [() => Promise<unknown>, string][] = [
      [() => JwtKeySet.create([]), 'keys must be a non-empty array, the current signing key first'],
      [
        () => JwtKeySet.fromJson({ keys: [] }),
        'A JWT key set must be a JSON object { "keys": [JWK, ...] } with at least one key',
      ],
      [
        () => JwtKeySet.fromJson([ed.privateJwk]),
        'A JWT key set must be a JSON object { "keys": [JWK, ...] } with at least one key',
      ],
      [
        () => JwtKeySet.fromJson({ keys: [{ ...ed.privateJwk, kid: undefined }] }),
        'keys[0] needs a "kid"',
      ],
      [
        () => JwtKeySet.fromJson({ keys: [{ ...ed.privateJwk, alg: undefined }] }),
        'keys[0] needs an "alg"',
      ],
      [
        () => JwtKeySet.fromJson({ keys: [{ ...ed.privateJwk, use: undefined }] }),
        'keys[0] needs "use": "sig"',
      ],
      [
        () => JwtKeySet.fromJson({ keys: [{ ...ed.privateJwk, retiredAt: 1 }] }),
        'keys[0] is the current signing key and cannot carry retiredAt',
      ],
      [
        () => JwtKeySet.fromJson({ keys: [ed.privateJwk, { ...other.publicJwk, kid: 'ed' }] }),
        'keys[1].kid is already used by another key',
      ],
      [
        () => JwtKeySet.create([{ key: p384Pem }]),
        'keys[0].alg is required for this PEM key (only Ed25519, EC P-256 and RSA keys are recognised): one of EdDSA, ES256, RS256, PS256',
      ],
      [
        () => JwtKeySet.create([{ key: 'a-shared-secret-of-at-least-32-bytes!!' }]),
        "keys[0].key is neither a PEM nor a JWK; a shared secret needs alg: 'HS256'",
      ],
      [
        () => JwtKeySet.create([{ key: 'short', alg: 'HS256' }]),
        'keys[0]: an HS256 secret needs at least 32 bytes',
      ],
      [
        () => JwtKeySet.create([{ key: ed.privateJwk, alg: 'none' as never }]),
        'keys[0].alg must be one of EdDSA, ES256, RS256, PS256, HS256',
      ],
      [
        () => JwtKeySet.create([{ key: { ...ed.privateJwk, alg: 'ES256' } }]),
        'keys[0]: ES256 needs a EC P-256 key',
      ],
      [
        () => JwtKeySet.create([{ key: ec.privateJwk, alg: 'EdDSA' }]),
        'keys[0].alg ("EdDSA") differs from the JWK\'s alg ("ES256")',
      ],
      [
        () => JwtKeySet.create([{ key: { ...ed.privateJwk, use: 'enc' } }]),
        'keys[0].key has use "enc": session JWT keys need use "sig"',
      ],
      [
        () =>
          JwtKeySet.create([
            { key: ed.privatePem.replaceAll('PRIVATE KEY', 'RSA PRIVATE KEY'), alg: 'RS256' },
          ]),
        'keys[0].key is a PEM of an unsupported kind: use PKCS#8 "PRIVATE KEY" or SPKI "PUBLIC KEY" (openssl pkcs8 -topk8 -nocrypt converts the others)',
      ],
      [
        () => JwtKeySet.create([{ key: ed.publicPem, alg: 'ES256' }]),
        'keys[0].key is not a valid public ES256 key in PEM form',
      ],
      [
        () => JwtKeySet.create([{ key: { ...weakJwk, alg: 'RS256' } }]),
        'keys[0]: RSA keys need at least 2048 bits',
      ],
      // Web Crypto itself refuses a private Ed25519 JWK whose x is another key's.
      [
        () => JwtKeySet.create([{ key: { ...ed.privateJwk, x: other.publicJwk.x } }]),
        'keys[0].key is not a valid EdDSA JWK',
      ],
      [
        () => JwtKeySet.create([{ key: '{not json', alg: 'EdDSA' }]),
        'keys[0].key starts with "{" but is not valid JSON',
      ],
      [
        () => JwtKeySet.create([{ key: ed.privateJwk, kid: 'bad kid' }]),
        'keys[0].kid must be 1 to 256 printable ASCII characters',
      ],
      [
        () => JwtKeySet.create([{ key: ed.privateJwk }], { grace: -1 }),
        'grace must be a whole number of seconds ≥ 0, got -1',
      ],
    ]
    for (const [make, message] of cases) {
      const got = await configError(make)
      expect(got).toBe(message)
      expect(got).not.toContain(ed.privateJwk.d as string)
    }
  })
})
