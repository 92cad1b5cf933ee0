import { generateJwtKey, JwtKeySet, MemoryStore, SessionManager } from '@tessera/core'

/**
 * A `SessionManager` in the `jwt` format over a `MemoryStore`, with one fresh Ed25519
 * key (`kid: 'k'`): what the adapters' JWKS tests serve.
 *
 * @example
 * ```ts
 * const manager = await jwtSessionManager()
 * app.use(session(manager, { jwks: true }))
 * ```
 */
export async function jwtSessionManager(): Promise<SessionManager> {
  const keys = await JwtKeySet.fromJson({ keys: [await generateJwtKey('EdDSA', { kid: 'k' })] })
  return new SessionManager({
    store: new MemoryStore(),
    secret: 'jwks-test-secret-jwks-test-secret-jwks-test-0',
    format: 'jwt',
    jwt: { keys, issuer: 'https://app.test', audience: 'https://app.test' },
  })
}
