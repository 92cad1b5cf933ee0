import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { type AuthUser, getCsrfToken, login } from '@tessera/core'
import { requireUser, type SessionEnv, session } from '@tessera/hono'
import { type AdapterApp, type AdapterSetupOptions, describeAdapter } from '@tessera/testing'
import { Hono } from 'hono'

/** The conformance route table (`AdapterRoutes`) with Hono under session(manager, options). */
function routes({ manager, users, options }: AdapterSetupOptions): Hono<SessionEnv> {
  const app = new Hono<SessionEnv>()
  app.onError((error, c) => c.json({ caught: error.message }, 500))
  app.use(session(manager, options))
  app.get('/static', (c) => c.text('static'))
  app.get('/get/:key', async (c) =>
    c.json({ value: (await c.var.session.get(c.req.param('key'))) ?? null }),
  )
  app.post('/set/:key', async (c) => {
    await c.var.session.set(c.req.param('key'), await c.req.json())
    return c.json({ ok: true })
  })
  app.get('/data', async (c) => c.json(await c.var.session.data()))
  app.post('/flush', async (c) => {
    await c.var.session.flush()
    return c.json({ ok: true })
  })
  app.get('/csrf-token', async (c) => c.json({ csrfToken: await getCsrfToken(c.var.session) }))
  app.post('/protected', async (c) => {
    await c.var.session.set('done', true)
    return c.json({ ok: true })
  })
  app.get('/session-token', async (c) =>
    c.json({ sessionToken: await c.var.session.getSessionToken() }),
  )
  app.post('/throw', async (c) => {
    await c.var.session.set('thrown', true)
    throw new Error('handler failed')
  })
  app.post('/fail', async (c) => {
    await c.var.session.set('failed', true)
    return c.json({ failed: true }, 500)
  })
  app.post('/login', async (c) => {
    await login(c.var.session, (await users.findByUsername('ada')) as AuthUser)
    return c.json({ ok: true })
  })
  app.get('/members/me', requireUser(users), (c) =>
    c.json({ username: (c.var as { user: AuthUser }).user.username }),
  )
  app.get('/members/open', (c) => c.json({ open: true }))
  app.get('/members/plain', (c) => c.json({ plain: true }))
  app.get('/redirect', async (c) => {
    await c.var.session.set('redirected', true)
    return Response.redirect(new URL('/static', c.req.url).href, 302)
  })
  return app
}

/** Serves the app on 127.0.0.1 at a free port. */
function listen(app: Hono<SessionEnv>): Promise<AdapterApp> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      resolve({
        fetch: async (request) => app.fetch(request),
        url: `http://127.0.0.1:${(info as AddressInfo).port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      })
    })
  })
}

describeAdapter('hono', (options) => {
  const app = routes(options)
  return { fetch: async (request) => app.fetch(request) }
})

describeAdapter('hono over a real port', (options) => listen(routes(options)), {
  realPort: true,
  cases: ['concurrency'],
})
