import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DemoProcess, startDemoProcess } from '../../../test-support/demo-process.js'
import { startFederatedProcess } from '../../../test-support/federated-process.js'
import type { ServiceProcess } from '../../../test-support/service-process.js'
import { Client } from '../../demo/test/client.js'
import { createFederatedApp } from '../src/app.js'
import { ASYMMETRIC_ALGORITHMS, loadFederatedConfig } from '../src/config.js'
import { createTokenVerifier } from '../src/token-verifier.js'

// What `npm run federated` trusts by default: the demo's default iss, aud and typ.
const { issuer, audience, typ } = loadFederatedConfig({})
const trust = { issuer, audience, typ, algorithms: [...ASYMMETRIC_ALGORITHMS] }
const SECRET = 'introspection-secret-for-the-federation-test-0123'
const dataDir = mkdtempSync(join(tmpdir(), 'tessera-federation-'))
let demo: DemoProcess
let jwksOnly: ServiceProcess
let introspecting: ServiceProcess

/** A cookie-keeping client of the demo over its real port. */
const client = () => new Client({ request: (input, init) => fetch(input, init) }, demo.url)
const whoami = (service: ServiceProcess, headers: Record<string, string>) =>
  fetch(`${service.url}/whoami`, { headers })

beforeAll(async () => {
  // The demo exactly as `SESSION_FORMAT=jwt npm start` runs it, keys generated on first start.
  demo = await startDemoProcess(
    { DATA_DIR: dataDir, SESSION_FORMAT: 'jwt', INTROSPECTION_SECRET: SECRET },
    120_000,
  )
  const jwksUrl = `${demo.url}/.well-known/jwks.json`
  ;[jwksOnly, introspecting] = await Promise.all([
    startFederatedProcess({ JWKS_URL: jwksUrl }),
    startFederatedProcess({
      JWKS_URL: jwksUrl,
      INTROSPECTION_URL: `${demo.url}/introspect/`,
      INTROSPECTION_SECRET: SECRET,
    }),
  ])
}, 180_000)

afterAll(async () => {
  await Promise.all([demo?.stop(), jwksOnly?.stop(), introspecting?.stop()])
  rmSync(dataDir, { recursive: true, force: true })
}, 30_000)

