/// <reference path="../types/express.d.ts" />
import express from 'express'
import session from 'express-session'
import { benchSecret } from './bench-secret.js'

/**
 * The peer on Express: Express 5 + express-session configured the way its README
 * recommends (no resave, no empty sessions), on `store` (default: its MemoryStore), with
 * the bench's routes: `GET /login` stores `user: 'bench'` in a new session, `GET /`
 * answers `{"user": …}`, `GET /write` changes the session (a counter) and `GET /count`
 * reads that counter back.
 *
 * @example
 * ```ts
 * expressSessionApp(new RedisStore({ client, prefix })).listen(0, '127.0.0.1', done)
 * ```
 */
export function expressSessionApp(store?: session.Store): express.Application {
  const app = express()
  app.use(
    session({
      secret: benchSecret,
      resave: false,
      saveUninitialized: false,
      ...(store === undefined ? {} : { store }),
    }),
  )
  app.get('/login', (req, res) => {
    req.session.user = 'bench'
    res.json({ ok: true })
  })
  app.get('/', (req, res) => {
    res.json({ user: req.session.user ?? null })
  })
  app.get('/write', (req, res) => {
    req.session.n = (req.session.n ?? 0) + 1
    res.json({ ok: true })
  })
  app.get('/count', (req, res) => {
    res.json({ n: req.session.n ?? 0 })
  })
  return app
}
