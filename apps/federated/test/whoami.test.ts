import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { hostileCookieHeader } from '@tessera/testing'
import fc from 'fast-check'
import { Hono } from 'hono'
import { base64url, exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFederatedApp } from '../src/app.js'
import { ASYMMETRIC_ALGORITHMS, loadFederatedConfig } from '../src/config.js'
import { createIntrospectionClient } from '../src/introspection-client.js'
import { createTokenVerifier } from '../src/token-verifier.js'
import { listen, serveJwks, signSession, type TestKey, testKey } from './keys.js'

let ed: TestKey
let es: TestKey
let jwks: Awaited<ReturnType<typeof serveJwks>>
let now = new Date()

const options = () => ({
  keys: jwks.url,
  issuer: 'tessera-demo',
  audience: 'tessera-federated',
  typ: 'tessera-session+jwt',
  algorithms: [...ASYMMETRIC_ALGORITHMS],
  now: () => now,
})
const appWith = (extra: Partial<Parameters<typeof createFederatedApp>[0]> = {}) =>
  createFederatedApp({ verify: createTokenVerifier(options()), cookieName: 'sessionid', ...extra })

const whoami = (app: Hono, headers: Record<string, string | undefined>) =>
  app.request('/whoami', { headers: headers as Record<string, string> })

beforeAll(async () => {
  ed = await testKey('EdDSA', 'ed-1')
  es = await testKey('ES256', 'es-1')
  jwks = await serveJwks([ed.publicJwk, es.publicJwk])
})
afterAll(() => jwks.close())

