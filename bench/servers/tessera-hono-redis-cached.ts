// tessera-hono-redis.ts with RedisStore's `clientSideCache` on: a session read again is
// answered from what this process kept until Redis's invalidation (CLIENT TRACKING)
// says it changed. Same routes, same shared Redis, keys under this process's own prefix.
import { serveTesseraHono } from '../lib/serve-tessera-hono.js'
import { tesseraOnRedis } from '../lib/tessera-redis.js'

const { manager, cleanup } = await tesseraOnRedis('tessera-hono-redis-cached', {
  clientSideCache: true,
})

serveTesseraHono(manager, cleanup)
