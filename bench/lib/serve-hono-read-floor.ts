import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { FloorRedisRead } from './floor-redis-read.js'
import { reportListening } from './report-listening.js'

/**
 * Serves bare Hono plus one Redis read per request and nothing else: a middleware that
 * awaits `floor.read()` and sets the user as a variable, and an async handler that
 * answers it. No session, no cookie, no `Vary`. Both Hono floors (`hono-redis-floor`
 * through ioredis, `hono-raw-redis-floor` through a bare socket) are this server.
 *
 * @example
 * ```ts
 * serveHonoReadFloor(await openFloorRedisRead('hono-redis-floor'))
 * ```
 */
export function serveHonoReadFloor(floor: FloorRedisRead): void {
  const app = new Hono<{ Variables: { user: string } }>()
  app.use(async (c, next) => {
    c.set('user', await floor.read())
    await next()
  })
  app.get('/', async (c) => c.json({ user: c.var.user }))

  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    reportListening(info.port, () => floor.close())
  })
}
