// Bare Hono with what Tessera's Hono targets add to a request outside the session layer
// itself, and nothing else: one middleware that sets a variable and awaits `next()`, an
// async handler that reads it from `c.var`, and `Vary: Cookie` set on the handler's
// response after `next()` through `c.res.headers` (as the adapter set it until 55ca641;
// it now keeps @hono/node-server's plain-object headers, see bench/README.md). No session.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { reportListening } from '../lib/report-listening.js'

const app = new Hono<{ Variables: { user: string } }>()
app.use(async (c, next) => {
  c.set('user', 'bench')
  await next()
  c.res.headers.append('vary', 'Cookie')
})
app.get('/', async (c) => c.json({ user: c.var.user }))

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  reportListening(info.port)
})
