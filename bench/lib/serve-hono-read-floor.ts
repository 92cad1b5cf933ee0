import { serve } from '@hono/node-server'
import type { FloorRedisRead } from './floor-redis-read.js'
import { honoReadFloorApp } from './hono-read-floor-app.js'
import { reportListening } from './report-listening.js'

/**
 * Serves bare Hono plus one Redis read per request and nothing else
 * ({@link honoReadFloorApp}). Both Hono floors (`hono-redis-floor`
 * through ioredis, `hono-raw-redis-floor` through a bare socket) are this server.
 *
 * @example
 * ```ts
 * serveHonoReadFloor(await openFloorRedisRead('hono-redis-floor'))
 * ```
 */
export function serveHonoReadFloor(floor: FloorRedisRead): void {
  const app = honoReadFloorApp(floor)
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    reportListening(info.port, () => floor.close())
  })
}