describe('GET /whoami with the JWKS only', () => {
  it('answers the claims of an EdDSA or ES256 token from the cookie or a Bearer header', async () => {
    now = new Date()
    const app = appWith()
    for (const key of [ed, es]) {
      const token = await signSession(key, { sub: '7', username: 'admin', sid: 'abc' })
      for (const headers of [
        { cookie: `csrftoken=x; sessionid=${token}` },
        { authorization: `Bearer ${token}` },
      ]) {
        const res = await whoami(app, headers)
        expect(res.status).toBe(200)
        expect(res.headers.get('cache-control')).toBe('no-store')
        const { claims } = (await res.json()) as { claims: Record<string, unknown> }
        expect(claims.sid, 'the session credential is never echoed').toBeUndefined()
        expect(claims).toMatchObject({
          sub: '7',
          username: 'admin',
          iss: 'tessera-demo',
          aud: 'tessera-federated',
        })
      }
    }
  })

  it('is 401 JSON with WWW-Authenticate without a token or with a malformed Authorization header', async () => {
    const app = appWith()
    for (const headers of [
      {},
      { cookie: 'csrftoken=x' },
      { authorization: 'Basic YTpi' },
      { authorization: 'Bearer' },
    ]) {
      const res = await whoami(app, headers)
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
      expect(await res.json()).toHaveProperty('detail')
    }
  })

  it('trusts a token until its exp and never after, whatever the clock tolerance elsewhere', async () => {
    const iat = Math.floor(Date.now() / 1000)
    const token = await signSession(ed, { sub: '7' }, { iat, exp: iat + 300 })
    const app = appWith()
    now = new Date((iat + 299) * 1000)
    expect((await whoami(app, { authorization: `Bearer ${token}` })).status).toBe(200)
    now = new Date((iat + 300) * 1000)
    const res = await whoami(app, { authorization: `Bearer ${token}` })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ detail: 'The token has expired.' })
    now = new Date()
  })

  it('refuses a future iat, non-numeric exp/iat/nbf, wrong iss, aud or typ, a missing exp, a future nbf, an edited payload and a stripped signature', async () => {
    now = new Date()
    const app = appWith()
    const iat = Math.floor(Date.now() / 1000)
    const good = await signSession(ed, { sub: '7' })
    const [h, p] = good.split('.') as [string, string, string]
    const edited = base64url.encode(
      JSON.stringify({ ...JSON.parse(new TextDecoder().decode(base64url.decode(p))), sub: '1' }),
    )
    const noExp = await new SignJWT({ sub: '7' })
      .setProtectedHeader({ alg: 'EdDSA', kid: ed.kid, typ: 'tessera-session+jwt' })
      .setIssuer('tessera-demo')
      .setAudience('tessera-federated')
      .setIssuedAt(iat)
      .sign(ed.privateKey)
    const futureNbf = await new SignJWT({ sub: '7' })
      .setProtectedHeader({ alg: 'EdDSA', kid: ed.kid, typ: 'tessera-session+jwt' })
      .setIssuer('tessera-demo')
      .setAudience('tessera-federated')
      .setIssuedAt(iat)
      .setNotBefore(iat + 60)
      .setExpirationTime(iat + 300)
      .sign(ed.privateKey)
    const nonNumeric = await Promise.all(
      [{ exp: String(iat + 300) }, { iat: String(iat) }, { nbf: 'now' }].map((claims) =>
        new SignJWT({
          sub: '7',
          iss: 'tessera-demo',
          aud: 'tessera-federated',
          iat,
          exp: iat + 300,
          ...claims,
        } as unknown as JWTPayload)
          .setProtectedHeader({ alg: 'EdDSA', kid: ed.kid, typ: 'tessera-session+jwt' })
          .sign(ed.privateKey),
      ),
    )
    const bad = [
      ...nonNumeric,
      await signSession(ed, { sub: '7' }, { iat: iat + 60, exp: iat + 360 }),
      await signSession(ed, { sub: '7' }, { iss: 'someone-else' }),
      await signSession(ed, { sub: '7' }, { aud: 'another-service' }),
      await signSession(ed, { sub: '7' }, { typ: 'JWT' }),
      noExp,
      futureNbf,
      `${h}.${edited}.${good.split('.')[2]}`,
      `${h}.${p}.`,
      `${h}.${p}`,
      good.slice(0, -3),
    ]
    for (const token of bad) {
      const res = await whoami(app, { authorization: `Bearer ${token}` })
      expect(res.status, token).toBe(401)
    }
  })

  it('refuses alg none in any casing, HS256 signed with the public key, and keys the token brings itself', async () => {
    const app = appWith()
    const iat = Math.floor(Date.now() / 1000)
    const payload = { sub: '1', iss: 'tessera-demo', aud: 'tessera-federated', iat, exp: iat + 300 }
    const enc = (o: object) => base64url.encode(JSON.stringify(o))
    const tokens: string[] = ['none', 'None', 'NONE', 'nOnE'].map(
      (alg) => `${enc({ alg, kid: ed.kid, typ: 'tessera-session+jwt' })}.${enc(payload)}.`,
    )
    // Key confusion: the public key (as PEM and as JWK JSON) used as an HMAC secret.
    const pem = await exportSPKI(ed.publicKey)
    for (const secret of [pem, ` \n${pem}`, JSON.stringify(ed.publicJwk)]) {
      tokens.push(
        await new SignJWT(payload)
          .setProtectedHeader({ alg: 'HS256', kid: ed.kid, typ: 'tessera-session+jwt' })
          .sign(new TextEncoder().encode(secret)),
      )
    }
    // An attacker's own key, embedded as jwk / pointed to by jku / x5u, under a known or unknown kid.
    const attacker = await generateKeyPair('EdDSA', { extractable: true })
    const attackerJwk = await exportJWK(attacker.publicKey)
    for (const header of [
      { jwk: attackerJwk, kid: ed.kid },
      { jwk: attackerJwk },
      { jku: 'http://127.0.0.1:9/jwks.json', kid: 'attacker' },
      { x5u: 'http://127.0.0.1:9/cert.pem', kid: ed.kid },
      { kid: '../../etc/passwd' },
    ]) {
      tokens.push(
        await new SignJWT(payload)
          .setProtectedHeader({ alg: 'EdDSA', typ: 'tessera-session+jwt', ...header })
          .sign(attacker.privateKey),
      )
    }
    for (const token of tokens) {
      const res = await whoami(app, { authorization: `Bearer ${token}` })
      expect(res.status, token).toBe(401)
    }
  })

  it('refuses a valid token of an anonymous session (no sub): it names nobody, so it authenticates nobody', async () => {
    now = new Date()
    const app = appWith()
    for (const claims of [{}, { sub: 7 }, { sub: '' }, { username: 'admin' }]) {
      const token = await signSession(ed, claims as JWTPayload)
      for (const headers of [
        { cookie: `sessionid=${token}` },
        { authorization: `Bearer ${token}` },
      ]) {
        const res = await whoami(app, headers)
        expect(res.status).toBe(401)
        expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
        expect(await res.json()).toEqual({ detail: 'The session is not logged in.' })
      }
    }
    const res = await whoami(appWith(), {
      authorization: `Bearer ${await signSession(ed, { sub: '7' })}`,
    })
    expect(res.status).toBe(200)
  })

  it('refuses a token without kid (or with an empty one) even when the JWKS holds a single key', async () => {
    now = new Date()
    const single = await serveJwks([ed.publicJwk])
    try {
      const app = createFederatedApp({
        cookieName: 'sessionid',
        verify: createTokenVerifier({ ...options(), keys: single.url }),
      })
      const iat = Math.floor(Date.now() / 1000)
      for (const header of [{}, { kid: '' }]) {
        const token = await new SignJWT({ sub: '7' })
          .setProtectedHeader({ alg: 'EdDSA', typ: 'tessera-session+jwt', ...header })
          .setIssuer('tessera-demo')
          .setAudience('tessera-federated')
          .setIssuedAt(iat)
          .setExpirationTime(iat + 300)
          .sign(ed.privateKey)
        expect((await whoami(app, { authorization: `Bearer ${token}` })).status).toBe(401)
      }
      const named = await signSession(ed, { sub: '7' })
      expect((await whoami(app, { authorization: `Bearer ${named}` })).status).toBe(200)
    } finally {
      await single.close()
    }
  })

  it('is 503, not 401, while the JWKS cannot be fetched', async () => {
    const down = createFederatedApp({
      cookieName: 'sessionid',
      verify: createTokenVerifier({
        ...options(),
        keys: new URL('http://127.0.0.1:9/.well-known/jwks.json'),
      }),
    })
    const token = await signSession(ed, { sub: '7' })
    const res = await whoami(down, { authorization: `Bearer ${token}` })
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ detail: 'The signing keys cannot be fetched.' })
  })

  it('never answers 5xx to hostile cookies or Authorization headers', async () => {
    now = new Date()
    const app = appWith()
    const live = `sessionid=${await signSession(ed, { sub: '7' })}`
    await fc.assert(
      fc.asyncProperty(
        hostileCookieHeader(live),
        fc.option(fc.string({ maxLength: 200 })),
        async (cookie, auth) => {
          const headers: Record<string, string> = { cookie }
          if (auth !== null && /^[\x20-\x7e]*$/.test(auth)) headers.authorization = `Bearer ${auth}`
          expect((await whoami(app, headers)).status).toBeLessThan(500)
        },
      ),
      { numRuns: 1000 },
    )
  })
})

