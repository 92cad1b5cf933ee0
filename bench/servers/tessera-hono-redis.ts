// Tessera on Hono with the Redis store over ioredis: the same routes as tessera-hono.ts,
// against the shared Redis at 127.0.0.1:6379. Keys carry this process's own prefix and are
// deleted (SCAN + DEL) on exit; nothing else in that Redis is touched.
import { serve } from '@hono/node-server'
import { type SessionEnv, session } from '@tessera/hono'
import { Hono } from 'hono'
import { reportListening } from '../lib/report-listening.js'
import { tesseraOnRedis } from '../lib/tessera-redis.js'

const { manager, cleanup } = await tesseraOnRedis('tessera-hono-redis')

const app = new Hono<SessionEnv>()
app.use(session(manager))
app.get('/login', async (c) => {
  await c.var.session.set('user', 'bench')
  return c.json({ ok: true })
})
app.get('/', async (c) => c.json({ user: (await c.var.session.get('user')) ?? null }))

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  reportListening(info.port, cleanup)
})
