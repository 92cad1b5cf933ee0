import { SessionManager, type SessionManagerOptions, type SessionStore } from '@tessera/core'
import { type SessionEnv, session } from '@tessera/hono'
import { Hono } from 'hono'

export const SECRET = 'hono-test-secret-hono-test-secret-0123456'

/** The app every adapter test drives: one route per session behaviour. */
export function testApp(store: SessionStore, options: Partial<SessionManagerOptions> = {}) {
  const manager = new SessionManager({ store, secret: SECRET, ...options })
  const app = new Hono<SessionEnv>()
  app.use(session(manager))
  app.get('/static', (c) => c.text('no session here'))
  app.get('/get/:key', async (c) =>
    c.json({ value: (await c.var.session.get(c.req.param('key'))) ?? null }),
  )
  app.get('/data', async (c) => c.json(await c.var.session.data()))
  app.post('/set/:key', async (c) => {
    await c.var.session.set(c.req.param('key'), await c.req.json())
    return c.json({ ok: true })
  })
  app.post('/flush', async (c) => {
    await c.var.session.flush()
    return c.json({ ok: true })
  })
  app.get('/redirect', async (c) => {
    await c.var.session.set('went', true)
    return Response.redirect('http://localhost/elsewhere', 302)
  })
  return { app, manager }
}

/** The `name=value` part of a response's session cookie. */
export function sessionCookie(res: Response): string {
  const header = res.headers.getSetCookie().find((c) => c.startsWith('sessionid='))
  if (!header) throw new Error('no session cookie')
  return header.split(';')[0] as string
}
