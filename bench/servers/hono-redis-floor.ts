// Bare Hono plus one Redis read per request and nothing else: `hono-floor` (a middleware
// that awaits `next()`, an async handler, `Vary: Cookie` after `next()`) whose middleware
// first reads one session-shaped hash as RedisStore reads a session (`openFloorRedisRead`:
// one HMGET, corked until the turn ends). No session. Until the references of
// `bench:goals` it wrote each read on its own, and read below Tessera on Redis
// (bench/README.md: "The floor of any session on Redis").
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { openFloorRedisRead } from '../lib/floor-redis-read.js'
import { reportListening } from '../lib/report-listening.js'

const floor = await openFloorRedisRead('hono-redis-floor')

const app = new Hono<{ Variables: { user: string } }>()
app.use(async (c, next) => {
  c.set('user', await floor.read())
  await next()
  c.res.headers.append('vary', 'Cookie')
})
app.get('/', async (c) => c.json({ user: c.var.user }))

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  reportListening(info.port, () => floor.close())
})
