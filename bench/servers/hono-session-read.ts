// Bare Hono plus the least a correct session read does, inline with no session library:
// the `sessionid` cookie, the credential's format, a `Map`, the expiry, SHA-256 and a
// constant-time compare, in one async middleware (lib/hono-session-read-app.ts). No `Vary`.
import { serve } from '@hono/node-server'
import { honoSessionReadApp } from '../lib/hono-session-read-app.js'
import { reportListening } from '../lib/report-listening.js'

serve({ fetch: honoSessionReadApp().fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  reportListening(info.port)
})
