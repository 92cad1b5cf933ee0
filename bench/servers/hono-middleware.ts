// Bare Hono plus the least a session middleware adds there: one async middleware that
// sets a variable and awaits `next()`, an async handler answering from `c.var`. No
// session, no cookie, no `Vary` (lib/hono-middleware-app.ts).
import { serve } from '@hono/node-server'
import { honoMiddlewareApp } from '../lib/hono-middleware-app.js'
import { reportListening } from '../lib/report-listening.js'

serve({ fetch: honoMiddlewareApp().fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  reportListening(info.port)
})