describe('GET /whoami in introspection mode', () => {
  it('asks the endpoint with the form-encoded token and the service credential, and follows its verdict', async () => {
    now = new Date()
    const seen: { auth?: string; type?: string; token?: string }[] = []
    let answer: unknown = { active: true }
    let status = 200
    const endpoint = new Hono()
    endpoint.post('/introspect', async (c) => {
      const form = await c.req.parseBody()
      seen.push({
        auth: c.req.header('authorization'),
        type: c.req.header('content-type'),
        token: String(form.token),
      })
      return c.json(answer as object, status as 200)
    })
    const { server, url } = await listen(endpoint)
    try {
      const app = appWith({
        introspect: createIntrospectionClient({
          url: new URL(`${url}/introspect`),
          secret: 's3rvice',
        }),
      })
      const token = await signSession(ed, { sub: '7' })
      const ask = () => whoami(app, { cookie: `sessionid=${token}` })
      expect((await ask()).status).toBe(200)
      expect(seen[0]).toEqual({
        auth: 'Bearer s3rvice',
        type: 'application/x-www-form-urlencoded',
        token,
      })
      answer = { active: false }
      expect(await (await ask()).json()).toEqual({ detail: 'The session has ended.' })
      // Anything but a clear answer fails closed.
      for (const [s, a] of [
        [200, { active: 'yes' }],
        [401, { active: true }],
        [500, {}],
      ] as const) {
        status = s
        answer = a
        expect((await ask()).status).toBe(503)
      }
      // A token that does not verify is refused before the endpoint is asked.
      const before = seen.length
      expect((await whoami(app, { authorization: 'Bearer a.b.c' })).status).toBe(401)
      expect(seen.length).toBe(before)
    } finally {
      await new Promise<void>((r) => server.close(() => r()))
    }
  })
})

