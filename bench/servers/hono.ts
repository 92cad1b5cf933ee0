// Bare Hono on @hono/node-server: the framework cost Tessera's Hono adapter sits on.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { reportListening } from '../lib/report-listening.js'

const app = new Hono()
app.get('/', (c) => c.json({ user: 'bench' }))

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  reportListening(info.port)
})
