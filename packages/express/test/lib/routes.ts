import {
  type AuthUser,
  getCsrfToken,
  login,
  type SessionManager,
  type UserProvider,
} from '@tessera/core'
import type { LifecycleOptions } from '@tessera/core/adapter'
import { requireUser, session, storeErrorHandler } from '@tessera/express'
import type { ErrorRequestHandler, Express } from 'express-serve-static-core'
import { express } from './serve.js'

/** The conformance route table (`AdapterRoutes`) with Express under session(manager, options). */
export function routes(
  manager: SessionManager,
  options: LifecycleOptions & { users?: UserProvider } = {},
): Express {
  const { users } = options
  const app = express()
  app.use(session(manager, options))
  app.use(express.json({ strict: false }))
  app.get('/static', (_req, res) => {
    res.type('text').send('static')
  })
  app.get('/get/:key', async (req, res) => {
    res.json({ value: (await req.session.get(req.params.key)) ?? null })
  })
  app.post('/set/:key', async (req, res) => {
    await req.session.set(req.params.key, req.body)
    res.json({ ok: true })
  })
  app.get('/data', async (req, res) => {
    res.json(await req.session.data())
  })
  app.post('/flush', async (req, res) => {
    await req.session.flush()
    res.json({ ok: true })
  })
  app.get('/csrf-token', async (req, res) => {
    res.json({ csrfToken: await getCsrfToken(req.session) })
  })
  app.post('/protected', async (req, res) => {
    await req.session.set('done', true)
    res.json({ ok: true })
  })
  app.get('/session-token', async (req, res) => {
    res.json({ sessionToken: await req.session.getSessionToken() })
  })
  app.post('/throw', async (req) => {
    await req.session.set('thrown', true)
    throw new Error('handler failed')
  })
  app.post('/fail', async (req, res) => {
    await req.session.set('failed', true)
    res.status(500).json({ failed: true })
  })
  if (users) {
    app.post('/login', async (req, res) => {
      await login(req.session, (await users.findByUsername('ada')) as AuthUser)
      res.json({ ok: true })
    })
    app.get('/members/me', requireUser(users), (_req, res) => {
      res.json({ username: (res.locals.user as AuthUser).username })
    })
    app.get('/members/open', (_req, res) => {
      res.json({ open: true })
    })
    app.get('/members/plain', (_req, res) => {
      res.json({ plain: true })
    })
  }
  app.get('/redirect', async (req, res) => {
    await req.session.set('redirected', true)
    res.redirect(302, '/static')
  })
  app.use(storeErrorHandler())
  app.use(((err: Error, _req, res, _next) => {
    res.status(500).json({ caught: err.message })
  }) as ErrorRequestHandler)
  return app
}