describe('SESSION_FORMAT=jwt demo and the federated service', () => {
  it('generates one EdDSA private key into DATA_DIR/jwt-keys.json (mode 0600) and publishes only its public half', async () => {
    const file = join(dataDir, 'jwt-keys.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const keySet = JSON.parse(readFileSync(file, 'utf8'))
    expect(keySet.keys).toHaveLength(1)
    expect(keySet.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })
    expect(keySet.keys[0].d).toEqual(expect.any(String))
    const res = await fetch(`${demo.url}/.well-known/jwks.json`)
    expect(res.status).toBe(200)
    const { d: _private, ...publicJwk } = keySet.keys[0]
    expect(await res.json()).toEqual({ keys: [publicJwk] })
    expect(demo.output()).toContain(`Session cookies: JWT (${file})`)
  })

  it('the federated service greets the logged-in user from the cookie or a Bearer header, and nobody else', async () => {
    const alice = client()
    expect((await alice.login('admin', 'admin')).status).toBe(200)
    const jwt = alice.cookie('sessionid') as string
    expect(jwt.split('.')).toHaveLength(3)
    const ways: Record<string, string>[] = [
      { cookie: `sessionid=${jwt}` },
      { authorization: `Bearer ${jwt}` },
    ]
    for (const headers of ways) {
      const res = await whoami(jwksOnly, headers)
      expect(res.status).toBe(200)
      const { claims } = (await res.json()) as { claims: Record<string, unknown> }
      expect(claims).toMatchObject({
        username: 'admin',
        iss: 'tessera-demo',
        aud: 'tessera-federated',
      })
      expect(claims.sub).toEqual(expect.any(String))
      expect(claims.sid, 'never the session credential').toBeUndefined()
      expect(claims.exp).toBe((claims.iat as number) + 300)
    }
    expect((await whoami(jwksOnly, {})).status).toBe(401)
    // An anonymous visitor's CSRF fetch stores no session, so it gets no session JWT to
    // present (its secret rides in the signed sessionid_csrf cookie, which is no JWT).
    const anonymous = client()
    await anonymous.request('/api/csrf/')
    expect(anonymous.cookie('sessionid')).toBeUndefined()
    const csrfOnly = `sessionid_csrf=${anonymous.cookie('sessionid_csrf')}`
    expect((await whoami(jwksOnly, { cookie: csrfOnly })).status).toBe(401)
  })

  it('an anonymous visitor with a cart holds a session JWT, which neither service takes for a logged-in user', async () => {
    const visitor = client()
    await visitor.request('/api/csrf/')
    expect((await visitor.request('/api/cart/', { json: { item: 'tile' } })).status).toBe(200)
    const jwt = visitor.cookie('sessionid') as string
    // A valid session JWT of a stored anonymous session: no sub, no user.
    expect(decodeJwt(jwt)).not.toHaveProperty('sub')
    for (const service of [jwksOnly, introspecting]) {
      const ways: Record<string, string>[] = [
        { cookie: `sessionid=${jwt}` },
        { authorization: `Bearer ${jwt}` },
      ]
      for (const headers of ways) {
        const res = await whoami(service, headers)
        expect(res.status).toBe(401)
        expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
        expect(await res.json()).toEqual({ detail: 'The session is not logged in.' })
      }
    }
  })

  it('after logout a copied JWT still works at the JWKS-only service (until exp) and is refused at once in introspection mode', async () => {
    const bob = client()
    await bob.login('admin', 'admin')
    const copied = bob.cookie('sessionid') as string
    const cookie = { cookie: `sessionid=${copied}` }
    expect((await whoami(introspecting, cookie)).status).toBe(200)
    expect((await bob.request('/api/logout/', { method: 'POST' })).status).toBe(200)
    expect(bob.cookie('sessionid'), 'the demo cleared the cookie').toBeUndefined()

    // The app itself refuses the copy at once.
    const replay = new Client({ request: (input, init) => fetch(input, init) }, demo.url)
    replay.jar.set('sessionid', copied)
    expect(await (await replay.request('/api/me/')).json()).toEqual({ user: null })
    // The JWKS-only service can only check the signature and exp: the copy still works.
    expect((await whoami(jwksOnly, cookie)).status).toBe(200)
    // The introspecting service asks the app: refused right after logout.
    const refused = await whoami(introspecting, cookie)
    expect(refused.status).toBe(401)
    expect(await refused.json()).toEqual({ detail: 'The session has ended.' })

    // ...and the JWKS-only service stops trusting it at exp: the same service code and
    // the demo's real JWKS, its clock moved to the token's exp instead of sleeping.
    const { exp } = decodeJwt(copied) as { exp: number }
    const at = (seconds: number) =>
      createFederatedApp({
        cookieName: 'sessionid',
        verify: createTokenVerifier({
          keys: new URL(`${demo.url}/.well-known/jwks.json`),
          ...trust,
          now: () => new Date(seconds * 1000),
        }),
      }).request('/whoami', { headers: cookie })
    expect((await at(exp - 1)).status).toBe(200)
    expect(await (await at(exp)).json()).toEqual({ detail: 'The token has expired.' })
  })

  it('the introspection endpoint answers only callers with the service credential', async () => {
    const carol = client()
    await carol.login('admin', 'admin')
    const token = carol.cookie('sessionid') as string
    const ask = (authorization?: string) =>
      fetch(`${demo.url}/introspect/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(authorization ? { authorization } : {}),
        },
        body: new URLSearchParams({ token }),
      })
    expect((await ask()).status).toBe(401)
    expect((await ask(`Bearer ${SECRET.slice(1)}x`)).status).toBe(401)
    // No CSRF token, no Origin, no cookie: a service call, outside the browser API's CSRF check.
    const res = await ask(`Bearer ${SECRET}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ active: true, username: 'admin' })
  })
})
