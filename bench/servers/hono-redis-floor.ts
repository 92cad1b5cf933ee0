// Bare Hono plus one Redis read per request and nothing else: `hono-floor` (a middleware
// that awaits `next()`, an async handler, `Vary: Cookie` after `next()`) whose middleware
// reads one hash with ioredis first, as any session on Redis must (Tessera's RedisStore
// reads a session with one HMGET). The Tessera Redis targets' client (`connectBenchRedis`), one
// key under this process's own prefix, deleted on exit. No session.
//
// The read is corked as RedisStore corks its own (store-redis's `corkUntilTurnEnds`): the
// socket holds what it is given until the end of the event-loop turn, so the reads of
// one poll phase reach Redis in one write. Without that, one write per read, this target
// read below Tessera on Redis (bench/README.md: "The floor of any session on Redis").
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { connectBenchRedis } from '../lib/bench-redis-client.js'
import { redisPrefix } from '../lib/redis.js'
import { reportListening } from '../lib/report-listening.js'

const key = `${redisPrefix('hono-redis-floor')}session`
const redis = await connectBenchRedis()
await redis.hset(key, { rec: JSON.stringify({ user: 'bench' }), seen: '0', idle: '0', abs: '0' })

let corked = false
function corkUntilTurnEnds(): void {
  if (corked) return
  corked = true
  redis.stream.cork()
  setImmediate(() => {
    corked = false
    redis.stream.uncork()
  })
}

const app = new Hono<{ Variables: { user: string } }>()
app.use(async (c, next) => {
  corkUntilTurnEnds()
  const [rec] = await redis.hmget(key, 'rec', 'seen', 'idle', 'abs')
  c.set('user', (JSON.parse(rec ?? '{}') as { user: string }).user)
  await next()
  c.res.headers.append('vary', 'Cookie')
})
app.get('/', async (c) => c.json({ user: c.var.user }))

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  reportListening(info.port, async () => {
    await redis.del(key)
    await redis.quit()
  })
})