describe('the federated service', () => {
  it('depends on Hono, @hono/node-server and jose only, and imports nothing from Tessera', () => {
    const dir = join(import.meta.dirname, '..')
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@hono/node-server', 'hono', 'jose'])
    for (const file of readdirSync(join(dir, 'src'))) {
      const source = readFileSync(join(dir, 'src', file), 'utf8')
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1] as string)
      for (const name of imports)
        expect(name, file).toMatch(/^(\.\/|jose$|hono(\/|$)|@hono\/node-server$)/)
    }
  })

  it('refuses settings that cannot work, naming them', () => {
    expect(() => loadFederatedConfig({ FEDERATED_PORT: '70000' })).toThrow(/FEDERATED_PORT/)
    expect(() => loadFederatedConfig({ JWKS_URL: 'file:///etc/jwks' })).toThrow(/JWKS_URL/)
    expect(() => loadFederatedConfig({ JWT_ALGORITHMS: 'HS256' })).toThrow(/JWT_ALGORITHMS/)
    expect(() => loadFederatedConfig({ JWT_ALGORITHMS: 'none' })).toThrow(/JWT_ALGORITHMS/)
    expect(() =>
      loadFederatedConfig({ INTROSPECTION_URL: 'http://127.0.0.1:3000/api/introspect/' }),
    ).toThrow(/INTROSPECTION_SECRET/)
    for (const bad of ['0', '-5', '1.5', 'soon']) {
      expect(() => loadFederatedConfig({ JWKS_MAX_AGE_MS: bad })).toThrow(
        `JWKS_MAX_AGE_MS must be a whole number of milliseconds of at least 1, got "${bad}"`,
      )
    }
    expect(loadFederatedConfig({ JWKS_MAX_AGE_MS: '5000' }).jwksMaxAge).toBe(5000)
    expect(loadFederatedConfig({})).toMatchObject({
      jwksMaxAge: 60_000,
      port: 3001,
      cookieName: 'sessionid',
      issuer: 'tessera-demo',
    })
  })

  it('refuses a JWKS_URL or INTROSPECTION_URL with user:password@ at startup, never echoing it', async () => {
    // fetch refuses such a URL: the service used to start, print the password in its
    // startup line, and answer every request 503 because the keys "cannot be fetched".
    const secret = 'hunter2-do-not-log'
    for (const [name, env] of [
      ['JWKS_URL', { JWKS_URL: `https://svc:${secret}@app.example/.well-known/jwks.json` }],
      ['JWKS_URL', { JWKS_URL: `https://${secret}@app.example/.well-known/jwks.json` }],
      [
        'INTROSPECTION_URL',
        {
          INTROSPECTION_URL: `https://svc:${secret}@app.example/introspect/`,
          INTROSPECTION_SECRET: 'x'.repeat(32),
        },
      ],
    ] as const) {
      let message = 'started'
      try {
        loadFederatedConfig(env)
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).toBe(
        `${name} must not carry a user name or password (user:password@); fetch refuses such a URL`,
      )
    }
  })
})
