// Tessera on Hono with the Redis store over ioredis: the same routes as tessera-hono.ts,
// against the shared Redis at 127.0.0.1:6379. Keys carry this process's own prefix and are
// deleted (SCAN + DEL) on exit; nothing else in that Redis is touched.
import { serveTesseraHono } from '../lib/serve-tessera-hono.js'
import { tesseraOnRedis } from '../lib/tessera-redis.js'

const { manager, cleanup } = await tesseraOnRedis('tessera-hono-redis')

serveTesseraHono(manager, cleanup)
