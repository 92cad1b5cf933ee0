// Tessera on Hono with the SQLite store: the target the bench exists for. The database is a
// file in a fresh temp dir (not :memory:) so the store pays for real file I/O, as in production.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { SessionManager } from '@tessera/core'
import { type SessionEnv, session } from '@tessera/hono'
import { SqliteStore } from '@tessera/store-sqlite'
import { Hono } from 'hono'
import { reportListening } from '../lib/report-listening.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'))

const manager = new SessionManager({
  store: new SqliteStore({ path: join(dir, 'sessions.sqlite3') }),
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
  reportListening(info.port, () => rmSync(dir, { recursive: true, force: true }))
})
