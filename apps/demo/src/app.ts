import type { SessionManager } from '@tessera/core'
import { type SessionEnv, session } from '@tessera/hono'
import { Hono } from 'hono'

/** The demo's HTTP app, independent of how it is served. */
export function createApp(manager: SessionManager): Hono<SessionEnv> {
  const app = new Hono<SessionEnv>()
  app.use(session(manager))

  app.get('/', (c) =>
    c.html(
      '<!doctype html><title>Tessera demo</title><h1>Tessera demo</h1>' +
        '<p>The API lives under <a href="/api/visits/">/api/visits/</a>.</p>',
    ),
  )

  // A session-backed counter: the smallest thing that proves sessions persist.
  app.get('/api/visits/', async (c) => {
    const visits = ((await c.var.session.get<number>('visits')) ?? 0) + 1
    await c.var.session.set('visits', visits)
    return c.json({ visits })
  })

  app.notFound((c) => c.json({ detail: 'Not found' }, 404))
  return app
}
