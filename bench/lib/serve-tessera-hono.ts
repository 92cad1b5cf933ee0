import { serve } from '@hono/node-server'
import type { SessionManager } from '@tessera/core'
import { type SessionEnv, type SessionMiddlewareOptions, session } from '@tessera/hono'
import { Hono } from 'hono'
import { reportListening } from './report-listening.js'

/**
 * Serves the bench's two session routes on Hono with `manager`: `GET /login` stores
 * `user: 'bench'` in a new session, `GET /` answers the session's user, `GET /write`
 * changes the session (a counter) and `GET /count` reads the counter back. Every Tessera-on-
 * Hono target (SQLite, Redis, JWT cookies) runs exactly this app, so their numbers
 * differ only by the manager. `options` go to `session()` (the JWT targets serve the
 * JWKS); `cleanup` runs once when the server stops.
 *
 * @example
 * ```ts
 * serveTesseraHono(new SessionManager({ store, secret }), () => rmSync(dir, { recursive: true }))
 * ```
 */
export function serveTesseraHono(
  manager: SessionManager,
  cleanup: () => void | Promise<void>,
  options: SessionMiddlewareOptions = {},
): void {
  const app = new Hono<SessionEnv>()
  app.use(session(manager, options))
  app.get('/login', async (c) => {
    await c.var.session.set('user', 'bench')
    return c.json({ ok: true })
  })
  app.get('/', async (c) => c.json({ user: (await c.var.session.get('user')) ?? null }))
  app.get('/write', async (c) => {
    await c.var.session.set('n', (Number(await c.var.session.get('n')) || 0) + 1)
    return c.json({ ok: true })
  })
  app.get('/count', async (c) => c.json({ n: (await c.var.session.get('n')) ?? 0 }))

  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    reportListening(info.port, cleanup)
  })
}
