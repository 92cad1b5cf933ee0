import expressModule from 'express'
import type { Express } from 'express-serve-static-core'
import type { FloorRead } from './floor-read.js'

// types/express.d.ts declares a minimal ambient 'express' for the peers' servers: take the
// real types here, as lib/tessera-express-app.ts does.
const express = expressModule as unknown as () => Express

/**
 * Bare Express 5 plus one Redis read per request and nothing else: a middleware that
 * reads one session-shaped hash as `RedisStore` reads a session (`floor.read()`: one HMGET,
 * corked until the turn ends) and keeps the user on `res.locals`; the route answers it.
 * No session, no cookie. The `express-redis-floor` target's server and the
 * `express-redis-floor` scenario of `bench:instructions` are this app.
 *
 * @example
 * ```ts
 * const app = expressReadFloorApp(await openFloorRedisRead('express-redis-floor'))
 * app.listen(0, '127.0.0.1')
 * ```
 */
export function expressReadFloorApp(floor: FloorRead): Express {
  const app = express()
  app.use((_req, res, next) => {
    floor.read().then((user) => {
      res.locals.user = user
      next()
    }, next)
  })
  app.get('/', (_req, res) => {
    res.json({ user: res.locals.user })
  })
  return app
}
