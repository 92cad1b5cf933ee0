// Bare Hono plus one Redis read per request and nothing else: a middleware that reads
// one session-shaped hash as RedisStore reads a session (`openFloorRedisRead`: one HMGET,
// corked until the turn ends) and sets the user as a variable, and an async handler that
// answers it. No session, no cookie, no `Vary` (which Tessera's Hono adapter sets without
// building the response's Headers; `hono-floor` still measures the old way).
//
// Until the references of `bench:goals` this was `hono-floor` plus an uncorked read: it
// wrote each read on its own and paid hono-floor's `Vary` through `c.res.headers`, and
// read below Tessera on Redis (bench/README.md: "The floor of any session on Redis").
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { openFloorRedisRead } from '../lib/floor-redis-read.js'
import { reportListening } from '../lib/report-listening.js'

const floor = await openFloorRedisRead('hono-redis-floor')

const app = new Hono<{ Variables: { user: string } }>()
app.use(async (c, next) => {
  c.set('user', await floor.read())
  await next()
})
app.get('/', async (c) => c.json({ user: c.var.user }))

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  reportListening(info.port, () => floor.close())
})
