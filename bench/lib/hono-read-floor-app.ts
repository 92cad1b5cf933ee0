import { Hono } from 'hono'
import type { FloorRead } from './floor-read.js'

/**
 * Bare Hono plus one store read per request (a {@link FloorRead}) and nothing else: a
 * middleware that awaits `floor.read()` and sets the user as a variable, and an async
 * handler that answers it.
 * No session, no cookie, no `Vary`. The Hono floors' servers (`serveHonoReadFloor`) and
 * the `hono-redis-floor` scenario of `bench:instructions` are this app.
 *
 * @example
 * ```ts
 * serve({ fetch: honoReadFloorApp(await openFloorRedisRead('hono-redis-floor')).fetch })
 * ```
 */
export function honoReadFloorApp(floor: FloorRead): Hono<{ Variables: { user: string } }> {
  const app = new Hono<{ Variables: { user: string } }>()
  app.use(async (c, next) => {
    c.set('user', await floor.read())
    await next()
  })
  app.get('/', async (c) => c.json({ user: c.var.user }))
  return app
}
