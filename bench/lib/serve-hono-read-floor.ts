import { serve } from '@hono/node-server'
import type { FloorRead } from './floor-read.js'
import { honoReadFloorApp } from './hono-read-floor-app.js'
import { reportListening } from './report-listening.js'

/**
 * Serves bare Hono plus one store read per request and nothing else
 * ({@link honoReadFloorApp}). The Hono floors (`hono-redis-floor` through ioredis,
 * `hono-raw-redis-floor` through a bare socket, `hono-postgres-floor` through pg) are
 * this server.
 *
 * @example
 * ```ts
 * serveHonoReadFloor(await openFloorRedisRead('hono-redis-floor'))
 * ```
 */
export function serveHonoReadFloor(floor: FloorRead): void {
  const app = honoReadFloorApp(floor)
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    reportListening(info.port, () => floor.close())
  })
}
