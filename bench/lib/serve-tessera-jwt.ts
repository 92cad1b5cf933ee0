import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateJwtKey, JwtKeySet, SessionManager } from '@tessera/core'
import { SqliteStore } from '@tessera/store-sqlite'
import { serveTesseraHono } from './serve-tessera-hono.js'

/**
 * Runs the `tessera-hono` bench server with JWT session cookies signed by a fresh `alg`
 * key: the same routes, store (SQLite in a temp dir) and secret, plus `format: 'jwt'`,
 * so the difference to `tessera-hono` is the cost of signing and verifying the cookie.
 * Every measured request carries the JWT the login returned; the manager verifies it
 * (or finds it in its verified-token cache) and still loads the session from SQLite.
 *
 * @example
 * ```ts
 * await serveTesseraJwt('ES256')
 * ```
 */
export async function serveTesseraJwt(alg: 'EdDSA' | 'ES256'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `tessera-bench-jwt-${alg}-`))
  const keys = await JwtKeySet.fromJson({
    keys: [await generateJwtKey(alg, { kid: `bench-${alg}` })],
  })
  const manager = new SessionManager({
    store: new SqliteStore({ path: join(dir, 'sessions.sqlite3') }),
    secret: 'bench-secret-bench-secret-bench-secret!!',
    format: 'jwt',
    jwt: { keys, issuer: 'tessera-bench', audience: 'tessera-bench' },
  })

  serveTesseraHono(manager, () => rmSync(dir, { recursive: true, force: true }), { jwks: true })
}
