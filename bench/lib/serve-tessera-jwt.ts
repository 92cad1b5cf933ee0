import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { JwtKeySet, SessionManager } from '@tessera/core'
import { jwks, type SessionEnv, session } from '@tessera/hono'
import { SqliteStore } from '@tessera/store-sqlite'
import { Hono } from 'hono'
import { exportJWK, generateKeyPair } from 'jose'
import { reportListening } from './report-listening.js'

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
  const { privateKey } = await generateKeyPair(alg, { extractable: true })
  const keys = await JwtKeySet.fromJson({
    keys: [{ ...(await exportJWK(privateKey)), kid: `bench-${alg}`, alg, use: 'sig' }],
  })
  const manager = new SessionManager({
    store: new SqliteStore({ path: join(dir, 'sessions.sqlite3') }),
    secret: 'bench-secret-bench-secret-bench-secret!!',
    format: 'jwt',
    jwt: { keys, issuer: 'tessera-bench', audience: 'tessera-bench' },
  })

  const app = new Hono<SessionEnv>()
  app.use(jwks(manager))
  app.use(session(manager))
  app.get('/login', async (c) => {
    await c.var.session.set('user', 'bench')
    return c.json({ ok: true })
  })
  app.get('/', async (c) => c.json({ user: (await c.var.session.get('user')) ?? null }))

  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    reportListening(info.port, () => rmSync(dir, { recursive: true, force: true }))
  })
}
