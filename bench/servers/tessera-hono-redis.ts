// Tessera on Hono with the Redis store over ioredis: the same routes as tessera-hono.ts,
// against the shared Redis at 127.0.0.1:6379. Keys carry this process's own prefix and are
// deleted (SCAN + DEL) on exit; nothing else in that Redis is touched.
import { serve } from '@hono/node-server'
import { SessionManager } from '@tessera/core'
import { type SessionEnv, session } from '@tessera/hono'
import { RedisStore } from '@tessera/store-redis'
import { Hono } from 'hono'
import { Redis } from 'ioredis'
import { deleteKeysWithPrefix, redisHost, redisPort, redisPrefix } from '../lib/redis.js'
import { reportListening } from '../lib/report-listening.js'

const prefix = redisPrefix('tessera-hono-redis')
// As the store's README recommends: fail fast while Redis is down instead of queueing.
const redis = new Redis({
  host: redisHost,
  port: redisPort,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  lazyConnect: true,
})
await redis.connect()

const manager = new SessionManager({
  store: new RedisStore({ client: redis, prefix }),
  secret: 'bench-secret-bench-secret-bench-secret!!',
})

const app = new Hono<SessionEnv>()
app.use(session(manager))
app.get('/login', async (c) => {
  await c.var.session.set('user', 'bench')
  return c.json({ ok: true })
})
app.get('/', async (c) => c.json({ user: (await c.var.session.get('user')) ?? null }))

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  reportListening(info.port, async () => {
    await deleteKeysWithPrefix(
      prefix,
      (cursor, match) => redis.scan(cursor, 'MATCH', match, 'COUNT', 250),
      (keys) => redis.del(...keys),
    )
    await redis.quit()
  })
})
