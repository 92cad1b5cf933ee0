import type { SessionManager } from '@tessera/core'
import { session, storeErrorHandler } from '@tessera/express'
import expressModule from 'express'
import type { Express } from 'express-serve-static-core'

// types/express.d.ts declares a minimal ambient 'express' for the peers' servers, which
// has no room for @tessera/express's `req.session`: take the real types here.
const express = expressModule as unknown as () => Express

/**
 * The bench's two session routes on Express 5 with `@tessera/express`, the same as the
 * express-session servers: `GET /login` stores `user: 'bench'`, `GET /` answers
 * `{"user": …}`, `GET /write` changes the session (a counter), `GET /count` reads it.
 *
 * @example
 * ```ts
 * const app = tesseraExpressApp(new SessionManager({ store: new MemoryStore(), secret }))
 * ```
 */
export function tesseraExpressApp(manager: SessionManager): Express {
  const app = express()
  app.use(session(manager))
  app.get('/login', async (req, res) => {
    await req.session.set('user', 'bench')
    res.json({ ok: true })
  })
  app.get('/', async (req, res) => {
    res.json({ user: (await req.session.get('user')) ?? null })
  })
  app.get('/write', async (req, res) => {
    await req.session.set('n', (Number(await req.session.get('n')) || 0) + 1)
    res.json({ ok: true })
  })
  app.get('/count', async (req, res) => {
    res.json({ n: (await req.session.get('n')) ?? 0 })
  })
  app.use(storeErrorHandler())
  return app
}
