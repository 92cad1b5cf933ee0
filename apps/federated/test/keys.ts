import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose'

/** A signing key of the test's own "app", with its public JWK. */
export interface TestKey {
  kid: string
  alg: 'EdDSA' | 'ES256'
  privateKey: CryptoKey
  publicKey: CryptoKey
  publicJwk: JWK
}

/** A fresh key pair for `alg`, its public JWK carrying `kid`, `alg` and `use: "sig"`. */
export async function testKey(alg: 'EdDSA' | 'ES256', kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return {
    kid,
    alg,
    privateKey,
    publicKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  }
}

/** Signs `claims` as the demo would (typ `tessera-session+jwt`, iss, aud, iat, 5-minute exp). */
export function signSession(
  key: TestKey,
  claims: JWTPayload,
  options: { iat?: number; exp?: number; typ?: string; iss?: string; aud?: string } = {},
): Promise<string> {
  const iat = options.iat ?? Math.floor(Date.now() / 1000)
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: options.typ ?? 'tessera-session+jwt' })
    .setIssuer(options.iss ?? 'tessera-demo')
    .setAudience(options.aud ?? 'tessera-federated')
    .setIssuedAt(iat)
    .setExpirationTime(options.exp ?? iat + 300)
    .sign(key.privateKey)
}

/** A JWKS served over a real port, as the demo serves it; `keys` may be changed live. */
export async function serveJwks(
  keys: JWK[],
): Promise<{ url: URL; keys: JWK[]; close(): Promise<void> }> {
  const state = { keys }
  const app = new Hono()
  app.get('/.well-known/jwks.json', (c) => c.json({ keys: state.keys }))
  const { server, port } = await listen(app)
  return {
    url: new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`),
    get keys() {
      return state.keys
    },
    set keys(next: JWK[]) {
      state.keys = next
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

/** Serves a Hono app on a free loopback port. */
export function listen(
  app: Hono,
): Promise<{ server: ReturnType<typeof serve>; port: number; url: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
      resolve({ server, port: info.port, url: `http://127.0.0.1:${info.port}` }),
    )
  })
}
